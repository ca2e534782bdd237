import type { DirectoryCache } from '../directory/directory-cache';
import { syncDirectory } from '../directory/sync';
import { diffDirectories } from '../ipc/directory-diff';
import { toRolecallError } from '../identity-center/error-mapping';
import type { Directory } from '../model/roles';
import type { CoreState } from './core-state';
import { directoryResyncDue } from './expiry-rules';
import type { InstanceClients } from './instance-clients';
import type { InstanceRuntime } from './runtime';
import type { SessionTokens } from './session-tokens';
import type { Shutdown } from './shutdown';

/**
 * Syncs an instance's directory (one sync at a time per instance), publishing progress,
 * noting dropped and failed accounts, and saving the result so the next start paints at once.
 */
export class DirectorySyncRunner {
  constructor(
    private readonly state: CoreState,
    private readonly clients: InstanceClients,
    private readonly tokens: SessionTokens,
    private readonly cache: DirectoryCache,
    /** Ends every sync at stop(), and waits for it. */
    private readonly shutdown: Shutdown,
  ) {}

  /** Syncs now (or joins the sync under way); rejects with a RolecallError. */
  run(runtime: InstanceRuntime): Promise<Directory> {
    if (runtime.syncing) return runtime.syncing;
    if (this.shutdown.stopped) return Promise.reject(this.shutdown.error());
    const abort = new AbortController();
    runtime.syncAbort = abort;
    runtime.sync = { status: 'syncing', done: 0 };
    this.state.changed();
    runtime.syncing = this.shutdown.track(
      this.sync(runtime, this.shutdown.linked(abort.signal)).finally(() => {
        runtime.syncing = undefined;
        runtime.syncAbort = undefined;
      }),
      `the account list sync of ${runtime.instance.label}`,
    );
    return runtime.syncing;
  }

  /** Syncs without anyone waiting: failures are in the snapshot (sync.error), not thrown. */
  inBackground(runtime: InstanceRuntime): void {
    this.run(runtime).catch(() => undefined);
  }

  /**
   * Syncs in the background only when the account list is missing or as old as the
   * background re-sync rule says (expiry-rules.ts): a start with a fresh disk cache paints
   * it and calls no API. Returns whether a sync was started (or was already under way).
   */
  whenDue(runtime: InstanceRuntime): boolean {
    if (!runtime.syncing && !directoryResyncDue(runtime.directory?.syncedAt, this.state.ports.clock.now())) return false;
    this.inBackground(runtime);
    return true;
  }

  private async sync(runtime: InstanceRuntime, signal: AbortSignal): Promise<Directory> {
    const { instance } = runtime;
    const { syncPortal, syncLimiter } = this.clients.of(instance);
    try {
      const result = await this.tokens.withAccessToken(runtime, (accessToken) =>
        syncDirectory({
          portal: syncPortal,
          accessToken,
          instanceId: instance.id,
          signal,
          clock: this.state.ports.clock,
          limiter: syncLimiter,
          ...(runtime.directory ? { previous: runtime.directory } : {}),
          onProgress: (progress) => {
            runtime.sync = { status: 'syncing', done: progress.done, ...(progress.total !== undefined ? { total: progress.total } : {}) };
            this.state.changed();
          },
        }),
      );
      const previous = runtime.directory;
      runtime.directory = result.directory;
      // Views get what changed, before any snapshot names the new syncedAt (a view seeing a
      // syncedAt it does not hold fetches the whole directory).
      this.state.emit({
        channel: 'directory:changed',
        payload: { instanceId: instance.id, diff: diffDirectories(previous, result.directory) },
      });
      runtime.sync = { status: 'idle', done: result.directory.accounts.length, total: result.directory.accounts.length };
      for (const accountId of result.dropped) {
        this.state.notice('info', `Account ${accountId} is no longer assigned to you in ${instance.label}; it was removed from the list.`);
      }
      if (result.directory.failedAccounts.length > 0) {
        this.state.notice(
          'warning',
          `${result.directory.failedAccounts.length} account(s) in ${instance.label} could not be listed this time; their last known roles are shown.`,
        );
      }
      // A sync that could not be interrupted leaves the cache to the next owner once stop() returned.
      this.shutdown.throwIfClosed();
      await this.cache.save(result.directory);
      this.state.changed();
      return result.directory;
    } catch (error) {
      const mapped = toRolecallError(error, `list the accounts of ${instance.label}`);
      const cancelled = mapped.code === 'sign-in-cancelled';
      runtime.sync = { status: cancelled ? 'idle' : 'error', done: 0, ...(cancelled ? {} : { error: mapped.userMessage }) };
      this.state.changed();
      throw mapped;
    }
  }
}
