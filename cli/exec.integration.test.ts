import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../emulator/server';
import type { RunningEmulator } from '../emulator/options';
import { ROLECALL_BIN, isolatedCliEnv, loginThroughCli, runRolecall } from './test-support/run-cli';
import type { CliRun } from './test-support/run-cli';

let emulator: RunningEmulator;
let home: string;
let account: { accountId: string; accountName: string; roleName: string };

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => isolatedCliEnv(home, { ROLECALL_NO_AGENT: '1', ...extra });
const role = (): string[] => ['--account', account.accountName, '--role', account.roleName];
const printEnv = [process.execPath, '-e', 'process.stdout.write(JSON.stringify(process.env))'];

beforeAll(async () => {
  emulator = await startEmulator({
    directory: { accounts: 3, rolesPerAccount: 2, seed: 21 },
    deviceCodeIntervalSeconds: 0,
    log: () => undefined,
  });
  home = await mkdtemp(join(tmpdir(), 'rolecall-exec-'));
  const login = await loginThroughCli(emulator, env());
  expect(login.code, login.stderr).toBe(0);
  const ls = await runRolecall(['ls', '--json'], env());
  account = (JSON.parse(ls.stdout) as (typeof account)[])[0]!;
});

afterAll(async () => {
  await emulator?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('rolecall exec', () => {
  it("runs the command with the role's credentials, region and ROLECALL_ROLE, and without AWS_PROFILE", async () => {
    const run = await runRolecall(
      ['exec', ...role(), '--region', 'eu-west-2', '--', ...printEnv],
      env({ AWS_PROFILE: 'other', AWS_DEFAULT_PROFILE: 'other' }),
    );
    expect(run.code, run.stderr).toBe(0);
    const child = JSON.parse(run.stdout) as Record<string, string>;
    expect(emulator.credentialsOwner(child.AWS_ACCESS_KEY_ID!)).toMatchObject({ accountId: account.accountId, roleName: account.roleName });
    expect(child.AWS_SECRET_ACCESS_KEY).toMatch(/.+/);
    expect(child.AWS_SESSION_TOKEN).toMatch(/.+/);
    expect(child.AWS_CREDENTIAL_EXPIRATION).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(child.AWS_CREDENTIAL_EXPIRATION!)).toBe(emulator.credentialsOwner(child.AWS_ACCESS_KEY_ID!)!.expiration);
    expect(child.AWS_REGION).toBe('eu-west-2');
    expect(child.AWS_DEFAULT_REGION).toBe('eu-west-2');
    expect(child.ROLECALL_ROLE).toBe(`${account.accountName}/${account.roleName}`);
    expect(child).not.toHaveProperty('AWS_PROFILE');
    expect(child).not.toHaveProperty('AWS_DEFAULT_PROFILE');
    // No credential printed by Rolecall itself.
    expect(run.stderr).not.toContain(child.AWS_SECRET_ACCESS_KEY);
    expect(run.stderr).not.toContain(child.AWS_ACCESS_KEY_ID);
  });

  it("defaults the region to the instance's and accepts the account id", async () => {
    const run = await runRolecall(['exec', '--account', account.accountId, '--role', account.roleName, '--', ...printEnv], env());
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as Record<string, string>).AWS_REGION).toBe(emulator.region);
  });

  it("exits with the command's exit code, and 128+n when a signal kills it", async () => {
    const seven = await runRolecall(['exec', ...role(), '--', process.execPath, '-e', 'process.exit(7)'], env());
    expect(seven.code).toBe(7);
    const killed = await runRolecall(['exec', ...role(), '--', process.execPath, '-e', 'process.kill(process.pid, "SIGKILL")'], env());
    expect(killed.code).toBe(128 + 9);
    const missing = await runRolecall(['exec', ...role(), '--', join(home, 'no-such-command')], env());
    expect(missing.code).toBe(127);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([
    ['SIGTERM', 3],
    ['SIGINT', 5],
    ['SIGHUP', 6],
  ] as const)('forwards %s to the command', async (signal, exitCode) => {
    const script = `process.on("${signal}", () => process.exit(${exitCode})); process.stdout.write("ready\\n"); setInterval(() => undefined, 1000);`;
    const child = spawn(process.execPath, [ROLECALL_BIN, 'exec', ...role(), '--', process.execPath, '-e', script], {
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('ready')) child.kill(signal);
    });
    const code = await new Promise<number | null>((resolveExit) => child.once('close', (exitCode) => resolveExit(exitCode)));
    clearTimeout(killer);
    expect(stdout).toContain('ready');
    expect(code).toBe(exitCode);
  });

  it('refuses a nested exec unless --force', async () => {
    const nested = await runRolecall(['exec', ...role(), '--', ...printEnv], env({ ROLECALL_ROLE: 'prod/Admin' }));
    expect(nested.code).toBe(2);
    expect(nested.stdout).toBe('');
    expect(nested.stderr.trim().split('\n')).toHaveLength(1);
    expect(nested.stderr).toMatch(/prod\/Admin.*--force/);
    const forced = await runRolecall(['exec', ...role(), '--force', '--', ...printEnv], env({ ROLECALL_ROLE: 'prod/Admin' }));
    expect(forced.code, forced.stderr).toBe(0);
    expect((JSON.parse(forced.stdout) as Record<string, string>).ROLECALL_ROLE).toBe(`${account.accountName}/${account.roleName}`);
  });

  it('refuses a command line without `--` with exit 2 and one sentence', async () => {
    const runs: CliRun[] = [await runRolecall(['exec', ...role(), 'env'], env()), await runRolecall(['exec', ...role()], env())];
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/after `--`/);
    }
  });

  it('starts $SHELL when nothing follows `--`', async () => {
    const shell = join(home, 'fake-shell');
    await writeFile(shell, '#!/bin/sh\necho "shell as $ROLECALL_ROLE"\nexit 4\n');
    await chmod(shell, 0o755);
    const run = await runRolecall(['exec', ...role(), '--'], env({ SHELL: shell }));
    expect(run.stdout.trim()).toBe(`shell as ${account.accountName}/${account.roleName}`);
    expect(run.code).toBe(4);
  });

  it('--server gives the command a container credentials endpoint instead of keys', async () => {
    const script = [
      'const e = process.env;',
      'fetch(e.AWS_CONTAINER_CREDENTIALS_FULL_URI, { headers: { authorization: e.AWS_CONTAINER_AUTHORIZATION_TOKEN } })',
      '.then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, body: await r.json(), keys: Boolean(e.AWS_ACCESS_KEY_ID), role: e.ROLECALL_ROLE }))).catch((error) => { console.error(error); process.exit(9); });',
    ].join(' ');
    const run = await runRolecall(
      ['exec', ...role(), '--server', '--', process.execPath, '-e', script],
      env({ AWS_ACCESS_KEY_ID: 'AKIASTALE' }),
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      status: number;
      body: { AccessKeyId: string; Expiration: string };
      keys: boolean;
      role: string;
    };
    expect(result.status).toBe(200);
    expect(result.keys).toBe(false);
    expect(result.role).toBe(`${account.accountName}/${account.roleName}`);
    expect(emulator.credentialsOwner(result.body.AccessKeyId)).toMatchObject({ accountId: account.accountId, roleName: account.roleName });
  });
});
