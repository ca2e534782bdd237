import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory } from '../../emulator/directory-seed';
import type { DirectorySeed, RunningEmulator } from '../../emulator/options';
import { startEmulator } from '../../emulator/server';
import { ssoCacheFile } from '../../app/aws-cli-cache/sso-cache';
import { openCliCore } from '../../app/node/open-core';
import { defaultSettings } from '../../app/model/settings';
import { createInstance } from '../../app/session/instance-registry';
import { FileSettingsStore } from '../../app/storage/file-settings-store';
import {
  awsCliPath,
  isolatedUser,
  python,
  realClientsMissing,
  requestsOf,
  rolecall,
  rolecallLogin,
  rolecallOnPath,
  run,
} from './test-support/interop-support';

const missing = realClientsMissing();
if (missing) console.log(`Skipping the boto3 / AWS CLI interop proofs: ${missing}`);
const awsCli = missing ? undefined : awsCliPath();
if (!missing && !awsCli) console.log('Skipping the AWS CLI v1 checks: no `aws` next to python3; boto3 still runs.');

const seed: DirectorySeed = { accounts: 5, rolesPerAccount: 2, seed: 7, manyRolesEvery: 0 };
const directory = generateDirectory(seed);
const at = (index: number) => {
  const account = directory[index]!;
  return { accountId: account.accountId, accountName: account.accountName, roleName: account.roles[0]!, otherRole: account.roles[1]! };
};
const profileOf = (accountId: string, roleName: string) => `${accountId}-${roleName}`;
const TEMPLATE = ['--profile-template', '{account_id}-{role_name}'];

interface BotoCredentials {
  readonly method?: string;
  readonly accessKeyId?: string;
  readonly hasSecret?: boolean;
  readonly hasToken?: boolean;
  readonly error?: string;
  readonly message?: string;
}

/**
 * `aws configure list` is the one AWS CLI v1 command that resolves a profile's credentials
 * without calling another service: it prints the provider ("sso", "custom-process") and the
 * last four characters of the access key. v1 has no `configure export-credentials` (that is
 * v2), so the full key is proven through boto3/botocore instead.
 */
const awsConfigureList = async (profile: string, env: Record<string, string>): Promise<{ suffix: string; method: string }> => {
  const result = await run(awsCli!, ['configure', 'list', '--profile', profile], env);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const match = /access_key\s+\*+([A-Z0-9]{4})\s+(\S+)/.exec(result.stdout);
  expect(match, result.stdout).not.toBeNull();
  return { suffix: match![1]!, method: match![2]! };
};

