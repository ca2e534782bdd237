import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The Rolecall package directory above `file`: the nearest folder whose package.json is
 * named "rolecall". The sources (web/*.ts), the CLI bundle (dist/cli/*.mjs) and the desktop
 * app's copy (resources/rolecall-cli/) sit at different depths below it.
 */
export const packageRoot = (file: string): string => {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && isRolecallManifest(manifest)) return dir;
    if (dirname(dir) === dir) throw new Error(`No Rolecall package.json above ${file}.`);
  }
};

const isRolecallManifest = (path: string): boolean => {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name === 'rolecall';
  } catch {
    return false;
  }
};
