import { mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configPopulate, credentialProcessCommand } from './commands/config-populate';
import { ACCOUNTS, captureOutput, cliFixture } from './test-support/cli-fixture';
import type { CliFixture } from './test-support/cli-fixture';

const USER_FILE = '# my own settings\n[default]\nregion = us-east-1\n\n[profile mine]   ; hand-written\noutput = json\n';
const BIN = resolve(__dirname, '../bin/rolecall.mjs');

let fx: CliFixture;
const configPath = () => fx.env.AWS_CONFIG_FILE;
const readConfig = () => readFile(configPath(), 'utf8');
const backups = async () => (await readdir(dirname(configPath()))).filter((name) => name.includes('rolecall-backup'));
/** An npm-style global install outside any checkout: <prefix>/lib/node_modules/rolecall/bin/rolecall.mjs, linked from <prefix>/bin. */
const installedLauncher = async (name: string) => {
  const prefix = join(fx.dir, name);
  const launcher = join(prefix, 'lib', 'node_modules', 'rolecall', 'bin', 'rolecall.mjs');
  await mkdir(dirname(launcher), { recursive: true });
  await writeFile(launcher, '#!/usr/bin/env node\n', { mode: 0o755 });
  const binDir = join(prefix, 'bin');
  await mkdir(binDir);
  await symlink(launcher, join(binDir, 'rolecall'));
  return { prefix, launcher, binDir };
};
const populate = async (options: Record<string, unknown> = {}) => {
  const output = captureOutput();
  await configPopulate(options, output, fx.env);
  return output;
};

beforeEach(async () => {
  fx = await cliFixture();
  await mkdir(dirname(configPath()), { recursive: true });
  await writeFile(configPath(), USER_FILE);
});
afterEach(async () => {
  await rm(fx.dir, { recursive: true, force: true });
});

