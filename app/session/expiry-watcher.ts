import type { RoleCredentialsCache } from '../credentials/role-credentials';
import { toRolecallError } from '../identity-center/error-mapping';
import { chainedRoleKey } from '../model/chained-roles';
import { roleKey } from '../model/roles';
import type { RoleCredentials } from '../model/tokens';
import type { ChainedRoleAccess } from './chained-role-access';
import type { CoreState } from './core-state';
import { DIRECTORY_RESYNC_AFTER_MS, credentialsDue, directoryResyncDue, nextWakeDelay, sessionActionAt } from './expiry-rules';
import type { SessionTiming } from './expiry-rules';
import type { RoleAccess } from './role-access';
import type { InstanceRuntime } from './runtime';
import type { SessionTokens } from './session-tokens';
import type { Shutdown } from './shutdown';
import { heldToken, liveToken, markWarned } from './session-state';

/** A role or a saved chained role marked "keep fresh", as the watcher renews it. */
interface KeptFresh {
  /** Tells failed renewals apart, for announcing each once. */
  readonly key: string;
  /** The instance whose session the renewal needs (a chained role's: its source's). */
  readonly instanceId: string;
  /** When the credentials held in memory expire now (an earlier renewal may have changed it); undefined: none held. */
  readonly heldUntil: () => number | undefined;
  readonly name: () => string;
  /** Fetches again (a chained role: its source's credentials as needed, then one AssumeRole). */
  readonly renew: () => Promise<RoleCredentials>;
}

/**
 * Keeps sessions and kept-fresh credentials alive: refreshes tokens before they expire,
 * warns before a session that cannot be refreshed ends, marks ended sessions signed out,
 * and re-fetches kept-fresh role credentials. It sleeps until the next moment something is
 * due (expiry-rules.ts), never polls, and wakes early on any state change. The core's
 * stop() ends its sleep and waits for the tick under way (a refresh it started).
 */
export class ExpiryWatcher {
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** Consecutive wake-ups that found something past due; backs the retry off (1 s, 2 s, … 60 s). */
  private pastDueStreak = 0;
  /** Kept-fresh roles whose failed refresh was already announced, by the expiry it was for. */
  private readonly failureAnnounced = new Map<string, number | undefined>();

  constructor(
    private readonly state: CoreState,
    private readonly tokens: SessionTokens,
    private readonly roles: RoleAccess,
    private readonly cache: RoleCredentialsCache,
    private readonly chained: ChainedRoleAccess,
    /** Starts a sign-in when the user clicks an expiry notification. */
    private readonly signIn: (runtime: InstanceRuntime) => void,
    /** Re-syncs an old account list in the background; absent where the shell syncs on demand. */
    private readonly resync: ((runtime: InstanceRuntime) => void) | undefined,
    private readonly shutdown: Shutdown,
  ) {
    state.onChange(() => this.wake?.());
  }

  start(): void {
    if (this.shutdown.stopped) return;
    this.loop ??= this.shutdown.track(this.run(), 'the expiry watcher');
  }

  private async run(): Promise<void> {
    const { clock } = this.state.ports;
    // Bounded by stop(): the shutdown signal ends the sleep and the loop.
    while (!this.shutdown.stopped) {
      await this.tick().catch(() => undefined);
      if (this.shutdown.stopped) return;
      const woken = new AbortController();
      this.wake = () => woken.abort();
      await clock.sleep(this.nextDelay(), this.shutdown.linked(woken.signal)).catch(() => undefined);
      this.wake = undefined;
    }
  }

  private leadMs(): number {
    return this.state.settings().preferences.notificationLeadMinutes * 60_000;
  }

  private timing(runtime: InstanceRuntime): SessionTiming | undefined {
    const token = heldToken(runtime);
    if (!token) return undefined;
    return {
      expiresAt: token.expiresAt,
      refreshable: this.tokens.canRefresh(token),
      ...(runtime.warnedFor !== undefined ? { warnedFor: runtime.warnedFor } : {}),
    };
  }

  private nextDelay(): number {
    const sessions = [...this.state.runtimes.values()].flatMap((runtime) => this.timing(runtime) ?? []);
    const kept = this.keptFresh().flatMap((target) => target.heldUntil() ?? []);
    const retryMs = 1_000 * 2 ** Math.min(this.pastDueStreak, 6);
    const resyncs = this.resync
      ? [...this.state.runtimes.values()].flatMap((runtime) =>
          this.timing(runtime) && runtime.directory ? [runtime.directory.syncedAt + DIRECTORY_RESYNC_AFTER_MS] : [],
        )
      : [];
    const plan = nextWakeDelay(sessions, kept, this.state.ports.clock.now(), this.leadMs(), retryMs, resyncs);
    this.pastDueStreak = plan.pastDue ? this.pastDueStreak + 1 : 0;
    return plan.delayMs;
  }

  private async tick(): Promise<void> {
    for (const runtime of this.state.runtimes.values()) {
      if (this.shutdown.stopped) return;
      if (!runtime.signIn) await this.tickSession(runtime);
    }
    await this.renewKeptFresh();
    if (!this.shutdown.stopped) this.resyncOldDirectories();
  }

