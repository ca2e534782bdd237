import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory } from '../../emulator/directory-seed';
import type { DirectorySeed, RunningEmulator } from '../../emulator/options';
import { startEmulator } from '../../emulator/server';
import { awsCliV2, writeEndpointRuleSets } from './test-support/aws-cli-v2';
import { awsCliPath, isolatedUser, rolecall, rolecallLogin, run } from './test-support/interop-support';

/**
 * A chained role saved with `rolecall config chain add` and written by `rolecall config
 * populate` as `role_arn` + `source_profile`: the real AWS CLI v2 (/usr/bin/aws) assumes it
 * itself, through the emulator's STS, on the SSO profile Rolecall generated.
 */

const aws = awsCliV2();
const awsV1 = awsCliPath();
if (!aws) console.log('Skipping the chained-profile interop: no AWS CLI v2 at /usr/bin/aws or AWS_CLI_V2_PATH.');

const seed: DirectorySeed = { accounts: 3, rolesPerAccount: 2, seed: 5, manyRolesEvery: 0 };
const directory = generateDirectory(seed);
const prod = directory[0]!;
const other = directory[1]!;
// The seeded directory's ChainedDeployer wants ExternalId rolecall-{account} (emulator/directory-seed.ts).
const deployerArn = `arn:aws:iam::${other.accountId}:role/ChainedDeployer`;
/** The chain from the source role, as `config chain add` saves it and `whoami` runs it. */
const chainOptions = [
  '--role',
  prod.roles[0]!,
  '--assume-role',
  deployerArn,
  '--external-id',
  `rolecall-${other.accountId}`,
  '--role-session-name',
  'cli-chain',
];

describe.skipIf(!aws)('a chained profile `rolecall config populate` wrote, used by the real AWS CLI', () => {
  let emu: RunningEmulator;
  let user: { home: string; env: Record<string, string> };

  beforeAll(async () => {
    emu = await startEmulator({ directory: seed, deviceCodeIntervalSeconds: 0, log: () => undefined });
    user = await isolatedUser(emu);
    const login = await rolecallLogin(emu, user.env);
    expect(login.code, login.stderr).toBe(0);
  });
  afterAll(async () => {
    await emu?.close();
    if (user) await rm(user.home, { recursive: true, force: true });
  });

  it('`aws sts get-caller-identity --profile deployer` answers the chained role, assumed by the AWS CLI from the generated source profile', async () => {
    const add = await rolecall(['config', 'chain', 'add', 'deployer', '--account', prod.accountName, ...chainOptions], user.env);
    expect(add.code, add.stderr).toBe(0);
    // The source profile runs `rolecall credential-process`: the AWS CLI v2 here (2.9.19) cannot
    // use an sso_session profile as a source_profile ("'NoneType' object has no attribute
    // 'get_frozen_token'": aws/aws-cli#7496, boto/botocore#2828, fixed in later releases); the
    // sso_session form is run by the AWS CLI v1 below.
    const populate = await rolecall(
      ['config', 'populate', '--credential-process', '--profile-template', '{account_id}-{role_name}', '--region', 'us-east-1'],
      user.env,
    );
    expect(populate.code, populate.stderr).toBe(0);
    const config = await readFile(user.env.AWS_CONFIG_FILE!, 'utf8');
    expect(config).toContain(
      [
        '[profile deployer]',
        `role_arn = ${deployerArn}`,
        `source_profile = ${prod.accountId}-${prod.roles[0]!}`,
        `external_id = rolecall-${other.accountId}`,
        'role_session_name = cli-chain',
        'region = us-east-1',
      ].join('\n'),
    );

    const dataPath = join(user.home, 'aws-data');
    await mkdir(dataPath, { recursive: true });
    await writeEndpointRuleSets(dataPath, emu.url);
    const env: Record<string, string> = { ...user.env, AWS_DATA_PATH: dataPath, AWS_PAGER: '' };
    delete env.AWS_ENDPOINT_URL_SSO;
    delete env.AWS_ENDPOINT_URL_SSO_OIDC;
    emu.resetCounters();
    const who = await run(aws!, ['sts', 'get-caller-identity', '--profile', 'deployer', '--output', 'json'], env);
    expect(who.stderr).toBe('');
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({
      Arn: `arn:aws:sts::${other.accountId}:assumed-role/ChainedDeployer/cli-chain`,
      Account: other.accountId,
    });
    // The AWS CLI did the chaining itself: one AssumeRole on the source profile's credentials.
    expect(emu.counters().AssumeRole?.requests).toBe(1);

    // `rolecall whoami` names the same identity for the same chain.
    const whoami = await rolecall(['whoami', '--account', prod.accountId, ...chainOptions], user.env);
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(whoami.stdout.trim()).toBe(`arn:aws:sts::${other.accountId}:assumed-role/ChainedDeployer/cli-chain`);
  });

  it.skipIf(!awsV1)('the AWS CLI v1 assumes it from the sso_session profile populate writes by default', async () => {
    const populate = await rolecall(
      ['config', 'populate', '--profile-template', '{account_id}-{role_name}', '--region', 'us-east-1'],
      user.env,
    );
    expect(populate.code, populate.stderr).toBe(0);
    const config = await readFile(user.env.AWS_CONFIG_FILE!, 'utf8');
    expect(config).toMatch(new RegExp(`\\[profile ${prod.accountId}-${prod.roles[0]!}\\]\\n(?:region = us-east-1\\n)?sso_session = `));
    const who = await run(awsV1!, ['sts', 'get-caller-identity', '--profile', 'deployer', '--output', 'json'], {
      ...user.env,
      AWS_ENDPOINT_URL_STS: emu.stsEndpoint,
    });
    expect(who.stderr).toBe('');
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ Arn: `arn:aws:sts::${other.accountId}:assumed-role/ChainedDeployer/cli-chain` });
  });

  it('`config chain remove` + `config populate --prune` removes the chained profile and nothing else', async () => {
    const before = await readFile(user.env.AWS_CONFIG_FILE!, 'utf8');
    const removed = await rolecall(['config', 'chain', 'remove', 'deployer'], user.env);
    expect(removed.code, removed.stderr).toBe(0);
    const populate = await rolecall(
      ['config', 'populate', '--credential-process', '--profile-template', '{account_id}-{role_name}', '--region', 'us-east-1', '--prune'],
      user.env,
    );
    expect(populate.code, populate.stderr).toBe(0);
    expect(populate.stderr).toContain('1 removed');
    const after = await readFile(user.env.AWS_CONFIG_FILE!, 'utf8');
    expect(after).not.toContain('[profile deployer]');
    expect(after).toContain(`[profile ${prod.accountId}-${prod.roles[0]!}]`);
    expect(before).toContain('[profile deployer]');
  });
});
