import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../emulator/server';
import type { RunningEmulator } from '../emulator/options';
import { isolatedCliEnv, runRolecall } from './test-support/run-cli';
import type { CliRun } from './test-support/run-cli';

let emulator: RunningEmulator;
let home: string;

/** The environment of a user with nothing but this temp home: no AWS variables, no display. */
const cliEnv = (): NodeJS.ProcessEnv => isolatedCliEnv(home);

/** Runs the real CLI; `onStderr` sees stderr as it arrives (to approve the device code). */
const rolecall = (args: readonly string[], onStderr?: (text: string) => void): Promise<CliRun> => runRolecall(args, cliEnv(), onStderr);

beforeAll(async () => {
  emulator = await startEmulator({
    directory: { accounts: 8, rolesPerAccount: 2, seed: 11 },
    deviceCodeIntervalSeconds: 0,
    log: () => undefined,
  });
  home = await mkdtemp(join(tmpdir(), 'rolecall-cli-'));
});

afterAll(async () => {
  await emulator.close();
  await rm(home, { recursive: true, force: true });
});

describe('the rolecall CLI end to end against the emulator', () => {
  it('signs in, lists, prints credentials, builds a console URL, and signs out', async () => {
    let approved = false;
    const login = await rolecall(
      ['login', '--start-url', emulator.startUrl, '--region', emulator.region, '--endpoint', emulator.url, '--no-browser'],
      (stderr) => {
        const code = /code: ([A-Z]{4}-[A-Z]{4})/.exec(stderr)?.[1];
        if (code && !approved) {
          approved = true;
          emulator.approveDevice(code);
        }
      },
    );
    expect(login.stderr).toMatch(/open http:\/\/127\.0\.0\.1:\d+\/device\?user_code=/);
    expect(login.stderr).toMatch(/Signed in to /);
    expect(login.code).toBe(0);
    // Private files only.
    const rolecallHome = join(home, 'rolecall');
    expect((await stat(rolecallHome)).mode & 0o777).toBe(0o700);
    for (const name of await readdir(rolecallHome)) {
      const info = await stat(join(rolecallHome, name));
      if (info.isFile()) expect(info.mode & 0o777).toBe(0o600);
    }

    const ls = await rolecall(['ls', '--json']);
    expect(ls.code).toBe(0);
    const rows = JSON.parse(ls.stdout) as { accountId: string; accountName: string; emailAddress: string; roleName: string }[];
    expect(new Set(rows.map((row) => row.accountId)).size).toBe(8);
    expect(Object.keys(rows[0]!).sort()).toEqual(['accountId', 'accountName', 'emailAddress', 'roleName']);
    const first = rows[0]!;

    const filtered = await rolecall(['ls', first.accountName, first.roleName]);
    expect(filtered.stdout).toContain(first.accountId);
    expect(filtered.stdout.trim().split('\n')).toHaveLength(2);

    const creds = await rolecall(['creds', '--account', first.accountName, '--role', first.roleName]);
    expect(creds.code).toBe(0);
    const keyId = /export AWS_ACCESS_KEY_ID='?([A-Z0-9]+)/.exec(creds.stdout)?.[1];
    expect(emulator.credentialsOwner(keyId!)).toMatchObject({ accountId: first.accountId, roleName: first.roleName });
    expect(creds.stdout).toMatch(/export AWS_SESSION_TOKEN=/);

    const json = await rolecall(['creds', '--account', first.accountId, '--role', first.roleName, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ Version: 1, AccessKeyId: expect.any(String), Expiration: expect.stringMatching(/Z$/) });

    const consoleRun = await rolecall([
      'console',
      '--account',
      first.accountId,
      '--role',
      first.roleName,
      '--region',
      'eu-west-1',
      '--print',
    ]);
    expect(consoleRun.code).toBe(0);
    const page = await (await fetch(consoleRun.stdout.trim())).text();
    expect(page).toContain(first.accountId);
    expect(page).toContain(first.roleName);
    expect(page).toContain('eu-west-1');

    const unknown = await rolecall(['creds', '--account', 'no-such-account', '--role', first.roleName]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No account "no-such-account" is assigned to you/);

    const logout = await rolecall(['logout']);
    expect(logout.code).toBe(0);
    const after = await rolecall(['creds', '--account', first.accountId, '--role', first.roleName]);
    expect(after.code).toBe(1);
    expect(after.stderr.trim().split('\n')).toHaveLength(1);
    expect(after.stderr).toMatch(/signed out of .*; sign in again/);
    expect(after.stdout).toBe('');
  });

  it('rejects bad input with one line and a non-zero exit, never a stack trace', async () => {
    const cases: [string[], RegExp, number][] = [
      [['login', '--start-url', 'http://example.com/start', '--region', 'us-east-1'], /must use https/, 1],
      [
        ['login', '--start-url', 'https://d-1234567890.awsapps.com/start', '--region', 'mars-north-1'],
        /--region: not an AWS region name/,
        1,
      ],
      [['login', '--start-url', 'not a url', '--region', 'us-east-1'], /is not a URL/, 1],
      [['creds', '--account', '123'], /required option '--role/, 2],
      [['creds', '--account', '1', '--role', 'x', '--format', 'zsh'], /Allowed choices are posix, fish/, 2],
      [['frobnicate'], /unknown command 'frobnicate'/, 2],
    ];
    for (const [args, message, code] of cases) {
      const run = await rolecall(args);
      expect(run.stderr, args.join(' ')).toMatch(message);
      expect(run.code, args.join(' ')).toBe(code);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
