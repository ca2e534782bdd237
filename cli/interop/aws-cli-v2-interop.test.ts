import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory } from '../../emulator/directory-seed';
import type { DirectorySeed, RunningEmulator } from '../../emulator/options';
import { startEmulator } from '../../emulator/server';
import { reservedSsoRoleName } from '../../emulator/sts/identity';
import { awsCliV2, writeEndpointRuleSets } from './test-support/aws-cli-v2';
import { isolatedUser, requestsOf, run, type Run } from './test-support/interop-support';

/**
 * The real AWS CLI v2 (Debian's `awscli` package, 2.9.19; `node scripts/ensure-awscli.mjs`
 * installs it) against the emulator, unmodified: it predates AWS_ENDPOINT_URL_*, so it is
 * pointed at the emulator with AWS_DATA_PATH endpoint rule sets (../shared/PROTOCOL.md).
 */

const aws = awsCliV2();
if (!aws)
  console.log('Skipping the AWS CLI v2 interop: no AWS CLI v2 at /usr/bin/aws or AWS_CLI_V2_PATH (run `node scripts/ensure-awscli.mjs`).');

const seed: DirectorySeed = { accounts: 5, rolesPerAccount: 2, seed: 11, manyRolesEvery: 0 };
const directory = generateDirectory(seed);
const prod = directory[0]!;
const other = directory[1]!;
const SESSION = 'emulator';

interface CacheFile {
  readonly startUrl: string;
  readonly region: string;
  readonly accessToken: string;
  readonly expiresAt: string;
  readonly refreshToken?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly registrationExpiresAt?: string;
}