describe.skipIf(Boolean(missing))('one sign-in for Rolecall, boto3 and the AWS CLI (real clients, emulator)', () => {
  let emu: RunningEmulator;
  let user: { home: string; env: Record<string, string> };

  beforeAll(async () => {
    emu = await startEmulator({ directory: seed, deviceCodeIntervalSeconds: 0, log: () => undefined });
    user = await isolatedUser(emu);
  });
  afterAll(async () => {
    await emu.close();
    await rm(user.home, { recursive: true, force: true });
  });

  it('after `rolecall login` and `config populate`, boto3 and `aws` get the emulator-issued credentials through the cache Rolecall wrote', async () => {
    const login = await rolecallLogin(emu, user.env);
    expect(login.stderr).toMatch(/Signed in to /);
    expect(login.code).toBe(0);
    const cacheFiles = await readdir(join(user.home, '.aws', 'sso', 'cache'));
    expect(cacheFiles).toHaveLength(1);

    const populate = await rolecall(['config', 'populate', ...TEMPLATE], user.env);
    expect(populate.code).toBe(0);
    expect(populate.stdout).toBe('');
    expect(populate.stderr).toMatch(/Updated .*\.aws\/config: 10 profiles added, 0 updated, 0 removed/);
    const config = await readFile(user.env.AWS_CONFIG_FILE!, 'utf8');
    expect(config).toMatch(/\[sso-session [\w.-]+\]\nsso_start_url = http:\/\/127\.0\.0\.1:\d+\/start\n/);

    const callsBefore = await requestsOf(emu, 'GetRoleCredentials');
    const signInsBefore = await requestsOf(emu, 'StartDeviceAuthorization');
    for (const index of [0, 3]) {
      const role = at(index);
      const got = await python<BotoCredentials>('credentials', { profile: profileOf(role.accountId, role.roleName) }, user.env);
      expect(got.error, got.message).toBeUndefined();
      expect(got).toMatchObject({ method: 'sso', hasSecret: true, hasToken: true });
      expect(emu.credentialsOwner(got.accessKeyId!)).toMatchObject({ accountId: role.accountId, roleName: role.roleName });
    }
    expect((await requestsOf(emu, 'GetRoleCredentials')) - callsBefore).toBe(2);
    // boto3 used Rolecall's token: nobody signed in again.
    expect(await requestsOf(emu, 'StartDeviceAuthorization')).toBe(signInsBefore);

    if (awsCli) {
      const role = at(2);
      const listed = await awsConfigureList(profileOf(role.accountId, role.otherRole), user.env);
      expect(listed.method).toBe('sso');
      expect((await requestsOf(emu, 'GetRoleCredentials')) - callsBefore).toBe(3);
      expect(await requestsOf(emu, 'StartDeviceAuthorization')).toBe(signInsBefore);
    }
  });

  it('a credential_process profile works from boto3 and `aws`; a second process costs no GetRoleCredentials call', async () => {
    const role = at(1);
    const profile = profileOf(role.accountId, role.roleName);
    const populate = await rolecall(['config', 'populate', '--credential-process', '--filter', role.accountId, ...TEMPLATE], user.env);
    expect(populate.code).toBe(0);
    // Matched by role, so the two sso_* profiles of that account switch mode in place.
    expect(populate.stderr).toMatch(/0 profiles added, 2 updated, 0 removed/);
    const config = await readFile(user.env.AWS_CONFIG_FILE!, 'utf8');
    expect(config).toContain(
      `[profile ${profile}]\ncredential_process = ${rolecallOnPath(user.home)} credential-process --account ${role.accountId} --role ${role.roleName} --instance `,
    );

    const callsBefore = await requestsOf(emu, 'GetRoleCredentials');
    const first = await python<BotoCredentials>('credentials', { profile }, user.env);
    expect(first.error, first.message).toBeUndefined();
    expect(first).toMatchObject({ method: 'custom-process', hasSecret: true, hasToken: true });
    expect(emu.credentialsOwner(first.accessKeyId!)).toMatchObject({ accountId: role.accountId, roleName: role.roleName });
    expect((await requestsOf(emu, 'GetRoleCredentials')) - callsBefore).toBe(1);

    const second = await python<BotoCredentials>('credentials', { profile }, user.env);
    expect(second.accessKeyId).toBe(first.accessKeyId);
    expect((await requestsOf(emu, 'GetRoleCredentials')) - callsBefore).toBe(1);

    if (awsCli) {
      const listed = await awsConfigureList(profile, user.env);
      expect(listed).toEqual({ method: 'custom-process', suffix: first.accessKeyId!.slice(-4) });
      expect((await requestsOf(emu, 'GetRoleCredentials')) - callsBefore).toBe(1);
    }

    // What one cached call costs end to end (node start, tsx, settings, secrets, decrypt).
    const timings: number[] = [];
    for (let i = 0; i < 3; i++) {
      const cached = await rolecall(['credential-process', '--account', role.accountName, '--role', role.roleName.toLowerCase()], user.env);
      expect(cached.code).toBe(0);
      expect(cached.stderr).toBe('');
      expect(JSON.parse(cached.stdout)).toMatchObject({
        Version: 1,
        AccessKeyId: first.accessKeyId,
        Expiration: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      });
      timings.push(Math.round(cached.ms));
    }
    console.log(`cached rolecall credential-process: ${timings.join(' ms, ')} ms`);
    expect((await requestsOf(emu, 'GetRoleCredentials')) - callsBefore).toBe(1);
  });

  it("the reverse: a token saved by botocore's own SSOTokenLoader serves `rolecall ls` with no `rolecall login`", async () => {
    const other = await isolatedUser(emu);
    try {
      const sessionName = 'made-by-botocore';
      const saved = await python<{ files: string[] }>(
        'aws-sso-login',
        { region: emu.region, startUrl: emu.startUrl, adminUrl: emu.url, sessionName },
        other.env,
      );
      expect(saved.files).toEqual([ssoCacheFile(other.env, sessionName).split('/').pop()]);
      const written = await readFile(ssoCacheFile(other.env, sessionName), 'utf8');

      // Rolecall knows the instance (configured in the app, say) but was never signed in.
      const instance = createInstance({ startUrl: emu.startUrl, region: emu.region, endpoint: emu.url, ssoSessionName: sessionName }, []);
      await new FileSettingsStore(other.env.ROLECALL_HOME!).save({ ...defaultSettings(), instances: [instance] });

      const signInsBefore = await requestsOf(emu, 'StartDeviceAuthorization');
      const tokensBefore = await requestsOf(emu, 'CreateToken');
      const ls = await rolecall(['ls', '--json'], other.env);
      expect(ls.stderr).toBe('');
      expect(ls.code).toBe(0);
      const rows = JSON.parse(ls.stdout) as { accountId: string; roleName: string }[];
      expect(rows.map((row) => `${row.accountId}/${row.roleName}`).sort()).toEqual(
        directory.flatMap((a) => a.roles.map((r) => `${a.accountId}/${r}`)).sort(),
      );
      expect(await requestsOf(emu, 'StartDeviceAuthorization')).toBe(signInsBefore);
      expect(await requestsOf(emu, 'CreateToken')).toBe(tokensBefore);
      // Read, not rewritten: the file is still byte for byte what botocore wrote.
      expect(await readFile(ssoCacheFile(other.env, sessionName), 'utf8')).toBe(written);

      const { core } = await openCliCore(other.env, { browser: false });
      try {
        expect(core.snapshot().notices.map((notice) => notice.message)).toContainEqual(
          expect.stringMatching(/Using the AWS CLI sign-in found for .* \(aws sso login\)/),
        );
      } finally {
        await core.stop();
      }
    } finally {
      await rm(other.home, { recursive: true, force: true });
    }
  });
});

