import type { RoleCredentialsCache } from '../credentials/role-credentials';
import { isUnauthorized, toRolecallError } from '../identity-center/error-mapping';
import { canRefresh, refreshSsoToken } from '../identity-center/token-refresh';
import { RolecallError } from '../model/errors';
import { isNewerToken } from '../model/tokens';
import type { SsoToken } from '../model/tokens';
import { lockName, withFileLock } from '../storage/file-lock';
import type { CoreState } from './core-state';
import type { InstanceClients } from './instance-clients';
import type { InstanceRuntime } from './runtime';
import type { Shutdown } from './shutdown';
import type { LoadedToken, TokenVault } from './token-vault';
import { heldToken, holdToken, markExpired, markReconnecting } from './session-state';

const noLongerValid = (runtime: InstanceRuntime): string =>
  `Your ${runtime.instance.label} session is no longer valid (revoked or expired); sign in again.`;

/** A portal call that AWS refused for its access token (expired, revoked or unknown). */
const isRefused = (error: unknown): boolean => isUnauthorized(error) || toRolecallError(error).code === 'unauthorized';

/** Refreshes per portal call after AWS refused its token; each is followed by one more try. */
const MAX_RENEWALS_PER_CALL = 2;

/** Refresh failures after which only a new sign-in helps; anything else (5xx, network, throttling) is worth retrying. */
const FINAL_REFRESH_FAILURES = new Set(['invalid-grant', 'signed-out', 'invalid-client']);

/**
 * Runs `task` under the cross-process lock around one instance's stored token: refreshes,
 * saves and removals of it never interleave (AWS rotates the refresh token, so two refreshes
 * at once would sign one process out).
 */