describe('rolecall config populate', () => {
  it("adds an sso-session and one profile per role after the user's own sections, with a backup and a summary", async () => {
    const output = await populate({ profileTemplate: '{account_name}-{role_name}', region: 'eu-central-1' });
    expect(output.stdout).toEqual([]);
    expect(output.stderr[0]).toBe(
      `Updated ${configPath()}: 4 profiles added, 0 updated, 0 removed, 0 unchanged; [sso-session d-1234567890] added.`,
    );
    expect(output.stderr[1]).toMatch(/^The previous file was saved as .*config\.rolecall-backup-/);
    const text = await readConfig();
    expect(text.startsWith(USER_FILE)).toBe(true);
    expect(text).toContain('[sso-session d-1234567890]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\n');
    expect(text).toContain(
      '[profile dev-sandbox-Developer]\nsso_session = d-1234567890\nsso_account_id = 222222222222\nsso_role_name = Developer\nregion = eu-central-1\n',
    );
    expect(text.match(/^\[profile /gm)).toHaveLength(5);
    expect(await readFile(join(dirname(configPath()), (await backups())[0]!), 'utf8')).toBe(USER_FILE);

    const again = await populate({ region: 'eu-central-1' });
    expect(again.stderr).toEqual([`${configPath()} is already up to date (4 profiles).`]);
    expect(await backups()).toHaveLength(1);
  });

  it('--dry-run prints a unified diff on stdout and leaves the file byte-identical', async () => {
    const output = await populate({ dryRun: true });
    const diff = output.stdout.join('\n');
    expect(diff).toMatch(/^Index: .*config\n={10,}\n--- .*config\tcurrent\n\+\+\+ .*config\tafter rolecall config populate\n@@ /);
    expect(diff).toContain('+[profile prod-AdministratorAccess]\n');
    expect(diff).not.toMatch(/^-[^-]/m);
    expect(output.stderr).toEqual([
      `Dry run, ${configPath()} was not changed: 4 profiles added, 0 updated, 0 removed, 0 unchanged; [sso-session d-1234567890] added.`,
    ]);
    expect(await readConfig()).toBe(USER_FILE);
    expect(await backups()).toEqual([]);
  });

  it('leaves a malformed file untouched and names the line', async () => {
    const broken = '[default]\r\nregion = us-east-1\r\nthis line is not ini\r\n';
    await writeFile(configPath(), broken);
    await expect(populate()).rejects.toMatchObject({
      code: 'config-file',
      userMessage: expect.stringMatching(/config line 3 .*the file was not changed/),
    });
    await expect(populate({ dryRun: true })).rejects.toMatchObject({ userMessage: expect.stringMatching(/line 3/) });
    expect(await readConfig()).toBe(broken);
    expect(await backups()).toEqual([]);
  });

  it('--filter keeps roles matching every word; no match is a one-line error', async () => {
    await populate({ filter: 'dev adm', lowercase: true });
    const text = await readConfig();
    expect(text.match(/^\[profile /gm)).toHaveLength(2);
    expect(text).toContain(
      '[profile dev-sandbox-administratoraccess]\nsso_session = d-1234567890\nsso_account_id = 222222222222\nsso_role_name = AdministratorAccess\n',
    );
    await expect(populate({ filter: 'prod developer' })).rejects.toMatchObject({
      code: 'not-found',
      userMessage: expect.stringMatching(/^No assigned role matches "prod developer"/),
    });
  });

  it('--prune removes profiles of roles no longer assigned, never those a --filter left out', async () => {
    await populate();
    await fx.setAccounts([ACCOUNTS[0]!, { ...ACCOUNTS[1]!, roles: ['AdministratorAccess'] }]);

    const kept = await populate({ filter: 'prod' });
    expect(kept.stderr).toContain(
      '1 Rolecall profile (dev-sandbox-Developer) is for roles no longer assigned to you; run again with --prune to remove it.',
    );
    expect(await readConfig()).toContain('[profile dev-sandbox-Developer]');

    const pruned = await populate({ filter: 'prod', prune: true });
    expect(pruned.stderr[0]).toMatch(/0 profiles added, 0 updated, 1 removed, 2 unchanged/);
    const text = await readConfig();
    expect(text).not.toContain('dev-sandbox-Developer');
    expect(text).toContain('[profile dev-sandbox-AdministratorAccess]');
    expect(text.startsWith(USER_FILE)).toBe(true);
    // The marker comment went with the section: one marker per remaining Rolecall section.
    expect(text.match(/^# Managed by Rolecall/gm)).toHaveLength(4);
  });

  it('--credential-process writes profiles that run the installed `rolecall` found on PATH, never node or a checkout', async () => {
    const { launcher, binDir } = await installedLauncher('prefix');
    const output = captureOutput();
    await configPopulate({ credentialProcess: true, filter: 'prod readonly' }, output, {
      ...fx.env,
      PATH: binDir,
      ROLECALL_LAUNCHER: launcher,
    });
    expect(output.stderr.at(-1)).toBe(
      `Profiles run \`${join(binDir, 'rolecall')} credential-process\`; the AWS CLI and SDKs get credentials from Rolecall while you are signed in.`,
    );
    const text = await readConfig();
    expect(text).toContain(
      `[profile prod-ReadOnly]\ncredential_process = ${join(binDir, 'rolecall')} credential-process --account 111111111111 --role ReadOnly --instance ${fx.instance.id}\n`,
    );
    expect(text).not.toContain(process.execPath);
  });

  it('--credential-process from a checkout without `rolecall` on PATH writes nothing and says how to install it', async () => {
    await expect(populate({ credentialProcess: true })).rejects.toMatchObject({
      code: 'not-found',
      userMessage: expect.stringMatching(/^The `rolecall` command is not installed on your PATH/),
    });
    expect(await readConfig()).toBe(USER_FILE);
  });

  it('rejects a bad region or template before touching anything', async () => {
    await expect(populate({ region: 'mars-1' })).rejects.toMatchObject({
      userMessage: expect.stringMatching(/^Invalid --region: not an AWS region/),
    });
    await expect(populate({ profileTemplate: '{account}-{role_name}' })).rejects.toMatchObject({
      userMessage: expect.stringMatching(/uses \{account\}/),
    });
    expect(await readConfig()).toBe(USER_FILE);
  });
});

describe('credentialProcessCommand', () => {
  it('in a git checkout: only the `rolecall` on PATH that runs this checkout (npm link), else an error', async () => {
    const checkout = { ROLECALL_LAUNCHER: BIN };
    expect(() => credentialProcessCommand({ PATH: '' }, 'linux')).toThrow(/not installed on your PATH/);
    expect(() => credentialProcessCommand({ ...checkout, PATH: '' }, 'linux')).toThrow(/not installed on your PATH/);
    const binDir = join(fx.dir, 'bin');
    await mkdir(binDir);
    await symlink(BIN, join(binDir, 'rolecall'));
    expect(credentialProcessCommand({ ...checkout, PATH: `/nonexistent:relative/dir:${binDir}` }, 'linux')).toBe(
      `${join(binDir, 'rolecall')} credential-process`,
    );
    // Another program called rolecall is not ours.
    const otherDir = join(fx.dir, 'other');
    await mkdir(otherDir);
    await writeFile(join(otherDir, 'rolecall'), '#!/bin/sh\n');
    expect(() => credentialProcessCommand({ ...checkout, PATH: otherDir }, 'linux')).toThrow(/not installed on your PATH/);
  });

  it('in an installed package: the PATH entry that runs it, else the launcher itself; never the node binary', async () => {
    const { launcher, binDir } = await installedLauncher('my prefix');
    expect(credentialProcessCommand({ ROLECALL_LAUNCHER: launcher, PATH: binDir }, 'linux')).toBe(
      `"${join(binDir, 'rolecall')}" credential-process`,
    );
    const command = credentialProcessCommand({ ROLECALL_LAUNCHER: launcher, PATH: '/usr/bin' }, 'linux');
    expect(command).toBe(`"${launcher}" credential-process`);
    expect(command).not.toContain(process.execPath);
  });

  it("the desktop app's launcher script, linked as /usr/bin/rolecall by the deb package", async () => {
    const script = join(fx.dir, 'opt', 'Rolecall', 'resources', 'rolecall-cli', 'bin', 'rolecall');
    await mkdir(dirname(script), { recursive: true });
    await writeFile(script, '#!/bin/sh\n', { mode: 0o755 });
    const usrBin = join(fx.dir, 'usr', 'bin');
    await mkdir(usrBin, { recursive: true });
    expect(credentialProcessCommand({ ROLECALL_LAUNCHER: script, PATH: usrBin }, 'linux')).toBe(`${script} credential-process`);
    await symlink(script, join(usrBin, 'rolecall'));
    expect(credentialProcessCommand({ ROLECALL_LAUNCHER: script, PATH: usrBin }, 'linux')).toBe(
      `${join(usrBin, 'rolecall')} credential-process`,
    );
  });

  it("on Windows: npm's rolecall.cmd shim or the desktop app's rolecall.cmd, never a bare .mjs", async () => {
    const { launcher, prefix } = await installedLauncher('win');
    expect(() => credentialProcessCommand({ ROLECALL_LAUNCHER: launcher, PATH: '' }, 'win32')).toThrow(/not installed on your PATH/);
    // npm -g on Windows: <prefix>\rolecall.cmd beside <prefix>\node_modules\rolecall.
    const packageDir = join(prefix, 'node_modules', 'rolecall');
    await mkdir(join(packageDir, 'bin'), { recursive: true });
    await symlink(launcher, join(packageDir, 'bin', 'rolecall.mjs'));
    await writeFile(join(prefix, 'rolecall.cmd'), '@node "%~dp0\\node_modules\\rolecall\\bin\\rolecall.mjs" %*\r\n');
    expect(credentialProcessCommand({ ROLECALL_LAUNCHER: launcher, Path: prefix }, 'win32')).toBe(
      `${join(prefix, 'rolecall.cmd')} credential-process`,
    );
    const desktop = join(fx.dir, 'Rolecall', 'resources', 'rolecall-cli', 'bin', 'rolecall.cmd');
    await mkdir(dirname(desktop), { recursive: true });
    await writeFile(desktop, '@echo off\r\n');
    expect(credentialProcessCommand({ ROLECALL_LAUNCHER: desktop, PATH: '' }, 'win32')).toBe(`${desktop} credential-process`);
  });
});
