import { mkdtemp, rm, stat } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configDirPath, resolveConfigDir } from './config-dir';

describe('configDirPath', () => {
  it('prefers ROLECALL_HOME on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(configDirPath({ ROLECALL_HOME: '/srv/rolecall', HOME: '/home/ann', APPDATA: 'C:\\x' }, platform)).toBe('/srv/rolecall');
    }
  });

  it('makes a relative ROLECALL_HOME absolute', () => {
    expect(configDirPath({ ROLECALL_HOME: 'rc-home' }, 'linux')).toBe(join(process.cwd(), 'rc-home'));
  });

  it('uses XDG_CONFIG_HOME on Linux, else ~/.config, and ignores a relative XDG_CONFIG_HOME', () => {
    expect(configDirPath({ HOME: '/home/ann', XDG_CONFIG_HOME: '/home/ann/.xdg' }, 'linux')).toBe('/home/ann/.xdg/rolecall');
    expect(configDirPath({ HOME: '/home/ann' }, 'linux')).toBe('/home/ann/.config/rolecall');
    expect(configDirPath({ HOME: '/home/ann', XDG_CONFIG_HOME: 'relative' }, 'linux')).toBe('/home/ann/.config/rolecall');
    expect(configDirPath({ HOME: '/home/ann', ROLECALL_HOME: '' }, 'freebsd')).toBe('/home/ann/.config/rolecall');
  });

  it('uses Application Support on macOS', () => {
    expect(configDirPath({ HOME: '/Users/ann', XDG_CONFIG_HOME: '/ignored' }, 'darwin')).toBe(
      '/Users/ann/Library/Application Support/Rolecall',
    );
  });

  it('uses %APPDATA% on Windows, else the roaming profile folder', () => {
    expect(configDirPath({ APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'win32')).toBe('C:\\Users\\ann\\AppData\\Roaming\\Rolecall');
    expect(configDirPath({ USERPROFILE: 'C:\\Users\\ann' }, 'win32')).toBe('C:\\Users\\ann\\AppData\\Roaming\\Rolecall');
  });

  it('falls back to the OS home directory when HOME is unset', () => {
    expect(configDirPath({}, 'linux')).toBe(join(homedir(), '.config', 'rolecall'));
  });
});

describe('resolveConfigDir', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('creates the directory with mode 0700', async () => {
    root = await mkdtemp(join(tmpdir(), 'rolecall-config-'));
    const dir = await resolveConfigDir({ HOME: root }, 'linux');
    expect(dir).toBe(join(root, '.config', 'rolecall'));
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const viaHome = await resolveConfigDir({ ROLECALL_HOME: join(root, 'custom') }, 'linux');
    expect((await stat(viaHome)).mode & 0o777).toBe(0o700);
  });
});
