import { lstat, mkdir, mkdtemp, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { adminLinkScript, launcherPath, offersCliInstall, parseRegQuery, planCliInstall } from './cli-install';
import { installCliCommand, nodeCliInstallSystem } from './cli-install-run';
import type { CliInstallSystem } from './cli-install-run';

const MAC_LAUNCHER = '/Applications/Rolecall.app/Contents/Resources/rolecall-cli/bin/rolecall';
const WIN_LAUNCHER = 'C:\\Users\\ana\\AppData\\Local\\Programs\\Rolecall\\resources\\rolecall-cli\\bin\\rolecall.cmd';
const WIN_DIR = 'C:\\Users\\ana\\AppData\\Local\\Programs\\Rolecall\\resources\\rolecall-cli\\bin';
const writable = { exists: true, writable: true };
const mac = (link: Parameters<typeof planCliInstall>[0] & { platform: 'darwin' }) => planCliInstall(link);

describe('planCliInstall', () => {
  it('offers the item on macOS and Windows only, with the launcher in the resources', () => {
    expect([offersCliInstall('darwin'), offersCliInstall('win32'), offersCliInstall('linux')]).toEqual([true, true, false]);
    expect(launcherPath('darwin', '/Applications/Rolecall.app/Contents/Resources')).toBe(MAC_LAUNCHER);
    expect(launcherPath('win32', 'C:\\Users\\ana\\AppData\\Local\\Programs\\Rolecall\\resources')).toBe(WIN_LAUNCHER);
  });

  it('macOS: links /usr/local/bin/rolecall, asking for an administrator only when the directory is not writable', () => {
    const base = { platform: 'darwin', launcher: MAC_LAUNCHER, linkPath: '/usr/local/bin/rolecall' } as const;
    expect(mac({ ...base, link: { kind: 'missing' }, binDir: writable })).toEqual({
      kind: 'symlink',
      link: '/usr/local/bin/rolecall',
      target: MAC_LAUNCHER,
      replace: false,
      needsAdmin: false,
    });
    expect(mac({ ...base, link: { kind: 'missing' }, binDir: { exists: true, writable: false } })).toMatchObject({ needsAdmin: true });
    expect(mac({ ...base, link: { kind: 'missing' }, binDir: { exists: false, writable: false } })).toMatchObject({ needsAdmin: true });
  });

  it('macOS: leaves its own link alone, replaces a moved app’s, refuses anything else', () => {
    const base = { platform: 'darwin', launcher: MAC_LAUNCHER, linkPath: '/usr/local/bin/rolecall', binDir: writable } as const;
    expect(mac({ ...base, link: { kind: 'symlink', target: MAC_LAUNCHER } })).toMatchObject({ kind: 'done' });
    expect(
      mac({ ...base, link: { kind: 'symlink', target: '/Users/ana/Downloads/Rolecall.app/Contents/Resources/rolecall-cli/bin/rolecall' } }),
    ).toMatchObject({
      kind: 'symlink',
      replace: true,
    });
    for (const link of [{ kind: 'other' }, { kind: 'symlink', target: '/opt/homebrew/bin/something' }] as const)
      expect(mac({ ...base, link })).toEqual({
        kind: 'refused',
        message: `/usr/local/bin/rolecall exists and is not Rolecall's; remove it and choose "Install the rolecall command" again.`,
      });
  });

  it("Windows: appends the launcher's folder to the user PATH once, keeping the entries and the value type", () => {
    const base = { platform: 'win32', launcher: WIN_LAUNCHER } as const;
    expect(planCliInstall({ ...base, userPath: { type: 'REG_EXPAND_SZ', value: '%USERPROFILE%\\bin;C:\\tools;' } })).toEqual({
      kind: 'user-path',
      dir: WIN_DIR,
      value: `%USERPROFILE%\\bin;C:\\tools;${WIN_DIR}`,
      type: 'REG_EXPAND_SZ',
    });
    expect(planCliInstall({ ...base, userPath: { type: 'REG_SZ', value: 'C:\\tools' } })).toMatchObject({ type: 'REG_SZ' });
    expect(planCliInstall({ ...base, userPath: undefined })).toMatchObject({ value: WIN_DIR, type: 'REG_EXPAND_SZ' });
    expect(planCliInstall({ ...base, userPath: { type: 'REG_SZ', value: `C:\\tools;${WIN_DIR.toLowerCase()}\\` } })).toMatchObject({
      kind: 'done',
    });
  });

  it('Linux: nothing to do, the package did it', () => {
    expect(planCliInstall({ platform: 'linux', launcher: '/opt/Rolecall/resources/rolecall-cli/bin/rolecall' })).toMatchObject({
      kind: 'done',
      message: expect.stringContaining('/usr/bin/rolecall'),
    });
  });

  it('reads the user PATH from reg query output, empty or missing included', () => {
    const output = '\r\nHKEY_CURRENT_USER\\Environment\r\n    Path    REG_EXPAND_SZ    %USERPROFILE%\\bin;C:\\tools\r\n\r\n';
    expect(parseRegQuery(output)).toEqual({ type: 'REG_EXPAND_SZ', value: '%USERPROFILE%\\bin;C:\\tools' });
    expect(parseRegQuery('HKEY_CURRENT_USER\\Environment\r\n    Path    REG_SZ    \r\n')).toEqual({ type: 'REG_SZ', value: '' });
    expect(parseRegQuery('')).toBeUndefined();
  });

  it('quotes the administrator script for sh inside AppleScript', () => {
    expect(adminLinkScript('/usr/local/bin/rolecall', '/Applications/Ana\'s "Rolecall".app/x')).toBe(
      `do shell script "mkdir -p '/usr/local/bin' && ln -sfn '/Applications/Ana'\\\\''s \\"Rolecall\\".app/x' '/usr/local/bin/rolecall'" with administrator privileges`,
    );
  });
});

describe('installCliCommand', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** The real file system, with the programs it would run recorded (and failing as told). */
  const recording = (fail: (file: string) => Error | undefined = () => undefined) => {
    const runs: { file: string; args: readonly string[] }[] = [];
    const system: CliInstallSystem = {
      ...nodeCliInstallSystem,
      run: async (file, args) => {
        runs.push({ file, args });
        const error = fail(file);
        if (error) throw error;
        return '';
      },
    };
    return { runs, system };
  };

  it('macOS: creates the link in a writable directory without asking, then finds it installed', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rolecall-cli-install-'));
    const linkPath = join(dir, 'bin', 'rolecall');
    await mkdir(join(dir, 'bin'));
    const { runs, system } = recording();
    const first = await installCliCommand({ platform: 'darwin', launcher: MAC_LAUNCHER, linkPath, system });
    expect(first).toEqual({
      ok: true,
      message: `Installed the rolecall command: ${linkPath} now runs Rolecall's; open a new terminal to use it.`,
    });
    expect(await readlink(linkPath)).toBe(MAC_LAUNCHER);
    expect(runs).toEqual([]);
    expect(await installCliCommand({ platform: 'darwin', launcher: MAC_LAUNCHER, linkPath, system })).toEqual({
      ok: true,
      message: `The rolecall command is installed already (${linkPath}).`,
    });
  });

  it('macOS: leaves a file that is not Rolecall’s in place', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rolecall-cli-install-'));
    const linkPath = join(dir, 'rolecall');
    await writeFile(linkPath, '#!/bin/sh\n');
    const outcome = await installCliCommand({ platform: 'darwin', launcher: MAC_LAUNCHER, linkPath, system: recording().system });
    expect(outcome.ok).toBe(false);
    expect((await lstat(linkPath)).isFile()).toBe(true);
  });

  it('macOS: replaces the link of a moved app', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rolecall-cli-install-'));
    const linkPath = join(dir, 'rolecall');
    await symlink('/Volumes/Old/Rolecall.app/Contents/Resources/rolecall-cli/bin/rolecall', linkPath);
    const outcome = await installCliCommand({ platform: 'darwin', launcher: MAC_LAUNCHER, linkPath, system: recording().system });
    expect(outcome.ok).toBe(true);
    expect(await readlink(linkPath)).toBe(MAC_LAUNCHER);
  });

  it('macOS: a missing directory goes through the administrator prompt; a cancelled prompt is one sentence', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rolecall-cli-install-'));
    const linkPath = join(dir, 'missing', 'rolecall');
    const cancelled = recording(() => Object.assign(new Error('osascript failed'), { stderr: 'execution error: User canceled. (-128)' }));
    const outcome = await installCliCommand({ platform: 'darwin', launcher: MAC_LAUNCHER, linkPath, system: cancelled.system });
    expect(cancelled.runs).toEqual([{ file: 'osascript', args: ['-e', adminLinkScript(linkPath, MAC_LAUNCHER)] }]);
    expect(outcome).toEqual({
      ok: false,
      message: `The rolecall command was not installed: creating ${linkPath} needs an administrator's password.`,
    });
  });

  it('Windows: writes the user PATH with reg add (type kept), then broadcasts through setx of its own variable', async () => {
    const runs: { file: string; args: readonly string[] }[] = [];
    const system: CliInstallSystem = {
      ...nodeCliInstallSystem,
      run: async (file, args) => {
        runs.push({ file, args });
        return args[0] === 'query' ? 'HKEY_CURRENT_USER\\Environment\r\n    Path    REG_EXPAND_SZ    %USERPROFILE%\\bin\r\n' : '';
      },
    };
    const outcome = await installCliCommand({ platform: 'win32', launcher: WIN_LAUNCHER, system });
    expect(outcome).toEqual({ ok: true, message: `Added ${WIN_DIR} to your PATH; open a new terminal to use rolecall.` });
    expect(runs).toEqual([
      { file: 'reg', args: ['query', 'HKCU\\Environment', '/v', 'Path'] },
      { file: 'reg', args: ['add', 'HKCU\\Environment', '/v', 'Path', '/t', 'REG_EXPAND_SZ', '/d', `%USERPROFILE%\\bin;${WIN_DIR}`, '/f'] },
      { file: 'setx', args: ['ROLECALL_CLI_DIR', WIN_DIR] },
    ]);
  });
});
