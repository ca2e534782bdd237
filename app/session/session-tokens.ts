import type { RoleCredentialsCache } from '../credentials/role-credentials';
import { isUnauthorized, toRolecallError } from '../identity-center/error-mapping';
import { canRefresh, refreshSsoToken } from '../identity-center/token-refresh';
import { RolecallError } from '../model/errors';
import type { SsoToken } from '../model/tokens';
import type { CoreState } from './core-state';
import type { InstanceClients } from './instance-clients';
import type { InstanceRuntime } from './runtime';
import type { TokenVault } from './token-vault';

const noLongerValid = (runtime: InstanceRuntime): string =>
  `Your ${runtime.instance.label} session is no longer valid (revoked or expired); sign in again.`;

/**
 * Each instance's access token: storing it, refreshing it (once at a time), and using it
 * for portal calls. Only a real UnauthorizedException, after one refresh attempt, means
 * "sign in again": throttling and network errors never do.
 */
export class SessionTokens {
  constructor(
    private readonly state: CoreState,
    private readonly vault: TokenVault,
    private readonly clients: InstanceClients,
    private readonly credentials: RoleCredentialsCache,
  ) {}

  signedOutError(runtime: InstanceRuntime): RolecallError {
    return new RolecallError('signed-out', `You are signed out of ${runtime.instance.label}; sign in again (rolecall login, or "Sign in" in the app).`);
  }

  canRefresh(token: SsoToken): boolean {
    return canRefresh(token, this.state.ports.clock);
  }

  async store(runtime: InstanceRuntime, token: SsoToken, source: 'rolecall' | 'aws-cli-cache'): Promise<void> {
    runtime.token = token;
    runtime.tokenSource = source;
    runtime.expired = false;
    runtime.sessionError = undefined;
    await this.vault.save(runtime.instance, token, this.state.interop() && source === 'rolecall');
    this.state.changed();
  }

  /** Refreshes the access token with the refresh token; concurrent callers share one call. */
  refresh(runtime: InstanceRuntime): Promise<SsoToken> {
    if (runtime.refreshing) return runtime.refreshing;
    const token = runtime.token;
    if (!token || !this.canRefresh(token)) return Promise.reject(this.signedOutError(runtime));
    runtime.refreshing = (async () => {
      try {
        const refreshed = await refreshSsoToken({ oidc: this.clients.of(runtime.instance).oidc, token, clock: this.state.ports.clock });
        // A token found in the AWS CLI cache stays in sync with it after a refresh.
        await this.store(runtime, refreshed, 'rolecall');
        return refreshed;
      } finally {
        runtime.refreshing = undefined;
      }
    })();
    return runtime.refreshing;
  }

  markSignedOut(runtime: InstanceRuntime, message: string): void {
    runtime.expired = true;
    runtime.sessionError = message;
    this.credentials.forgetInstance(runtime.instance.id);
    this.state.changed();
  }

  /** Runs a portal call with a valid access token, refreshing once when AWS says it is not. */
  async withAccessToken<T>(runtime: InstanceRuntime, call: (accessToken: string) => Promise<T>): Promise<T> {
    let token = runtime.token;
    if (!token || runtime.expired) throw this.signedOutError(runtime);
    if (token.expiresAt <= this.state.ports.clock.now()) {
      if (!this.canRefresh(token)) return this.signOutAndThrow(runtime, `Your ${runtime.instance.label} session has expired; sign in again.`);
      token = await this.refresh(runtime).catch((error: unknown) => this.signOutAndThrow(runtime, toRolecallError(error).userMessage));
    }
    try {
      return await call(token.accessToken);
    } catch (error) {
      if (!isUnauthorized(error) && toRolecallError(error).code !== 'unauthorized') throw error;
      if (!this.canRefresh(token)) return this.signOutAndThrow(runtime, noLongerValid(runtime));
      const refreshed = await this.refresh(runtime).catch(() => this.signOutAndThrow(runtime, noLongerValid(runtime)));
      try {
        return await call(refreshed.accessToken);
      } catch (retryError) {
        if (isUnauthorized(retryError)) return this.signOutAndThrow(runtime, noLongerValid(runtime));
        throw retryError;
      }
    }
  }

  private signOutAndThrow(runtime: InstanceRuntime, message: string): never {
    this.markSignedOut(runtime, message);
    throw this.signedOutError(runtime);
  }
}
