import { appendFile, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory } from '../../emulator/directory-seed';
import type { DirectorySeed, RunningEmulator } from '../../emulator/options';
import { startEmulator } from '../../emulator/server';
import { reservedSsoRoleName } from '../../emulator/sts/identity';
import { probePython } from '../../app/aws-cli-cache/test-support/run-python';
import { awsCliV2, writeEndpointRuleSets } from './test-support/aws-cli-v2';
import { awsCliPath, isolatedUser, realClientsMissing, rolecall, rolecallLogin, run } from './test-support/interop-support';

/**
 * The emulator's STS with real clients, on the credentials of profiles `rolecall config
 * populate` wrote: boto3 (GetCallerIdentity, AssumeRole, refusals), the AWS CLI v1 (botocore
 * 1.43, AWS_ENDPOINT_URL_STS) including a `source_profile` chain, and the AWS CLI v2.
 */

const STS_SCRIPT = resolve(__dirname, 'sts_interop.py');
const missing = realClientsMissing();
if (missing) console.log(`Skipping the STS interop with boto3 / AWS CLI: ${missing}`);
const awsV1 = missing ? undefined : awsCliPath();
const awsV2 = awsCliV2();

const seed: DirectorySeed = { accounts: 3, rolesPerAccount: 2, seed: 5, manyRolesEvery: 0 };
const directory = generateDirectory(seed);
const prod = directory[0]!;
const other = directory[1]!;
const profile = `${prod.accountId}-${prod.roles[0]!}`;
const ssoArn = `arn:aws:sts::${prod.accountId}:assumed-role/${reservedSsoRoleName(prod.roles[0]!)}/rolecall-user`;
const chainedRoleArn = `arn:aws:iam::${other.accountId}:role/ChainedReadOnly`;

interface StsError {
  readonly code: string;
  readonly message: string;
  readonly type: string;
  readonly status: number;
}
interface Summary {
  readonly endpoint: string;
  readonly identity: { Arn: string; UserId: string; Account: string };
  readonly assumed: { arn: string; accessKeyId: string; expiration: string };
  readonly chainedIdentity: string;
  readonly wrongSecret: StsError | null;
  readonly tooLong: StsError | null;
  readonly denied: StsError | null;
  readonly expired?: StsError | null;
}

