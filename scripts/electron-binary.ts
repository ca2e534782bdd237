import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The Electron binary, when this machine has one: `require('electron')` is its path. The
 * package's index.js tries to download a missing binary, so it is only required once its
 * path.txt (written by a successful install) or an override says a binary is there.
 */
export const findElectron = (): { path?: string; reason?: string } => {
  const require = createRequire(import.meta.url);
  try {
    const packageDir = dirname(require.resolve('electron/package.json'));
    if (!process.env.ELECTRON_OVERRIDE_DIST_PATH && !existsSync(join(packageDir, 'path.txt'))) {
      return {
        reason: `the electron package has no downloaded binary (${join(packageDir, 'path.txt')} is missing; this machine cannot download it)`,
      };
    }
    const path = require('electron') as unknown;
    if (typeof path !== 'string') return { reason: 'require("electron") did not return a path' };
    return existsSync(path) ? { path } : { reason: `require("electron") points to ${path}, which does not exist` };
  } catch (error) {
    return { reason: `the electron package has no binary (${error instanceof Error ? error.message : String(error)})` };
  }
};
