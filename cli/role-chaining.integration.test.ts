import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../emulator/options';
import { startEmulator } from '../emulator/server';
import { reservedSsoRoleName } from '../emulator/sts/identity';
import {
  CHAIN_SOURCE_ACCOUNT as PROD,
  CHAIN_TARGET_ACCOUNT as SHARED,
  chainingDirectory,
  deployerArn as deployer,
  partnerArn as partner,
} from '../emulator/test-support/chaining-directory';
import { consolePageFields } from '../emulator/test-support/console-page';
import { isolatedCliEnv, loginThroughCli, runRolecall } from './test-support/run-cli';

/**
 * `--assume-role` on creds, whoami, console, exec and credential-process, through the real
 * `rolecall` binary against the emulator's STS (real SigV4, the emulator's trust model).
 */

let emulator: RunningEmulator;
let home: string;
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => isolatedCliEnv(home, { ROLECALL_NO_AGENT: '1', ...extra });
const admin = ['--account', 'prod', '--role', 'AdministratorAccess'];

beforeAll(async () => {
  emulator = await startEmulator({
    deviceCodeIntervalSeconds: 0,
    userName: 'jane.doe',
    log: () => undefined,
    directory: chainingDirectory,
  });
  home = await mkdtemp(join(tmpdir(), 'rolecall-chain-'));
  const login = await loginThroughCli(emulator, env());
  expect(login.code, login.stderr).toBe(0);
});

afterAll(async () => {
  await emulator?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('rolecall whoami', () => {
  it("prints the Identity Center role session's ARN, and UserId/Account/Arn with --json", async () => {
    const plain = await runRolecall(['whoami', ...admin], env());
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toBe(`arn:aws:sts::${PROD}:assumed-role/${reservedSsoRoleName('AdministratorAccess')}/jane.doe\n`);
    const json = await runRolecall(['whoami', ...admin, '--assume-role', deployer, '--role-session-name', 'jane-ci', '--json'], env());
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      UserId: expect.stringMatching(/^AROA[A-Z2-7]{17}:jane-ci$/),
      Account: SHARED,
      Arn: `arn:aws:sts::${SHARED}:assumed-role/Deployer/jane-ci`,
    });
  });

  it('says which role does not trust which, and what to do, when the trust policy refuses', async () => {
    const refused = await runRolecall(['whoami', '--account', 'prod', '--role', 'ReadOnly', '--assume-role', deployer], env());
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim()).toBe(
      `The role ${deployer} does not trust ReadOnly in account ${PROD} ` +
        `(arn:aws:sts::${PROD}:assumed-role/${reservedSsoRoleName('ReadOnly')}/jane.doe); ` +
        'ask its owner to add that role to its trust policy, and pass --external-id if the policy requires one.',
    );
  });

  it('refuses --external-id without --assume-role, and a malformed role ARN, in one sentence each', async () => {
    const lone = await runRolecall(['whoami', ...admin, '--external-id', 'partner-7'], env());
    expect(lone.code).toBe(1);
    expect(lone.stderr).toContain('only apply with --assume-role');
    const bad = await runRolecall(['whoami', ...admin, '--assume-role', 'Deployer'], env());
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('arn:aws:iam::123456789012:role/Name');
  });
});

