import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../emulator/server';
import type { RunningEmulator } from '../emulator/options';
import { probePython } from '../app/aws-cli-cache/test-support/run-python';
import { realClientsMissing } from './interop/test-support/interop-support';
import { ROLECALL_BIN, isolatedCliEnv, loginThroughCli, runRolecall } from './test-support/run-cli';
import { runProgram } from './test-support/run-cli';

/**
 * `rolecall serve` with unmodified clients: boto3's and SDK v3's default credential chains
 * get credentials from it (new ones once the first are near expiry: the emulator's 2-minute
 * lifetime is inside the core's 5-minute margin, so every request is a fresh fetch), and a
 * missing or wrong token is refused.
 */

const REPO = resolve(__dirname, '..');
const boto3Missing = realClientsMissing();
if (boto3Missing) console.log(`Skipping the boto3 part of the serve test: ${boto3Missing}`);

let emulator: RunningEmulator;
let home: string;
let account: { accountId: string; accountName: string; roleName: string };
let served: {
  child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  vars: Record<string, string>;
  exit: Promise<number | null>;
};

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => isolatedCliEnv(home, { ROLECALL_NO_AGENT: '1', ...extra });

/** An SDK's user: no AWS variables but the two container ones, no config files, no IMDS. */
const clientEnv = (vars: Record<string, string>): NodeJS.ProcessEnv => ({
  ...isolatedCliEnv(home),
  AWS_CONFIG_FILE: join(home, 'none', 'config'),
  AWS_SHARED_CREDENTIALS_FILE: join(home, 'none', 'credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
  PYTHONDONTWRITEBYTECODE: '1',
  ...vars,
});

const runClient = (
  file: string,
  args: readonly string[],
  clientVars: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> => runProgram(file, args, { env: clientVars, cwd: REPO });

/** Starts `rolecall serve` and resolves once it printed both export lines. */
const startServe = (): Promise<typeof served> =>
  new Promise((resolveStart, reject) => {
    const child = spawn(process.execPath, [ROLECALL_BIN, 'serve', '--account', account.accountName, '--role', account.roleName], {
      env: env(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const state = {
      child,
      stdout: '',
      stderr: '',
      vars: {} as Record<string, string>,
      exit: new Promise<number | null>((done) => child.once('close', (code) => done(code))),
    };
    const killer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rolecall serve printed no export lines: ${state.stderr}`));
    }, 60_000);
    const check = (): void => {
      for (const match of state.stdout.matchAll(/^export (AWS_CONTAINER_[A-Z_]+)='([^']*)'$/gm)) state.vars[match[1]!] = match[2]!;
      if (Object.keys(state.vars).length === 2 && state.stderr.includes('Ctrl+C')) {
        clearTimeout(killer);
        resolveStart(state);
      }
    };
    child.stderr.on('data', (chunk: Buffer) => {
      state.stderr += chunk.toString();
      check();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      state.stdout += chunk.toString();
      check();
    });
    void state.exit.then((code) => {
      clearTimeout(killer);
      reject(new Error(`rolecall serve exited ${code}: ${state.stderr}`));
    });
  });

beforeAll(async () => {
  emulator = await startEmulator({
    directory: { accounts: 2, rolesPerAccount: 2, seed: 31 },
    deviceCodeIntervalSeconds: 0,
    roleCredentialsTtlSeconds: 120,
    log: () => undefined,
  });
  home = await mkdtemp(join(tmpdir(), 'rolecall-serve-'));
  const login = await loginThroughCli(emulator, env());
  expect(login.code, login.stderr).toBe(0);
  const ls = await runRolecall(['ls', '--json'], env());
  account = (JSON.parse(ls.stdout) as (typeof account)[])[0]!;
  served = await startServe();
});

afterAll(async () => {
  if (served && served.child.exitCode === null) served.child.kill('SIGKILL');
  await emulator?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

const owned = (accessKeyId: string): void => {
  expect(emulator.credentialsOwner(accessKeyId)).toMatchObject({ accountId: account.accountId, roleName: account.roleName });
};

describe('rolecall serve', () => {
  it('prints the two export lines on stdout and a sentence on stderr, listening on 127.0.0.1', () => {
    expect(served.vars.AWS_CONTAINER_CREDENTIALS_FULL_URI).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/credentials$/);
    expect(served.vars.AWS_CONTAINER_AUTHORIZATION_TOKEN!.length).toBeGreaterThanOrEqual(32);
    expect(served.stdout.trim().split('\n')).toHaveLength(2);
    expect(served.stderr).toMatch(/Serving credentials for .* Ctrl\+C stops/);
  });

  it('answers the container credentials contract, and refuses a missing or wrong token with nothing to steal', async () => {
    const url = served.vars.AWS_CONTAINER_CREDENTIALS_FULL_URI!;
    const token = served.vars.AWS_CONTAINER_AUTHORIZATION_TOKEN!;
    const ok = await fetch(url, { headers: { authorization: token } });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['AccessKeyId', 'Expiration', 'SecretAccessKey', 'Token']);
    owned(body.AccessKeyId!);
    expect(Date.parse(body.Expiration!)).toBe(emulator.credentialsOwner(body.AccessKeyId!)!.expiration);

    const missing = await fetch(url);
    expect(missing.status).toBe(401);
    const wrong = await fetch(url, { headers: { authorization: `${token.slice(0, -1)}x` } });
    expect(wrong.status).toBe(403);
    for (const text of [await missing.text(), await wrong.text()]) {
      expect(text).not.toContain(token.slice(0, 8));
      expect(text).not.toMatch(/AccessKeyId|AKIA|ASIA/);
      expect(text.length).toBeLessThan(80);
    }
    expect((await fetch(url.replace('/credentials', '/other'), { headers: { authorization: token } })).status).toBe(404);
  });

  it("serves SDK v3's default chain, with new credentials once the first near expiry", async () => {
    const script = [
      "const { defaultProvider } = require('@aws-sdk/credential-provider-node');",
      'const provider = defaultProvider();',
      // Its memoized chain refreshes credentials near expiry in the background and hands out the held ones meanwhile.
      '(async () => { const first = await provider(); let second = first;',
      'for (let i = 0; i < 50 && second.accessKeyId === first.accessKeyId; i++) { await new Promise((r) => setTimeout(r, 100)); second = await provider(); }',
      'process.stdout.write(JSON.stringify({ first: first.accessKeyId, second: second.accessKeyId, expiration: first.expiration })); })()',
      '.catch((error) => { console.error(error.name, error.message); process.exit(5); });',
    ].join(' ');
    const run = await runClient(process.execPath, ['-e', script], clientEnv(served.vars));
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { first: string; second: string };
    owned(result.first);
    owned(result.second);
    expect(result.second).not.toBe(result.first);

    const wrong = await runClient(
      process.execPath,
      ['-e', script],
      clientEnv({ ...served.vars, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'not-the-token' }),
    );
    expect(wrong.code).toBe(5);
    expect(wrong.stdout).toBe('');
  });

  it.skipIf(Boolean(boto3Missing))(
    "serves boto3's default chain, with new credentials once the first near expiry; a wrong token gets none",
    async () => {
      const python = probePython();
      if ('unavailable' in python) throw new Error(python.unavailable);
      const script = [
        'import boto3, json',
        'c = boto3.Session().get_credentials()',
        'if c is None: raise SystemExit(6)',
        'a = c.get_frozen_credentials()',
        'b = c.get_frozen_credentials()',
        'print(json.dumps({"method": c.method, "first": a.access_key, "second": b.access_key}))',
      ].join('\n');
      const run = await runClient(python.executable, ['-c', script], clientEnv(served.vars));
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as { method: string; first: string; second: string };
      expect(result.method).toBe('container-role');
      owned(result.first);
      owned(result.second);
      expect(result.second).not.toBe(result.first);

      const wrong = await runClient(
        python.executable,
        ['-c', script],
        clientEnv({ ...served.vars, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'not-the-token' }),
      );
      expect(wrong.code).not.toBe(0);
      expect(wrong.stdout).toBe('');
    },
  );

  it('stops cleanly on SIGTERM', async () => {
    served.child.kill('SIGTERM');
    expect(await served.exit).toBe(0);
    await expect(fetch(served.vars.AWS_CONTAINER_CREDENTIALS_FULL_URI!)).rejects.toThrow();
  });
});
