import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { ensurePrivateDir } from '../storage/atomic-file';

/**
 * How long the owner lock may go untouched before another process may take it over: an
 * owner killed with SIGKILL (or a laptop that slept through it) blocks a new owner for at
 * most this long. The holder touches the lock every OWNER_LOCK_UPDATE_MS.
 */
export const OWNER_LOCK_STALE_MS = 10_000;
export const OWNER_LOCK_UPDATE_MS = 2_000;

export interface OwnerLock {
  /** Gives the lock up (idempotent). */
  release(): Promise<void>;
}

export interface OwnerLockOptions {
  readonly staleMs?: number;
  /** The lock was taken over while we held it (this process was frozen past the stale bound). */
  readonly onLost?: (error: Error) => void;
}

/**
 * One owner per config dir: tries once to take `<configDir>/agent.lock` (proper-lockfile: an
 * atomic mkdir, kept fresh by its mtime). Resolves with a release handle, or undefined when
 * another live owner holds it. A lock left by a killed owner goes stale after the bound and
 * is then taken over here.
 */
export const tryBecomeOwner = async (configDir: string, options: OwnerLockOptions = {}): Promise<OwnerLock | undefined> => {
  await ensurePrivateDir(configDir);
  const staleMs = options.staleMs ?? OWNER_LOCK_STALE_MS;
  let release: () => Promise<void>;
  try {
    release = await lock(join(configDir, 'agent'), {
      realpath: false,
      stale: staleMs,
      update: Math.min(OWNER_LOCK_UPDATE_MS, Math.floor(staleMs / 2)),
      retries: 0,
      onCompromised: (error) => options.onLost?.(error),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') return undefined;
    throw error;
  }
  let released: Promise<void> | undefined;
  return {
    release: () => {
      released ??= release().catch(() => undefined);
      return released;
    },
  };
};
