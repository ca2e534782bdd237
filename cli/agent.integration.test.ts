import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../emulator/server';
import type { RunningEmulator } from '../emulator/options';
import { CREDENTIAL_PROCESS_CACHE_FILE } from '../app/credentials/credential-process-cache';
import { ROLECALL_BIN, isolatedCliEnv, loginThroughCli, runRolecall } from './test-support/run-cli';
import type { CliRun } from './test-support/run-cli';

/**
 * `rolecall agent` as users run it, with real `rolecall` processes as its clients: one owner
 * per config dir, every command asking it, and each of them working alone when it is gone.
 */
let emulator: RunningEmulator;
let home: string;
let roles: { accountId: string; accountName: string; roleName: string }[];

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => isolatedCliEnv(home, extra);
const alone = (args: readonly string[]): Promise<CliRun> => runRolecall(args, env({ ROLECALL_NO_AGENT: '1' }));
const viaAgent = (args: readonly string[], onStderr?: (stderr: string) => void): Promise<CliRun> => runRolecall(args, env(), onStderr);
const requests = (operation: string): number => emulator.counters()[operation]?.requests ?? 0;
const dropCredentialCache = () => rm(join(home, 'rolecall', 'cache', CREDENTIAL_PROCESS_CACHE_FILE), { force: true });

interface Agent {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly socket: string;
  stderr(): string;
  readonly exited: Promise<number | null>;
}

const running: ChildProcess[] = [];

/** Starts `rolecall agent` and resolves once it has printed its JSON line. */
const startAgent = (args: readonly string[] = []): Promise<Agent> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ROLECALL_BIN, 'agent', ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(child);
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) {
        const { socket, pid } = JSON.parse(line) as { socket: string; pid: number };
        resolve({ child, pid, socket, stderr: () => stderr, exited });
      }
    });
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`rolecall agent exited (${code}) before listening: ${stderr}`)));
  });

const stopAgent = async (agent: Agent): Promise<void> => {
  if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGTERM');
  await agent.exited;
};

beforeAll(async () => {
  emulator = await startEmulator({
    directory: { accounts: 4, rolesPerAccount: 2, seed: 7 },
    deviceCodeIntervalSeconds: 0,
    log: () => undefined,
  });
  home = await mkdtemp(join(tmpdir(), 'rolecall-agent-it-'));
  const signedIn = await loginThroughCli(emulator, env({ ROLECALL_NO_AGENT: '1' }));
  expect(signedIn.code, signedIn.stderr).toBe(0);
  const ls = await alone(['ls', '--json']);
  roles = JSON.parse(ls.stdout) as typeof roles;
}, 120_000);

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

afterAll(async () => {
  await emulator.close();
  await rm(home, { recursive: true, force: true });
});

