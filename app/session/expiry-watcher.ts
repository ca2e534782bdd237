import type { RoleCredentialsCache } from '../credentials/role-credentials';
import { toRolecallError } from '../identity-center/error-mapping';
import type { CoreState } from './core-state';
import { credentialsDue, nextWakeDelay, sessionActionAt } from './expiry-rules';
import type { SessionTiming } from './expiry-rules';
import type { RoleAccess } from './role-access';
import type { InstanceRuntime } from './runtime';
import type { SessionTokens } from './session-tokens';

/**
 * Keeps sessions and kept-fresh credentials alive: refreshes tokens before they expire,
 * warns before a session that cannot be refreshed ends, marks ended sessions signed out,
 * and re-fetches kept-fresh role credentials. It sleeps until the next moment something is
 * due (expiry-rules.ts), never polls, and wakes early on any state change or on stop().
 */
export class ExpiryWatcher {
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly state: CoreState,
    private readonly tokens: SessionTokens,
    private readonly roles: RoleAccess,
    private readonly cache: RoleCredentialsCache,
    /** Starts a sign-in when the user clicks an expiry notification. */
    private readonly signIn: (runtime: InstanceRuntime) => void,
  ) {
    state.onChange(() => this.wake?.());
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { clock } = this.state.ports;
    // Bounded by stop(): the abort signal ends the sleep and the loop.
    while (!this.stopping.signal.aborted) {
      await this.tick().catch(() => undefined);
      const woken = new AbortController();
      this.wake = () => woken.abort();
      await clock.sleep(this.nextDelay(), AbortSignal.any([this.stopping.signal, woken.signal])).catch(() => undefined);
      this.wake = undefined;
    }
  }

  private leadMs(): number {
    return this.state.settings().preferences.notificationLeadMinutes * 60_000;
  }

  private timing(runtime: InstanceRuntime): SessionTiming | undefined {
    const token = runtime.token;
    if (!token || runtime.expired) return undefined;
    return { expiresAt: token.expiresAt, refreshable: this.tokens.canRefresh(token), ...(runtime.warnedFor !== undefined ? { warnedFor: runtime.warnedFor } : {}) };
  }

  private nextDelay(): number {
    const sessions = [...this.state.runtimes.values()].flatMap((runtime) => this.timing(runtime) ?? []);
    const kept = this.state.settings().keepFresh.flatMap((ref) => this.cache.peek(ref)?.expiration ?? []);
    return nextWakeDelay(sessions, kept, this.state.ports.clock.now(), this.leadMs());
  }

  private async tick(): Promise<void> {
    for (const runtime of this.state.runtimes.values()) {
      if (!runtime.signIn) await this.tickSession(runtime);
    }
    await this.keepFresh();
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
          const message = toRolecallError(error, 'refresh your session').userMessage;
          if (timing.expiresAt <= this.state.ports.clock.now()) this.tokens.markSignedOut(runtime, message);
          else this.state.notice('warning', `Could not refresh the ${label} session: ${message}`);
        });
        return;
      case 'warn': {
        runtime.warnedFor = timing.expiresAt;
        const minutes = Math.max(1, Math.round((timing.expiresAt - now) / 60_000));
        this.state.notify(
          { title: 'Session ending soon', body: `Your ${label} session ends in ${minutes} minute${minutes === 1 ? '' : 's'}; click to sign in again.`, onClick: signInAgain },
          'warning',
        );
        this.state.changed();
        return;
      }
      case 'expire':
        this.tokens.markSignedOut(runtime, `Your ${label} session has ended; sign in again.`);
        this.state.notify({ title: 'Signed out', body: `Your ${label} session has ended; click to sign in again.`, onClick: signInAgain }, 'warning');
        return;
      case 'none':
        return;
    }
  }

  /** Re-fetches the credentials of roles marked "keep fresh" shortly before they expire. */
  private async keepFresh(): Promise<void> {
    const now = this.state.ports.clock.now();
    for (const ref of this.state.settings().keepFresh) {
      const runtime = this.state.runtimes.get(ref.instanceId);
      if (!runtime?.token || runtime.expired || runtime.token.expiresAt <= now) continue;
      const held = this.cache.peek(ref)?.expiration;
      if (!credentialsDue(held, now)) continue;
      this.cache.forget(ref);
      const name = this.roles.displayName(ref);
      try {
        const fresh = await this.roles.credentials(ref);
        // The first fetch is the user's own click; only a renewal is news.
        if (held !== undefined) {
          this.state.notify({ title: 'Credentials refreshed', body: `${name} is good until ${new Date(fresh.expiration).toLocaleTimeString()}.` });
        }
        this.state.changed();
      } catch (error) {
        this.state.notify({ title: 'Credentials refresh failed', body: `Could not refresh ${name}: ${toRolecallError(error).userMessage}` }, 'error');
      }
    }
  }
}