export const withTokenLock = <T>(lockDir: string, instanceId: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> =>
  withFileLock(lockDir, lockName('token', instanceId), task, signal ? { signal } : {});

/**
 * Each instance's access token: storing it, refreshing it (once at a time across every
 * Rolecall process), and using it for portal calls.
 *
 * Several processes share one sign-in (the desktop app, `rolecall web`, CLI runs, the AWS
 * CLI through ~/.aws/sso/cache), and a refresh token works once. So a refresh takes the
 * instance's token lock, re-reads the stored token inside it and adopts a newer one that
 * another process stored instead of refreshing again. Only a real UnauthorizedException or
 * InvalidGrant, with no newer token stored, means "sign in again": throttling, 5xx and
 * network errors keep the session and are retried.
 */
export class SessionTokens {
  constructor(
    private readonly state: CoreState,
    private readonly vault: TokenVault,
    private readonly clients: InstanceClients,
    private readonly credentials: RoleCredentialsCache,
    /** Where the cross-process token locks live (the shared cache directory). */
    private readonly lockDir: string,
    /** After stop() no token is refreshed or saved: the next owner of the config dir does that. */
    private readonly shutdown: Shutdown,
  ) {}

  signedOutError(runtime: InstanceRuntime): RolecallError {
    return new RolecallError(
      'signed-out',
      `You are signed out of ${runtime.instance.label}; sign in again (rolecall login, or "Sign in" in the app).`,
    );
  }

  canRefresh(token: SsoToken): boolean {
    return canRefresh(token, this.state.ports.clock);
  }

  /** Keeps a token from a new sign-in, under the token lock so it cannot interleave with a refresh. */
  async storeSignedIn(runtime: InstanceRuntime, token: SsoToken): Promise<void> {
    this.shutdown.throwIfClosed();
    // Waiting for the lock ends when stop() returns: the lock is then never taken.
    await withTokenLock(this.lockDir, runtime.instance.id, () => this.store(runtime, token, 'rolecall'), this.shutdown.closedSignal);
  }

  /** Holds and saves a token; callers hold the token lock (which may have been waited for past stop()). */
  private async store(runtime: InstanceRuntime, token: SsoToken, source: 'rolecall' | 'aws-cli-cache'): Promise<void> {
    this.shutdown.throwIfClosed();
    this.hold(runtime, token, source);
    await this.vault.save(runtime.instance, token, this.state.interop() && source === 'rolecall');
  }

  /**
   * Re-reads the stored token and takes it when it is newer than the one held here (another
   * process refreshed or signed in). Resolves with whether it did.
   */
  async adoptStored(runtime: InstanceRuntime): Promise<boolean> {
    return this.adopt(runtime, await this.loadStored(runtime));
  }

  /** Takes a stored token when it is newer than the one held here; returns whether it did. */
  private adopt(runtime: InstanceRuntime, stored: LoadedToken | 'none' | undefined): boolean {
    if (!stored || stored === 'none' || !isNewerToken(stored.token, runtime.token)) return false;
    this.hold(runtime, stored.token, stored.source);
    return true;
  }

  /** The stored token; 'none' when the store answered that it holds none, undefined when it could not be read. */
  private async loadStored(runtime: InstanceRuntime): Promise<LoadedToken | 'none' | undefined> {
    try {
      return (await this.vault.load(runtime.instance, this.state.interop())) ?? 'none';
    } catch {
      return undefined;
    }
  }

  /**
   * Extends the session with the refresh token, under the instance's cross-process lock;
   * concurrent callers in this process share one call. When another process stored a newer
   * token meanwhile, that token is adopted and no refresh is made.
   */
  refresh(runtime: InstanceRuntime): Promise<SsoToken> {
    if (runtime.refreshing) return runtime.refreshing;
    // Not a session AWS already ended: its refresh token is dead too.
    if (!heldToken(runtime)) return Promise.reject(this.signedOutError(runtime));
    // No refresh starts after stop(). One under way is not aborted: AWS may already have
    // rotated the refresh token, and the new one must be saved for the next owner (stop()
    // waits for that, within its bound).
    if (this.shutdown.stopped) return Promise.reject(this.shutdown.error());
    const refreshing = withTokenLock(
      this.lockDir,
      runtime.instance.id,
      async () => {
        this.shutdown.throwIfStopped();
        // Read now, not before the wait: a sign-out here may have run under the lock meanwhile.
        if (!heldToken(runtime)) throw this.signedOutError(runtime);
        const stored = await this.loadStored(runtime);
        // Nothing stored while this process holds a token: another process signed out (`rolecall
        // logout`, `aws sso logout`) while this one waited. Refreshing the token held from
        // before would sign the user back in behind their back.
        if (stored === 'none') {
          const sentence = `You were signed out of ${runtime.instance.label} in another window or terminal; sign in again.`;
          this.markSignedOut(runtime, sentence);
          throw new RolecallError('signed-out', sentence);
        }
        if (this.adopt(runtime, stored) && runtime.token) return runtime.token;
        const held = heldToken(runtime);
        if (!held || !this.canRefresh(held)) throw this.signedOutError(runtime);
        let refreshed: SsoToken;
        try {
          refreshed = await refreshSsoToken({ oidc: this.clients.of(runtime.instance).oidc, token: held, clock: this.state.ports.clock });
        } catch (error) {
          // A process that lost a race (its refresh token was already used) takes the winner's token.
          if ((await this.adoptStored(runtime)) && runtime.token) return runtime.token;
          throw error;
        }
        // A token found in the AWS CLI cache stays in sync with it after a refresh.
        await this.store(runtime, refreshed, 'rolecall');
        return refreshed;
      },
      this.shutdown.signal,
    ).finally(() => {
      runtime.refreshing = undefined;
    });
    runtime.refreshing = refreshing;
    return this.shutdown.track(refreshing, `the session refresh of ${runtime.instance.label}`);
  }

  markSignedOut(runtime: InstanceRuntime, message: string): void {
    markExpired(runtime, message);
    this.credentials.forgetInstance(runtime.instance.id);
    this.state.changed();
  }

  /**
   * After a failed refresh: signed out when AWS said the session is over, else the session
   * is kept (marked "reconnecting") and the error says it will be retried.
   */
  refreshFailed(runtime: InstanceRuntime, error: unknown, signedOutMessage?: string): never {
    // Already over (a sign-out ran while the refresh waited, or it was marked so): nothing to mark again.
    if (!heldToken(runtime)) throw this.signedOutError(runtime);
    const mapped = toRolecallError(error, `renew your ${runtime.instance.label} session`);
    if (FINAL_REFRESH_FAILURES.has(mapped.code)) return this.signOutAndThrow(runtime, signedOutMessage ?? mapped.userMessage);
    if (mapped.code === 'busy' || mapped.code === 'sign-in-cancelled') throw mapped;
    const sentence = `Could not renew your ${runtime.instance.label} session (${mapped.userMessage.replace(/[.;]\s*$/, '')}); your sign-in is kept and Rolecall retries.`;
    markReconnecting(runtime, sentence);
    this.state.changed();
    throw new RolecallError(mapped.code, sentence, { cause: error });
  }

  /**
   * Runs a portal call with a valid access token, refreshing when AWS says it is not. A
   * refused token is renewed at most twice per call: a dead session fails at the refresh
   * (InvalidGrant: signed out there), while one whose refreshes work but whose fresh tokens
   * are still refused lost a race with time (short-lived tokens on a loaded machine, a slow
   * network), so the sign-in is kept and the call fails with a retryable error.
   */
  async withAccessToken<T>(runtime: InstanceRuntime, call: (accessToken: string) => Promise<T>): Promise<T> {
    // Signed out here, but another process may have signed in since.
    if (!heldToken(runtime)) await this.adoptStored(runtime);
    let token = heldToken(runtime);
    if (!token) throw this.signedOutError(runtime);
    if (token.expiresAt <= this.state.ports.clock.now()) {
      if (!this.canRefresh(token) && !(await this.adoptStored(runtime))) {
        return this.signOutAndThrow(runtime, `Your ${runtime.instance.label} session has expired; sign in again.`);
      }
      token = await this.refresh(runtime).catch((error: unknown) => this.refreshFailed(runtime, error));
    }
    // Bounded: at most MAX_RENEWALS_PER_CALL refreshes, then the call fails.
    for (let renewals = 0; ; renewals++) {
      try {
        return await call(token.accessToken);
      } catch (error) {
        if (!isRefused(error)) throw error;
        if (renewals === MAX_RENEWALS_PER_CALL) {
          throw new RolecallError(
            'service-unavailable',
            `AWS refused the just-renewed ${runtime.instance.label} session token (most likely it expired before AWS read it: a slow machine or network); your sign-in is kept; try again.`,
            { cause: error },
          );
        }
      }
      token = await this.refresh(runtime).catch((refreshError: unknown) =>
        this.refreshFailed(runtime, refreshError, noLongerValid(runtime)),
      );
    }
  }

  private hold(runtime: InstanceRuntime, token: SsoToken, source: 'rolecall' | 'aws-cli-cache'): void {
    holdToken(runtime, token, source);
    this.state.changed();
  }

  private signOutAndThrow(runtime: InstanceRuntime, message: string): never {
    this.markSignedOut(runtime, message);
    throw this.signedOutError(runtime);
  }
}
