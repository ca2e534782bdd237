import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ListAccountsCommand, SSOClient, UnauthorizedException } from '@aws-sdk/client-sso';
import { describe, expect, it } from 'vitest';
import { optionsFromFlags, parseEmulatorFlags } from './cli';
import { isolateHome } from './test-support/test-helpers';

const root = fileURLToPath(new URL('..', import.meta.url));

const run = (args: readonly string[]) => {
  const home = isolateHome();
  const child = spawn(process.execPath, ['bin/rolecall.mjs', 'emulator', ...args], {
    cwd: root,
    env: { ...process.env, HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
};

/** Waits (bounded) for the first full stdout line. */
const firstLine = async (proc: ReturnType<typeof run>): Promise<string> => {
  for (let i = 0; i < 200 && !proc.stdout().includes('\n'); i++) {
    if (proc.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return proc.stdout().split('\n')[0] ?? '';
};

describe('rolecall emulator', () => {
  it('prints one JSON line of endpoints, serves them, and exits 0 on SIGTERM', async () => {
    const proc = run(['--port', '0', '--accounts', '5', '--quiet']);
    const line = await firstLine(proc);
    const endpoints = JSON.parse(line) as Record<string, string>;
    expect(Object.keys(endpoints).sort()).toEqual([
      'federationEndpoint',
      'oidcEndpoint',
      'portalEndpoint',
      'region',
      'startUrl',
      'stsEndpoint',
      'url',
    ]);
    expect(endpoints.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoints.startUrl).toBe(`${endpoints.url}/start`);
    expect(endpoints.region).toBe('us-east-1');

    expect((await fetch(endpoints.startUrl ?? '')).status).toBe(200);
    const sso = new SSOClient({ region: 'us-east-1', endpoint: endpoints.portalEndpoint, maxAttempts: 1 });
    await expect(sso.send(new ListAccountsCommand({ accessToken: 'not-a-token' }))).rejects.toBeInstanceOf(UnauthorizedException);
    sso.destroy();

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(proc.stdout().trim().split('\n')).toHaveLength(1);
    expect(proc.stderr()).toBe('');
  });

  it('logs one line per request without secrets unless --quiet', async () => {
    const proc = run(['--accounts', '2']);
    const endpoints = JSON.parse(await firstLine(proc)) as Record<string, string>;
    await fetch(`${endpoints.url}/assignment/accounts?next_token=SECRETISH`, { headers: { 'x-amz-sso_bearer_token': 'aoaSECRET' } });
    proc.child.kill('SIGINT');
    expect(await proc.exited).toBe(0);
    expect(proc.stderr()).toMatch(/^GET \/assignment\/accounts 401 \d+ms ListAccounts$/m);
    expect(proc.stderr()).not.toMatch(/SECRET/);
  });

  it('exits 2 with one stderr line for a bad flag or value', async () => {
    for (const args of [['--bogus'], ['--error-rate', '2'], ['--accounts', 'many'], ['--directory-file', '/nonexistent/dir.json']]) {
      const proc = run(args);
      expect(await proc.exited).toBe(2);
      expect(proc.stdout()).toBe('');
      expect(proc.stderr().trim().split('\n')).toHaveLength(1);
      expect(proc.stderr()).toMatch(/^rolecall emulator: /);
    }
  });
});

describe('flag parsing', () => {
  it('maps fault flags onto the * spec and directory flags onto the seed', () => {
    const parsed = parseEmulatorFlags([
      '--accounts',
      '7',
      '--roles-per-account',
      '2',
      '--seed',
      '9',
      '--many-roles-every',
      '3',
      '--throttle-rps',
      '5',
      '--latency-ms',
      '20',
      '--error-rate',
      '0.1',
      '--no-refresh-tokens',
      '--interval',
      '0',
      '--page-size',
      '10',
    ]);
    if ('error' in parsed) throw new Error(parsed.error);
    expect(optionsFromFlags(parsed.flags)).toEqual({
      port: 0,
      region: 'us-east-1',
      directory: { accounts: 7, rolesPerAccount: 2, seed: 9, manyRolesEvery: 3 },
      autoApprove: false,
      issueRefreshTokens: false,
      deviceCodeIntervalSeconds: 0,
      defaultPageSize: 10,
      faults: { '*': { latencyMs: 20, throttle: { rps: 5, burst: 5 }, errorRate: 0.1 } },
    });
    expect(parseEmulatorFlags(['--page-size', '101'])).toEqual({ error: expect.stringMatching(/^--page-size: /) });
  });
});
