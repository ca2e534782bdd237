import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type * as ProperLockfile from 'proper-lockfile';
import { RolecallError } from '../model/errors';
import { ensurePrivateDir } from './atomic-file';
import { serialQueueFor } from './serial-queue';

/**
 * How long a lock may go without its holder touching it before another process may take it
 * over: a process killed while holding a lock (kill -9, a laptop lid) blocks the others for
 * at most this long. The holder refreshes the lock's mtime every LOCK_UPDATE_MS.
 */
export const LOCK_STALE_MS = 10_000;
const LOCK_UPDATE_MS = 2_000;

/**
 * How long a waiter keeps trying: a refresh or a GetRoleCredentials call under the lock
 * takes well under a second, so 30 s only runs out when something is really wrong.
 */
const RETRY = { retries: 120, minTimeout: 10, maxTimeout: 250, factor: 1.25, randomize: true } as const;

export interface FileLockOptions {
  /** Overrides the stale bound (tests of stale-lock recovery use a short one). */
  readonly staleMs?: number;
  /**
   * Gives up waiting for the lock when aborted (a stopping core), rejecting with its reason;
   * the lock is then never taken, so nothing is written in `dir`.
   */
  readonly signal?: AbortSignal;
}

type Release = () => Promise<void>;

/** proper-lockfile's own retries cannot be aborted: the same schedule (RETRY) here, with a signal. */
const acquire = async (tryLock: () => Promise<Release>, signal: AbortSignal | undefined): Promise<Release> => {
  // Bounded: RETRY.retries attempts.
  for (let attempt = 0; ; attempt += 1) {
    signal?.throwIfAborted();
    try {
      return await tryLock();
    } catch (error) {
      if ((error as { code?: string }).code !== 'ELOCKED' || attempt >= RETRY.retries) throw error;
      const delay = Math.min(RETRY.maxTimeout, RETRY.minTimeout * RETRY.factor ** attempt) * (RETRY.randomize ? 1 + Math.random() : 1);
      await sleep(delay, undefined, signal ? { signal } : {});
    }
  }
};

/**
 * Runs `task` while holding a cross-process lock named `name` in `dir` (a `<name>.lock`
 * directory, created atomically with mkdir — proper-lockfile). Inside the lock the caller
 * must re-read whatever it is about to change: another process may have changed it while
 * this one waited. Within one process, callers queue instead of polling the lock.
 *
 * Never nest a lock inside itself; nested locks are always taken in one order (role →
 * token → secrets; settings alone), so two processes cannot deadlock.
 */
export const withFileLock = async <T>(dir: string, name: string, task: () => Promise<T>, options: FileLockOptions = {}): Promise<T> => {
  const target = join(dir, name);
  const { signal } = options;
  return serialQueueFor(`${target}.lock`)(async () => {
    signal?.throwIfAborted();
    await ensurePrivateDir(dir);
    const staleMs = options.staleMs ?? LOCK_STALE_MS;
    let release: Release;
    // Loaded on first use: a cached `credential-process` takes no lock and skips its ~20 ms load.
    // The CommonJS module itself (its `default`): a bundle's split chunk exports only that.
    const { lock } = ((await import('proper-lockfile')) as unknown as { default: typeof ProperLockfile }).default;
    try {
      const tryLock = () =>
        lock(target, {
          realpath: false,
          stale: staleMs,
          update: Math.min(LOCK_UPDATE_MS, Math.floor(staleMs / 2)),
          retries: 0,
          // A lock we lost (our process was frozen past the stale bound) is not a crash: the
          // work already done was re-read-and-patched, so the worst case is one extra call.
          onCompromised: () => undefined,
        });
      release = await acquire(tryLock, signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new RolecallError('busy', `Another Rolecall process is holding ${name} for too long; try again in a moment.`, { cause: error });
    }
    try {
      return await task();
    } finally {
      await release().catch(() => undefined);
    }
  });
};

/** A lock name that is safe as a file name for any key (instance ids, role refs). */
export const lockName = (kind: string, key: string): string => `${kind}-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