describe('rolecall agent', () => {
  it('owns the config dir: a private socket, a second agent defers naming its pid, and ls / creds give what they give alone', async () => {
    const agent = await startAgent();
    try {
      expect(agent.socket).toBe(join(home, 'rolecall', 'agent.sock'));
      expect((await stat(agent.socket)).mode & 0o777).toBe(0o600);
      expect((await stat(join(home, 'rolecall', 'agent.json'))).mode & 0o777).toBe(0o600);

      const second = await runRolecall(['agent'], env());
      expect(second.code).toBe(0);
      expect(second.stdout).toBe('');
      expect(second.stderr.trim()).toBe(
        `Another Rolecall owner (pid ${agent.pid}) already serves this config dir; every rolecall command uses it, so this agent exits.`,
      );

      const [lsAlone, lsAgent] = await Promise.all([alone(['ls', '--json']), viaAgent(['ls', '--json'])]);
      expect(lsAgent.code, lsAgent.stderr).toBe(0);
      expect(JSON.parse(lsAgent.stdout)).toEqual(JSON.parse(lsAlone.stdout));
      const filtered = await viaAgent(['ls', roles[0]!.accountName, roles[0]!.roleName]);
      expect(filtered.stdout).toBe((await alone(['ls', roles[0]!.accountName, roles[0]!.roleName])).stdout);

      const { accountName, accountId, roleName } = roles[0]!;
      emulator.resetCounters();
      const first = await viaAgent(['creds', '--account', accountName, '--role', roleName, '--format', 'json']);
      const again = await viaAgent(['creds', '--account', accountId, '--role', roleName, '--format', 'json']);
      const single = await alone(['creds', '--account', accountName, '--role', roleName, '--format', 'json']);
      for (const run of [first, again, single]) expect(run.code, run.stderr).toBe(0);
      const keys = [first, again, single].map((run) => (JSON.parse(run.stdout) as { AccessKeyId: string }).AccessKeyId);
      for (const key of keys) expect(emulator.credentialsOwner(key)).toMatchObject({ accountId, roleName });
      expect(Object.keys(JSON.parse(first.stdout) as object).sort()).toEqual(Object.keys(JSON.parse(single.stdout) as object).sort());
      // The owner holds the role's credentials: the second command cost no AWS call.
      expect(keys[1]).toBe(keys[0]);
      expect(requests('GetRoleCredentials')).toBe(2);
    } finally {
      await stopAgent(agent);
    }
    expect(await readFile(join(home, 'rolecall', 'agent.json'), 'utf8').catch(() => 'gone')).toBe('gone');
  }, 180_000);

  it('30 parallel credential-process runs through the agent, cold cache: all succeed with one GetRoleCredentials call', async () => {
    const agent = await startAgent();
    try {
      await dropCredentialCache();
      emulator.resetCounters();
      const { accountId, roleName } = roles[1]!;
      const runs = await Promise.all(
        Array.from({ length: 30 }, () => viaAgent(['credential-process', '--account', accountId, '--role', roleName])),
      );
      for (const run of runs) {
        expect(run.code, run.stderr).toBe(0);
        expect(run.stderr).toBe('');
      }
      const keys = new Set(runs.map((run) => (JSON.parse(run.stdout) as { AccessKeyId: string }).AccessKeyId));
      expect(keys.size).toBe(1);
      expect(requests('GetRoleCredentials')).toBe(1);
    } finally {
      await stopAgent(agent);
    }
  }, 240_000);

  it('killed mid-request: the CLI finishes alone; its stale lock is taken over by the next agent within the bound', async () => {
    const agent = await startAgent();
    const { accountId, roleName } = roles[2]!;
    emulator.resetCounters();
    emulator.setFaults({ operations: { GetRoleCredentials: { latencyMs: 1500 } } });
    try {
      const creds = viaAgent(['creds', '--account', accountId, '--role', roleName, '--format', 'json']);
      // The owner's GetRoleCredentials call has reached AWS: kill the owner now.
      for (let i = 0; i < 600 && requests('GetRoleCredentials') === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(requests('GetRoleCredentials')).toBe(1);
      agent.child.kill('SIGKILL');
      const run = await creds;
      expect(run.code, run.stderr).toBe(0);
      expect(emulator.credentialsOwner((JSON.parse(run.stdout) as { AccessKeyId: string }).AccessKeyId)).toMatchObject({
        accountId,
        roleName,
      });
      expect(requests('GetRoleCredentials')).toBe(2);
    } finally {
      emulator.setFaults({});
    }
    await agent.exited;

    // The killed owner left its lock and agent.json; a new agent waits out the stale bound.
    const next = await startAgent();
    try {
      expect(next.pid).not.toBe(agent.pid);
      const ls = await viaAgent(['ls', '--json']);
      expect(ls.code, ls.stderr).toBe(0);
    } finally {
      await stopAgent(next);
    }
  }, 240_000);

  it('signed out with an agent running: credential-process fails fast with one line, one notification for 10 callers; --wait gets the one sign-in', async () => {
    const agent = await startAgent();
    try {
      const logout = await viaAgent(['logout']);
      expect(logout.code, logout.stderr).toBe(0);
      const { accountId, roleName } = roles[3]!;
      const runs = await Promise.all(
        Array.from({ length: 10 }, () => viaAgent(['credential-process', '--account', accountId, '--role', roleName])),
      );
      for (const run of runs) {
        expect(run.code).toBe(1);
        expect(run.stdout).toBe('');
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
        expect(run.stderr).toMatch(
          /^You are not signed in to .*; run `rolecall login` \(or sign in from the Rolecall app\) and try again\.\n$/,
        );
      }
      expect(agent.stderr().match(/Sign in to continue/g)).toHaveLength(1);

      // A caller that may wait gets the owner's one sign-in, started by `rolecall login`.
      const waiting = viaAgent(['credential-process', '--account', accountId, '--role', roleName, '--wait', '90']);
      let approved = false;
      const login = await viaAgent(['login', '--no-browser'], (stderr) => {
        const code = /code: ([A-Z]{4}-[A-Z]{4})/.exec(stderr)?.[1];
        if (code && !approved) {
          approved = true;
          emulator.approveDevice(code);
        }
      });
      expect(login.code, login.stderr).toBe(0);
      expect(login.stderr).toContain(`The Rolecall owner (pid ${agent.pid}) runs this sign-in.`);
      const waited = await waiting;
      expect(waited.code, waited.stderr).toBe(0);
      expect(emulator.credentialsOwner((JSON.parse(waited.stdout) as { AccessKeyId: string }).AccessKeyId)).toMatchObject({
        accountId,
        roleName,
      });
      // The waiting caller and the sign-in raised no second notification.
      expect(agent.stderr().match(/Sign in to continue/g)).toHaveLength(1);
    } finally {
      await stopAgent(agent);
    }
  }, 240_000);

  it('exits by itself after --idle-exit minutes without a request', async () => {
    const agent = await startAgent(['--idle-exit', '0.02']);
    expect(await agent.exited).toBe(0);
    expect(agent.stderr()).toMatch(/No request for 0\.02 minute\(s\); the agent exits\./);
  }, 60_000);
});
