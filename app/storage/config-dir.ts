import { homedir } from 'node:os';
import { isAbsolute, posix, resolve, win32 } from 'node:path';
import { ensurePrivateDir } from './atomic-file';

type Env = Readonly<Record<string, string | undefined>>;

const nonEmpty = (value: string | undefined): string | undefined => (value && value.trim() !== '' ? value : undefined);

/**
 * Where Rolecall keeps settings, private secrets and caches, without touching the disk:
 * ROLECALL_HOME when set; else the platform's per-user configuration directory.
 */
export const configDirPath = (env: Env = process.env, platform: NodeJS.Platform = process.platform): string => {
  const override = nonEmpty(env.ROLECALL_HOME);
  if (override) return resolve(override);
  if (platform === 'win32') {
    const appData = nonEmpty(env.APPDATA) ?? win32.join(nonEmpty(env.USERPROFILE) ?? homedir(), 'AppData', 'Roaming');
    return win32.join(appData, 'Rolecall');
  }
  const home = nonEmpty(env.HOME) ?? homedir();
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', 'Rolecall');
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = nonEmpty(env.XDG_CONFIG_HOME);
  return posix.join(xdg && isAbsolute(xdg) ? xdg : posix.join(home, '.config'), 'rolecall');
};

/** The config directory, created private to the user (0700) if needed. */
export const resolveConfigDir = async (env: Env = process.env, platform: NodeJS.Platform = process.platform): Promise<string> => {
  const dir = configDirPath(env, platform);
  await ensurePrivateDir(dir);
  return dir;
};