describe.skipIf(Boolean(missing))('STS with real clients on `rolecall config populate` profiles (emulator)', () => {
  let emu: RunningEmulator;
  let user: { home: string; env: Record<string, string> };

  beforeAll(async () => {
    emu = await startEmulator({ directory: seed, deviceCodeIntervalSeconds: 0, log: () => undefined });
    user = await isolatedUser(emu);
    user.env.AWS_ENDPOINT_URL_STS = emu.stsEndpoint;
    const login = await rolecallLogin(emu, user.env);
    expect(login.code, login.stderr).toBe(0);
    const populate = await rolecall(
      ['config', 'populate', '--profile-template', '{account_id}-{role_name}', '--region', 'us-east-1'],
      user.env,
    );
    expect(populate.code, populate.stderr).toBe(0);
    // A chained profile of the user's own, outside Rolecall's sections: the AWS CLI chains it itself.
    await appendFile(
      user.env.AWS_CONFIG_FILE!,
      `\n[profile chained]\nrole_arn = ${chainedRoleArn}\nsource_profile = ${profile}\nrole_session_name = cli-chain\nregion = us-east-1\n`,
    );
  });
  afterAll(async () => {
    await emu?.close();
    if (user) await rm(user.home, { recursive: true, force: true });
  });

  it("boto3: GetCallerIdentity and AssumeRole verify; a wrong secret, an expired session token, a 2-hour chain and an untrusted role are refused with STS's codes", async () => {
    // The credentials Rolecall hands out for the profile (its credential_process command).
    const issued = await rolecall(['creds', '--account', prod.accountId, '--role', prod.roles[0]!, '--format', 'json'], user.env);
    expect(issued.code, issued.stderr).toBe(0);
    const creds = JSON.parse(issued.stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    const expired = await rolecall(['creds', '--account', other.accountId, '--role', other.roles[0]!, '--format', 'json'], user.env);
    const expiredCreds = JSON.parse(expired.stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    expect(emu.expireCredentials(expiredCreds.AccessKeyId)).toBe(true);

    const python = probePython();
    if ('unavailable' in python) throw new Error(python.unavailable);
    const input = {
      accessKeyId: creds.AccessKeyId,
      secretAccessKey: creds.SecretAccessKey,
      sessionToken: creds.SessionToken,
      region: 'us-east-1',
      chainedRoleArn,
      expiredAccessKeyId: expiredCreds.AccessKeyId,
      expiredSecretAccessKey: expiredCreds.SecretAccessKey,
      expiredSessionToken: expiredCreds.SessionToken,
    };
    const result = await run(
      python.executable,
      [STS_SCRIPT],
      {
        PATH: user.env.PATH!,
        HOME: user.home,
        AWS_ENDPOINT_URL_STS: emu.stsEndpoint,
        AWS_EC2_METADATA_DISABLED: 'true',
        PYTHONDONTWRITEBYTECODE: '1',
      },
      { input: JSON.stringify(input) },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Summary;
    expect(summary.endpoint).toBe(emu.stsEndpoint);
    expect(summary.identity).toEqual({
      Arn: ssoArn,
      UserId: expect.stringMatching(/^AROA[A-Z2-7]{17}:rolecall-user$/),
      Account: prod.accountId,
    });
    expect(summary.assumed.arn).toBe(`arn:aws:sts::${other.accountId}:assumed-role/ChainedReadOnly/boto3-chain`);
    expect(emu.credentialsOwner(summary.assumed.accessKeyId)).toMatchObject({
      roleArn: chainedRoleArn,
      roleSessionName: 'boto3-chain',
      sourceAccessKeyId: creds.AccessKeyId,
    });
    expect(summary.chainedIdentity).toBe(summary.assumed.arn);
    expect(summary.wrongSecret).toEqual({
      code: 'SignatureDoesNotMatch',
      type: 'Sender',
      status: 403,
      message: expect.stringMatching(/^The request signature we calculated does not match/),
    });
    expect(summary.expired).toEqual({
      code: 'ExpiredToken',
      type: 'Sender',
      status: 400,
      message: 'The security token included in the request is expired',
    });
    expect(summary.tooLong).toMatchObject({ code: 'ValidationError', status: 400 });
    expect(summary.denied).toEqual({
      code: 'AccessDenied',
      type: 'Sender',
      status: 403,
      message: `User: ${ssoArn} is not authorized to perform: sts:AssumeRole on resource: ${chainedRoleArn.replace('ChainedReadOnly', 'NotTrusted')}`,
    });
  });

  it.skipIf(!awsV1)(
    'the AWS CLI v1: `aws sts get-caller-identity --profile P` for the populated SSO profile and for a source_profile chain on it',
    async () => {
      const who = await run(awsV1!, ['sts', 'get-caller-identity', '--profile', profile, '--output', 'json'], user.env);
      expect(who.stderr).toBe('');
      expect(who.code).toBe(0);
      expect(JSON.parse(who.stdout)).toMatchObject({ Arn: ssoArn, Account: prod.accountId });
      const chained = await run(awsV1!, ['sts', 'get-caller-identity', '--profile', 'chained', '--output', 'json'], user.env);
      expect(chained.stderr).toBe('');
      expect(chained.code).toBe(0);
      expect(JSON.parse(chained.stdout)).toMatchObject({
        Arn: `arn:aws:sts::${other.accountId}:assumed-role/ChainedReadOnly/cli-chain`,
        Account: other.accountId,
      });
    },
  );

  it.skipIf(!awsV2)('the AWS CLI v2: `aws sts get-caller-identity --profile P` for the populated SSO profile', async () => {
    const dataPath = join(user.home, 'aws-data');
    await mkdir(dataPath, { recursive: true });
    await writeEndpointRuleSets(dataPath, emu.url);
    const who = await run(awsV2!, ['sts', 'get-caller-identity', '--profile', profile, '--output', 'json'], {
      ...user.env,
      AWS_DATA_PATH: dataPath,
      AWS_PAGER: '',
    });
    expect(who.stderr).toBe('');
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ Arn: ssoArn, Account: prod.accountId });
  });
});