  /** A list synced long ago may miss new accounts: refresh it quietly while the session is valid. */
  private resyncOldDirectories(): void {
    if (!this.resync) return;
    const now = this.state.ports.clock.now();
    for (const runtime of this.state.runtimes.values()) {
      if (!liveToken(runtime, now) || runtime.syncing || runtime.sync.status === 'error') continue;
      if (runtime.directory && directoryResyncDue(runtime.directory.syncedAt, now)) this.resync(runtime);
    }
  }

  private async tickSession(runtime: InstanceRuntime): Promise<void> {
    const timing = this.timing(runtime);
    if (!timing) return;
    const now = this.state.ports.clock.now();
    const { label } = runtime.instance;
    const signInAgain = () => this.signIn(runtime);
    switch (sessionActionAt(timing, now, this.leadMs())) {
      case 'refresh':
        await this.tokens.refresh(runtime).catch((error: unknown) => {
          // Ended by stop(): nothing failed, and nobody is left to tell.
          if (this.shutdown.stopped) return;
          // Before expiry a failed refresh is only a notice; after it, refreshFailed decides:
          // signed out when AWS said so, else kept as "reconnecting" and retried with backoff.
          if (timing.expiresAt > this.state.ports.clock.now()) {
            this.state.notice(
              'warning',
              `Could not refresh the ${label} session: ${toRolecallError(error, 'refresh your session').userMessage}`,
            );
            return;
          }
          try {
            this.tokens.refreshFailed(runtime, error);
          } catch {
            // refreshFailed always throws for its callers; the watcher only wanted its bookkeeping.
          }
        });
        return;
      case 'warn': {
        markWarned(runtime, timing.expiresAt);
        const minutes = Math.max(1, Math.round((timing.expiresAt - now) / 60_000));
        this.state.notify(
          {
            title: 'Session ending soon',
            body: `Your ${label} session ends in ${minutes} minute${minutes === 1 ? '' : 's'}; click to sign in again.`,
            onClick: signInAgain,
          },
          'warning',
        );
        this.state.changed();
        return;
      }
      case 'expire':
        // Another process may have signed in again meanwhile (rolecall login, aws sso login).
        if (await this.tokens.adoptStored(runtime)) return;
        this.tokens.markSignedOut(runtime, `Your ${label} session has ended; sign in again.`);
        this.state.notify(
          { title: 'Signed out', body: `Your ${label} session has ended; click to sign in again.`, onClick: signInAgain },
          'warning',
        );
        return;
      case 'none':
        return;
    }
  }

  /** The roles and saved chained roles marked "keep fresh", with the credentials held for each. */
  private keptFresh(): KeptFresh[] {
    const roles = this.state.settings().keepFresh.map((ref) => ({
      key: roleKey(ref),
      instanceId: ref.instanceId,
      heldUntil: () => this.cache.peek(ref)?.expiration,
      name: () => this.roles.displayName(ref),
      renew: () => this.roles.credentials(ref),
    }));
    const chains = this.chained.keptFresh().map((chain) => ({
      key: chainedRoleKey(chain),
      instanceId: chain.source.instanceId,
      heldUntil: () => this.chained.heldUntil(chain),
      name: () => this.chained.displayName(chain),
      renew: async () => (await this.chained.credentials(chain.name)).credentials,
    }));
    return [...roles, ...chains];
  }

  /** Re-fetches the credentials of roles and chained roles marked "keep fresh" shortly before they expire. */
  private async renewKeptFresh(): Promise<void> {
    const now = this.state.ports.clock.now();
    for (const target of this.keptFresh()) {
      if (this.shutdown.stopped) return;
      const runtime = this.state.runtimes.get(target.instanceId);
      if (!runtime || !liveToken(runtime, now)) continue;
      const held = target.heldUntil();
      if (!credentialsDue(held, now)) continue;
      // No forget(): the caches re-fetch inside the same window (one GetRoleCredentials or
      // AssumeRole, shared with any request in flight), and on failure the credentials held
      // keep their countdown until they really expire.
      const name = target.name();
      const { key } = target;
      try {
        const fresh = await target.renew();
        this.failureAnnounced.delete(key);
        // The first fetch is the user's own click; only a renewal is news.
        if (held !== undefined) {
          this.state.notify({
            title: 'Credentials refreshed',
            body: `${name} is good until ${new Date(fresh.expiration).toLocaleTimeString()}.`,
          });
        }
        this.state.changed();
      } catch (error) {
        if (this.shutdown.stopped) return;
        // Retried with backoff; said once per expiry so a long outage is one notification.
        if (this.failureAnnounced.has(key) && this.failureAnnounced.get(key) === held) continue;
        this.failureAnnounced.set(key, held);
        this.state.notify(
          { title: 'Credentials refresh failed', body: `Could not refresh ${name}: ${toRolecallError(error).userMessage}` },
          'error',
        );
      }
    }
  }
}