describe('--assume-role', () => {
  it('creds: the chained role in the chosen format, checked with STS by --verify', async () => {
    const run = await runRolecall(
      ['creds', ...admin, '--assume-role', partner, '--external-id', 'partner-7', '--format', 'json', '--verify'],
      env(),
    );
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { AccessKeyId: string; Expiration: string };
    expect(emulator.credentialsOwner(json.AccessKeyId)).toMatchObject({
      accountId: SHARED,
      roleName: 'Partner',
      roleSessionName: 'rolecall',
    });
    expect(run.stderr).toBe(`Verified with STS: arn:aws:sts::${SHARED}:assumed-role/Partner/rolecall\n`);
    const ini = await runRolecall(['creds', ...admin, '--assume-role', deployer, '--format', 'ini'], env());
    expect(ini.code, ini.stderr).toBe(0);
    expect(ini.stdout).toMatch(new RegExp(`^\\[${SHARED}-Deployer\\]\\n`));
  });

  it('console --print: a sign-in URL that opens the console as the chained role', async () => {
    const run = await runRolecall(['console', ...admin, '--assume-role', deployer, '--print', '--region', 'eu-west-3'], env());
    expect(run.code, run.stderr).toBe(0);
    const response = await fetch(run.stdout.trim());
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(consolePageFields(html)).toMatchObject({ account: SHARED, role: 'Deployer', region: 'eu-west-3' });
  });

  it("exec: the command runs with the chained role's keys", async () => {
    const run = await runRolecall(
      ['exec', ...admin, '--assume-role', deployer, '--', process.execPath, '-e', 'process.stdout.write(process.env.AWS_ACCESS_KEY_ID)'],
      env(),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(emulator.credentialsOwner(run.stdout)).toMatchObject({ accountId: SHARED, roleName: 'Deployer' });
  });

  it('credential-process: chained credentials are cached like role credentials; a burst of runs makes one AssumeRole', async () => {
    const args = [
      'credential-process',
      '--account',
      PROD,
      '--role',
      'AdministratorAccess',
      '--assume-role',
      partner,
      '--external-id',
      'partner-7',
    ];
    emulator.resetCounters();
    const burst = await Promise.all(Array.from({ length: 5 }, () => runRolecall(args, env())));
    for (const run of burst) expect(run.code, run.stderr).toBe(0);
    const keys = new Set(burst.map((run) => (JSON.parse(run.stdout) as { AccessKeyId: string }).AccessKeyId));
    expect(keys.size).toBe(1);
    const later = await runRolecall(args, env());
    expect((JSON.parse(later.stdout) as { AccessKeyId: string }).AccessKeyId).toBe([...keys][0]);
    expect(emulator.counters().AssumeRole?.requests).toBe(1);
    expect(emulator.credentialsOwner([...keys][0]!)).toMatchObject({ accountId: SHARED, roleName: 'Partner' });
    // Another session name is another chain, so another entry.
    const other = await runRolecall([...args, '--role-session-name', 'batch'], env());
    expect(emulator.credentialsOwner((JSON.parse(other.stdout) as { AccessKeyId: string }).AccessKeyId)).toMatchObject({
      roleSessionName: 'batch',
    });
    expect(emulator.counters().AssumeRole?.requests).toBe(2);
  });

  it('credential-process: the chained role as credential_process JSON, a refusal as one line', async () => {
    const run = await runRolecall(
      ['credential-process', '--account', PROD, '--role', 'AdministratorAccess', '--assume-role', deployer],
      env(),
    );
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { Version: number; AccessKeyId: string };
    expect(json.Version).toBe(1);
    expect(emulator.credentialsOwner(json.AccessKeyId)).toMatchObject({ accountId: SHARED, roleName: 'Deployer' });
    const refused = await runRolecall(['credential-process', '--account', PROD, '--role', 'ReadOnly', '--assume-role', deployer], env());
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(new RegExp(`^The role ${deployer} does not trust ReadOnly in account ${PROD} `));
  });
});

describe('rolecall config chain remove', () => {
  const settingsFile = () => join(home, 'rolecall', 'settings.json');
  const stored = async () => JSON.parse(await readFile(settingsFile(), 'utf8')) as Record<string, unknown>;

  it('takes the name out of the pins, recents and keep-fresh lists on disk, so a chain added again under it starts clean', async () => {
    const add = await runRolecall(['config', 'chain', 'add', 'ci-deployer', ...admin, '--assume-role', deployer], env());
    expect(add.code, add.stderr).toBe(0);
    // Pinned, used and kept fresh in the app: the lists the desktop app and `rolecall web` write.
    const pinned = {
      ...(await stored()),
      chainedFavorites: ['ci-deployer'],
      chainedRecents: ['ci-deployer'],
      chainedKeepFresh: ['ci-deployer'],
    };
    await writeFile(settingsFile(), JSON.stringify(pinned, null, 2));

    const remove = await runRolecall(['config', 'chain', 'remove', 'ci-deployer'], env());
    expect(remove.code, remove.stderr).toBe(0);
    expect(remove.stderr).toContain('Removed "ci-deployer"');
    expect(await stored()).toMatchObject({ chainedRoles: [], chainedFavorites: [], chainedRecents: [], chainedKeepFresh: [] });

    const again = await runRolecall(['config', 'chain', 'add', 'ci-deployer', ...admin, '--assume-role', deployer], env());
    expect(again.code, again.stderr).toBe(0);
    expect(await stored()).toMatchObject({
      chainedRoles: [expect.objectContaining({ name: 'ci-deployer', roleArn: deployer })],
      chainedFavorites: [],
      chainedRecents: [],
      chainedKeepFresh: [],
    });
    const missing = await runRolecall(['config', 'chain', 'remove', 'nope'], env());
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('No chained role is saved as "nope"; `rolecall config chain ls` lists them.');
  });
});
