import { mkdir, rmdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { buildRenderer } from '../../web/renderer-build';
import { defaultRendererOutDir } from '../../web/renderer-vite-config';

const lockDir = join(dirname(defaultRendererOutDir), '.e2e-renderer-build.lock');
/** A lock older than a build can take was left by a killed run. */
const staleLockMs = 3 * 60_000;
const waitForLockMs = 150_000;

const takeLock = async (): Promise<void> => {
  const deadline = Date.now() + waitForLockMs;
  await mkdir(dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      await mkdir(lockDir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const held = await stat(lockDir).catch(() => undefined);
    if (held && Date.now() - held.mtimeMs > staleLockMs) await rmdir(lockDir).catch(() => undefined);
    if (Date.now() > deadline) throw new Error(`timed out waiting for another test process to finish building the renderer (${lockDir})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

/**
 * The built renderer in dist/renderer, the directory `rolecall web` serves too. Spec files run
 * in parallel processes and buildRenderer swaps the whole directory in when sources changed;
 * one build at a time (a directory lock across processes) means the second process finds it
 * current instead of swapping it out from under the first one's browser.
 */
export const ensureRendererBuilt = async (): Promise<string> => {
  await takeLock();
  try {
    return await buildRenderer();
  } finally {
    await rmdir(lockDir).catch(() => undefined);
  }
};