describe.skipIf(!aws)('the real AWS CLI v2 against the emulator', () => {
  let emu: RunningEmulator;
  let user: { home: string; env: Record<string, string> };
  let cacheFile: string;
  const cli = (args: readonly string[], extra: Record<string, string> = {}, onTick?: () => void): Promise<Run> =>
    run(aws!, args, { ...user.env, ...extra }, onTick ? { onTick } : {});
  const readCache = async (): Promise<CacheFile> => JSON.parse(await readFile(cacheFile, 'utf8')) as CacheFile;

  beforeAll(async () => {
    // 10-minute access tokens: inside botocore's 15-minute refresh window, so every command that needs a token refreshes it.
    emu = await startEmulator({
      directory: seed,
      deviceCodeIntervalSeconds: 1,
      accessTokenTtlSeconds: 600,
      defaultPageSize: 2,
      log: () => undefined,
    });
    user = await isolatedUser(emu);
    const dataPath = join(user.home, 'aws-data');
    await writeEndpointRuleSets(dataPath, emu.url);
    delete user.env.AWS_ENDPOINT_URL_SSO;
    delete user.env.AWS_ENDPOINT_URL_SSO_OIDC;
    Object.assign(user.env, { AWS_DATA_PATH: dataPath, AWS_PAGER: '', AWS_DEFAULT_OUTPUT: 'json' });
    await mkdir(join(user.home, '.aws'), { recursive: true });
    await writeFile(
      user.env.AWS_CONFIG_FILE!,
      [
        `[sso-session ${SESSION}]`,
        `sso_start_url = ${emu.startUrl}`,
        `sso_region = ${emu.region}`,
        'sso_registration_scopes = sso:account:access',
        '',
        '[profile prod]',
        `sso_session = ${SESSION}`,
        `sso_account_id = ${prod.accountId}`,
        `sso_role_name = ${prod.roles[0]!}`,
        'region = us-east-1',
        '',
      ].join('\n'),
    );
    cacheFile = join(user.home, '.aws', 'sso', 'cache', `${createHash('sha1').update(SESSION).digest('hex')}.json`);
  });
  afterAll(async () => {
    await emu?.close();
    if (user) await rm(user.home, { recursive: true, force: true });
  });

  it('`aws sso login --no-browser` signs in with the code approved through the admin endpoint, and gets a refresh token', async () => {
    const before = new Set(emu.pendingUserCodes());
    let approving = false;
    const login = await cli(['sso', 'login', '--sso-session', SESSION, '--no-browser'], {}, () => {
      if (approving) return;
      const code = emu.pendingUserCodes().find((candidate) => !before.has(candidate));
      if (!code) return;
      approving = true;
      void fetch(`${emu.url}/_emulator/device/approve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userCode: code }),
      });
    });
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toContain(`${emu.url}/device`);
    expect(login.stdout).toMatch(/[B-Z]{4}-[B-Z]{4}/);
    expect(login.stdout).toMatch(/Successfully logged into Start URL: http:\/\/127\.0\.0\.1:\d+\/start/);
    const cache = await readCache();
    expect(cache).toMatchObject({
      startUrl: emu.startUrl,
      region: emu.region,
      clientId: expect.any(String),
      clientSecret: expect.any(String),
    });
    // The AWS CLI registers with scopes only; AWS (and now the emulator) still issues a refresh token.
    expect(cache.refreshToken).toMatch(/^aor/);
  });

  it('refreshes silently: `aws configure export-credentials` rotates the token through CreateToken and prints emulator-issued credentials', async () => {
    const old = await readCache();
    const refreshesBefore = await requestsOf(emu, 'CreateToken');
    const exported = await cli(['configure', 'export-credentials', '--profile', 'prod']);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const credentials = JSON.parse(exported.stdout) as {
      Version: number;
      AccessKeyId: string;
      SecretAccessKey: string;
      SessionToken: string;
      Expiration: string;
    };
    expect(credentials.Version).toBe(1);
    expect(emu.credentialsOwner(credentials.AccessKeyId)).toMatchObject({ accountId: prod.accountId, roleName: prod.roles[0] });
    expect(await requestsOf(emu, 'CreateToken')).toBe(refreshesBefore + 1);
    const renewed = await readCache();
    expect(renewed.accessToken).not.toBe(old.accessToken);
    expect(renewed.refreshToken).toMatch(/^aor/);
    expect(renewed.refreshToken).not.toBe(old.refreshToken);
  });

  it('`aws sts get-caller-identity` for the SSO profile answers the assumed-role ARNs; `aws sts assume-role` chains', async () => {
    const who = await cli(['sts', 'get-caller-identity', '--profile', 'prod']);
    expect(who.stderr).toBe('');
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toEqual({
      UserId: expect.stringMatching(/^AROA[A-Z2-7]{17}:rolecall-user$/),
      Account: prod.accountId,
      Arn: `arn:aws:sts::${prod.accountId}:assumed-role/${reservedSsoRoleName(prod.roles[0]!)}/rolecall-user`,
    });
    // --endpoint-url works as well (here with the default rule sets for STS only).
    const viaFlag = await cli(['sts', 'get-caller-identity', '--profile', 'prod', '--endpoint-url', emu.stsEndpoint]);
    expect(viaFlag.code).toBe(0);
    expect(JSON.parse(viaFlag.stdout)).toMatchObject({ Account: prod.accountId });

    // A `source_profile` pointing at an sso-session profile trips a bug of this CLI version
    // ('NoneType' object has no attribute 'get_frozen_token', aws/aws-cli#7496, before any
    // request is sent), so the chain is proven with `aws sts assume-role` here and with
    // `source_profile` through botocore 1.43 in emulator/sts-interop.test.ts.
    const assumed = await cli([
      'sts',
      'assume-role',
      '--profile',
      'prod',
      '--role-arn',
      `arn:aws:iam::${other.accountId}:role/ChainedReadOnly`,
      '--role-session-name',
      'cli-chain',
    ]);
    expect(assumed.stderr).toBe('');
    expect(assumed.code).toBe(0);
    const out = JSON.parse(assumed.stdout) as {
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };
      AssumedRoleUser: { Arn: string };
    };
    expect(out.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${other.accountId}:assumed-role/ChainedReadOnly/cli-chain`);
    const chained = await cli(['sts', 'get-caller-identity'], {
      AWS_ACCESS_KEY_ID: out.Credentials.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: out.Credentials.SecretAccessKey,
      AWS_SESSION_TOKEN: out.Credentials.SessionToken,
      AWS_DEFAULT_REGION: 'us-east-1',
    });
    expect(chained.stderr).toBe('');
    expect(chained.code).toBe(0);
    expect(JSON.parse(chained.stdout)).toMatchObject({
      Account: other.accountId,
      Arn: `arn:aws:sts::${other.accountId}:assumed-role/ChainedReadOnly/cli-chain`,
    });
    const refused = await cli([
      'sts',
      'assume-role',
      '--profile',
      'prod',
      '--role-arn',
      `arn:aws:iam::${other.accountId}:role/ChainedDeployer`,
      '--role-session-name',
      'cli-chain',
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(
      /An error occurred \(AccessDenied\) when calling the AssumeRole operation.*: User: arn:aws:sts::\d{12}:assumed-role\/AWSReservedSSO_\w+_[0-9a-f]{16}\/rolecall-user is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::\d{12}:role\/ChainedDeployer/,
    );
  });

  it("refuses a wrong secret and an expired session token with STS's error codes", async () => {
    const exported = JSON.parse((await cli(['configure', 'export-credentials', '--profile', 'prod'])).stdout) as {
      AccessKeyId: string;
      SecretAccessKey: string;
      SessionToken: string;
    };
    const asEnv = (secret: string) => ({
      AWS_ACCESS_KEY_ID: exported.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: secret,
      AWS_SESSION_TOKEN: exported.SessionToken,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_MAX_ATTEMPTS: '1',
    });
    const good = await cli(['sts', 'get-caller-identity'], asEnv(exported.SecretAccessKey));
    expect(good.code).toBe(0);
    const wrong = await cli(['sts', 'get-caller-identity'], asEnv(`${exported.SecretAccessKey.slice(0, -2)}xx`));
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(
      /An error occurred \(SignatureDoesNotMatch\) when calling the GetCallerIdentity operation.*: The request signature we calculated does not match/,
    );
    emu.expireCredentials(exported.AccessKeyId);
    const expired = await cli(['sts', 'get-caller-identity'], asEnv(exported.SecretAccessKey));
    expect(expired.code).not.toBe(0);
    expect(expired.stderr).toMatch(
      /An error occurred \(ExpiredToken\) when calling the GetCallerIdentity operation.*: The security token included in the request is expired/,
    );
  });

  it('`aws sso list-accounts` pages through every account', async () => {
    const { accessToken } = await readCache();
    const pagesBefore = await requestsOf(emu, 'ListAccounts');
    const all = await cli(['sso', 'list-accounts', '--access-token', accessToken, '--region', emu.region, '--page-size', '2']);
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    const listed = JSON.parse(all.stdout) as { accountList: { accountId: string }[] };
    expect(listed.accountList.map((a) => a.accountId)).toEqual(directory.map((a) => a.accountId));
    expect(await requestsOf(emu, 'ListAccounts')).toBe(pagesBefore + Math.ceil(directory.length / 2));
    const firstTwo = JSON.parse(
      (await cli(['sso', 'list-accounts', '--access-token', accessToken, '--region', emu.region, '--page-size', '2', '--max-items', '2']))
        .stdout,
    ) as { accountList: unknown[]; NextToken?: string };
    expect(firstTwo.accountList).toHaveLength(2);
    expect(firstTwo.NextToken).toBeTruthy();
  });

  it('`aws sso logout` removes the cached token and ends the session at the emulator', async () => {
    const { accessToken } = await readCache();
    const logoutsBefore = await requestsOf(emu, 'Logout');
    const logout = await cli(['sso', 'logout']);
    expect(logout.stderr).toBe('');
    expect(logout.code).toBe(0);
    expect(existsSync(cacheFile)).toBe(false);
    expect(await requestsOf(emu, 'Logout')).toBe(logoutsBefore + 1);
    const after = await fetch(`${emu.url}/assignment/accounts`, { headers: { 'x-amz-sso_bearer_token': accessToken } });
    expect(after.status).toBe(401);
    const denied = await cli(['sts', 'get-caller-identity', '--profile', 'prod']);
    expect(denied.code).not.toBe(0);
  });
});