describe('credential-process when the access token has expired, and after revocation', () => {
  let emu: RunningEmulator;
  let user: { home: string; env: Record<string, string> };

  beforeAll(async () => {
    emu = await startEmulator({ directory: seed, deviceCodeIntervalSeconds: 0, accessTokenTtlSeconds: 2, log: () => undefined });
    user = await isolatedUser(emu);
  });
  afterAll(async () => {
    await emu.close();
    await rm(user.home, { recursive: true, force: true });
  });

  it('refreshes with the refresh token and succeeds; once revoked, exits 1 with one line the SDKs show', async () => {
    expect((await rolecallLogin(emu, user.env)).code).toBe(0);
    const sessionName = (
      JSON.parse(await readFile(join(user.env.ROLECALL_HOME!, 'settings.json'), 'utf8')) as { instances: { ssoSessionName: string }[] }
    ).instances[0]!.ssoSessionName;
    const sharedBefore = JSON.parse(await readFile(ssoCacheFile(user.env, sessionName), 'utf8')) as { accessToken: string };
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    const refreshesBefore = await requestsOf(emu, 'CreateToken');
    const role = at(0);
    const result = await rolecall(['credential-process', '--account', role.accountId, '--role', role.roleName], user.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { Version: number; AccessKeyId: string };
    expect(json.Version).toBe(1);
    expect(emu.credentialsOwner(json.AccessKeyId)).toMatchObject({ accountId: role.accountId, roleName: role.roleName });
    expect((await requestsOf(emu, 'CreateToken')) - refreshesBefore).toBe(1);
    // The refreshed token went back to the shared cache, so `aws` and the SDKs see it too.
    const sharedAfter = JSON.parse(await readFile(ssoCacheFile(user.env, sessionName), 'utf8')) as { accessToken: string };
    expect(sharedAfter.accessToken).not.toBe(sharedBefore.accessToken);

    const populate = await rolecall(['config', 'populate', '--credential-process', ...TEMPLATE], user.env);
    expect(populate.code).toBe(0);

    emu.revokeAll();
    const revoked = await rolecall(['credential-process', '--account', role.accountId, '--role', role.otherRole], user.env);
    expect(revoked.code).toBe(1);
    expect(revoked.stdout).toBe('');
    expect(revoked.stderr).toMatch(/^Your \S+ session has expired; run `rolecall login` to sign in again\.\n$/);

    if (!missing) {
      const boto = await python<BotoCredentials>('credentials', { profile: profileOf(at(4).accountId, at(4).roleName) }, user.env);
      expect(boto.error).toBe('CredentialRetrievalError');
      expect(boto.message).toContain('session has expired; run `rolecall login` to sign in again.');
    }
  });
});
