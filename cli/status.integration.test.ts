import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../emulator/server';
import type { RunningEmulator } from '../emulator/options';
import type { StatusReport } from './commands/status';
import { ROLECALL_BIN, isolatedCliEnv, loginThroughCli, runRolecall } from './test-support/run-cli';

let emulator: RunningEmulator;
let home: string;

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => isolatedCliEnv(home, extra);
const alone = (args: readonly string[]) => runRolecall(args, env({ ROLECALL_NO_AGENT: '1' }));
const totalRequests = (): number => Object.values(emulator.counters()).reduce((sum, counter) => sum + counter.requests, 0);
const statusJson = async (run: Promise<{ code: number | null; stdout: string; stderr: string }>): Promise<StatusReport> => {
  const result = await run;
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as StatusReport;
};

beforeAll(async () => {
  emulator = await startEmulator({
    directory: { accounts: 4, rolesPerAccount: 2, seed: 41, manyRolesEvery: 0 },
    deviceCodeIntervalSeconds: 0,
    log: () => undefined,
  });
  home = await mkdtemp(join(tmpdir(), 'rolecall-status-'));
});

afterAll(async () => {
  await emulator?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('rolecall status', () => {
  it('says there is nothing configured yet', async () => {
    const report = await statusJson(alone(['status', '--json']));
    expect(report).toEqual({ owner: { running: false }, instances: [], credentials: [] });
    const text = await alone(['status']);
    expect(text.stdout).toMatch(/No instance configured/);
  });

  it('shows the session, its source and countdown, and the directory, without an AWS call', async () => {
    expect((await loginThroughCli(emulator, env({ ROLECALL_NO_AGENT: '1' }))).code).toBe(0);
    expect((await alone(['ls', '--json'])).code).toBe(0);
    const before = totalRequests();
    const report = await statusJson(alone(['status', '--json']));
    const text = await alone(['status']);
    expect(totalRequests()).toBe(before);

    expect(report.owner).toEqual({ running: false });
    expect(report.instances).toHaveLength(1);
    const [instance] = report.instances;
    expect(instance).toMatchObject({ signedIn: true, status: 'signed-in', source: 'rolecall', startUrl: emulator.startUrl });
    expect(instance!.expiresInSeconds).toBeGreaterThan(0);
    expect(Date.parse(instance!.expiresAt!)).toBeGreaterThan(Date.now());
    expect(instance!.directory).toMatchObject({ accounts: 4, roles: 8, stale: false, failedAccounts: 0 });
    expect(instance!.directory.ageSeconds).toBeGreaterThanOrEqual(0);

    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Owner: none running/);
    expect(text.stdout).toMatch(/session: +signed in, expires in \d+(h|m|s)/);
    expect(text.stdout).toMatch(/token from rolecall/);
    expect(text.stdout).toMatch(/directory: 4 accounts, 8 roles, synced [\dhms ]+ ago/);
  });

  it("names the running owner's pid and the credentials it holds", async () => {
    const agent = spawn(process.execPath, [ROLECALL_BIN, 'agent'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    const killer = setTimeout(() => agent.kill('SIGKILL'), 90_000);
    const exited = new Promise<number | null>((done) => agent.once('close', (code) => done(code)));
    try {
      const pid = await new Promise<number>((resolveStart, reject) => {
        let stdout = '';
        agent.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('\n')) resolveStart((JSON.parse(stdout.split('\n')[0]!) as { pid: number }).pid);
        });
        void exited.then((code) => reject(new Error(`agent exited ${code}`)));
      });
      const ls = JSON.parse((await runRolecall(['ls', '--json'], env())).stdout) as {
        accountId: string;
        accountName: string;
        roleName: string;
      }[];
      const role = ls[0]!;
      expect((await runRolecall(['creds', '--account', role.accountId, '--role', role.roleName], env())).code).toBe(0);

      const report = await statusJson(runRolecall(['status', '--json'], env()));
      expect(report.owner).toEqual({ running: true, pid });
      expect(report.credentials).toEqual([
        expect.objectContaining({ accountId: role.accountId, roleName: role.roleName, expiresInSeconds: expect.any(Number) }),
      ]);
      const text = await runRolecall(['status'], env());
      expect(text.stdout).toContain(`Owner: running (pid ${pid})`);
      expect(text.stdout).toMatch(new RegExp(`credentials: .*/ ${role.roleName}, \\d+(h|m)`));
    } finally {
      agent.kill('SIGTERM');
      await exited;
      clearTimeout(killer);
    }
  });
});
