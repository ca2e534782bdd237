import { GetRoleCredentialsCommand } from '@aws-sdk/client-sso';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory } from './directory-seed';
import type { DirectoryFile, DirectorySeed, RunningEmulator } from './options';
import { reservedSsoRoleName } from './sts/identity';
import { canonicalQuery, canonicalUri, signingKey, signatureOf } from './sts/sigv4';
import { signedStsCall, xmlValue, type SigningCredentials } from './test-support/sts-signer';
import { adminCall, isolateHome, manualClock, portalClient, quietEmulator, signIn } from './test-support/test-helpers';

const seed: DirectorySeed = { accounts: 5, rolesPerAccount: 3, seed: 7 };
const directory = generateDirectory(seed);
const prod = directory[0]!;
const other = directory[1]!;
const callerIdentity = { Action: 'GetCallerIdentity', Version: '2011-06-15' };

let emu: RunningEmulator | undefined;
beforeAll(() => {
  isolateHome();
});
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const start = async (options: Parameters<typeof quietEmulator>[0] = {}) => {
  const e = await quietEmulator({ autoApprove: true, directory: seed, ...options });
  emu = e;
  const { accessToken } = await signIn(e);
  const roleCredentials = async (accountId = prod.accountId, roleName = prod.roles[0]!): Promise<SigningCredentials> => {
    const { roleCredentials: c } = await portalClient(e).send(new GetRoleCredentialsCommand({ accessToken, accountId, roleName }));
    return { accessKeyId: c!.accessKeyId!, secretAccessKey: c!.secretAccessKey!, sessionToken: c!.sessionToken! };
  };
  return { emu: e, roleCredentials };
};

/** The `<Error>` of an STS error answer. */
const errorOf = (text: string) => ({ type: xmlValue(text, 'Type'), code: xmlValue(text, 'Code'), message: xmlValue(text, 'Message') });

describe("SigV4 building blocks (AWS's documented example)", () => {
  it('derives the signing key and signature of the IAM ListUsers example in the AWS SigV4 documentation', () => {
    // docs.aws.amazon.com/general/latest/gr/sigv4_signing.html, "Examples of how to derive a signing key".
    const key = signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam');
    expect(key.toString('hex')).toBe('f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
    expect(
      signatureOf(
        signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20150830', 'us-east-1', 'iam'),
        'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59',
      ),
    ).toBe('5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
    expect(canonicalQuery('Version=2010-05-08&Action=ListUsers')).toBe('Action=ListUsers&Version=2010-05-08');
    expect(canonicalQuery('b=%20x&a=1&a=0&c')).toBe('a=0&a=1&b=%20x&c=');
    expect(canonicalUri('/a b/%41')).toBe('/a%20b/%2541');
  });
});

describe('GetCallerIdentity', () => {
  it("answers the AWSReservedSSO assumed-role ARN, UserId and Account for Identity Center role credentials, in STS's XML", async () => {
    const { emu: e, roleCredentials } = await start({ userName: 'jane.doe@example.com' });
    const credentials = await roleCredentials();
    const answer = await signedStsCall(e.stsEndpoint, credentials, callerIdentity);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/xml');
    const requestId = answer.headers.get('x-amzn-requestid');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const role = prod.roles[0]!;
    expect(reservedSsoRoleName(role)).toMatch(new RegExp(`^AWSReservedSSO_${role}_[0-9a-f]{16}$`));
    expect(answer.text).toMatch(
      /^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\n {2}<GetCallerIdentityResult>\n/,
    );
    expect(xmlValue(answer.text, 'Arn')).toBe(
      `arn:aws:sts::${prod.accountId}:assumed-role/${reservedSsoRoleName(role)}/jane.doe@example.com`,
    );
    expect(xmlValue(answer.text, 'UserId')).toMatch(/^AROA[A-Z2-7]{17}:jane\.doe@example\.com$/);
    expect(xmlValue(answer.text, 'Account')).toBe(prod.accountId);
    expect(xmlValue(answer.text, 'RequestId')).toBe(requestId);
    // Presigned GETs (what EKS and Vault use) verify too; the counters see both calls.
    const presigned = await signedStsCall(e.stsEndpoint, credentials, callerIdentity, { presign: true });
    expect(presigned.status).toBe(200);
    expect(xmlValue(presigned.text, 'Account')).toBe(prod.accountId);
    expect(e.counters().GetCallerIdentity?.requests).toBe(2);
    expect(e.stsEndpoint).toBe(e.url);
  });

  it("refuses a wrong secret, an altered body, an unknown key, a wrong or missing session token, and an unsigned request, with STS's codes", async () => {
    const { emu: e, roleCredentials } = await start();
    const credentials = await roleCredentials();
    const wrongSecret = await signedStsCall(
      e.stsEndpoint,
      { ...credentials, secretAccessKey: `${credentials.secretAccessKey.slice(0, -1)}x` },
      callerIdentity,
    );
    expect(wrongSecret.status).toBe(403);
    expect(errorOf(wrongSecret.text)).toEqual({
      type: 'Sender',
      code: 'SignatureDoesNotMatch',
      message: expect.stringMatching(/^The request signature we calculated does not match/),
    });
    expect(wrongSecret.text).toMatch(
      /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\n {2}<Error>\n {4}<Type>Sender<\/Type>/,
    );
    expect(xmlValue(wrongSecret.text, 'RequestId')).toBe(wrongSecret.headers.get('x-amzn-requestid'));

    const tampered = await signedStsCall(
      e.stsEndpoint,
      credentials,
      { ...callerIdentity },
      { tamperedBody: 'Action=AssumeRole&Version=2011-06-15&RoleArn=x' },
    );
    expect(errorOf(tampered.text).code).toBe('SignatureDoesNotMatch');
    const wrongService = await signedStsCall(e.stsEndpoint, credentials, callerIdentity, { service: 'iam' });
    expect(errorOf(wrongService.text)).toMatchObject({
      code: 'SignatureDoesNotMatch',
      message: expect.stringContaining("scoped to correct service: 'sts'"),
    });

    for (const wrong of [
      { ...credentials, accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' },
      { ...credentials, sessionToken: `${credentials.sessionToken!}x` },
      { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    ]) {
      const answer = await signedStsCall(e.stsEndpoint, wrong, callerIdentity);
      expect(answer.status).toBe(403);
      expect(errorOf(answer.text)).toEqual({
        type: 'Sender',
        code: 'InvalidClientTokenId',
        message: 'The security token included in the request is invalid.',
      });
    }
    const unsigned = await fetch(`${e.stsEndpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(unsigned.status).toBe(403);
    expect(errorOf(await unsigned.text()).code).toBe('MissingAuthenticationToken');
    const unknown = await signedStsCall(e.stsEndpoint, credentials, { Action: 'GetSessionToken', Version: '2011-06-15' });
    expect(unknown.status).toBe(400);
    expect(errorOf(unknown.text)).toMatchObject({
      code: 'InvalidAction',
      message: 'Could not find operation GetSessionToken for version 2011-06-15',
    });
  });

  it('answers ExpiredToken 400 once the credentials expired, and SignatureDoesNotMatch for a clock more than 5 minutes off', async () => {
    const clock = manualClock(Date.UTC(2030, 0, 1, 12));
    const { emu: e, roleCredentials } = await start({ now: clock.now, roleCredentialsTtlSeconds: 900 });
    const credentials = await roleCredentials();
    const at = (offsetMs: number) => ({ signingDate: new Date(clock.now() + offsetMs) });
    expect((await signedStsCall(e.stsEndpoint, credentials, callerIdentity, at(4 * 60_000))).status).toBe(200);
    expect((await signedStsCall(e.stsEndpoint, credentials, callerIdentity, at(-4 * 60_000))).status).toBe(200);
    const late = await signedStsCall(e.stsEndpoint, credentials, callerIdentity, at(-6 * 60_000));
    expect(late.status).toBe(403);
    expect(errorOf(late.text)).toMatchObject({
      code: 'SignatureDoesNotMatch',
      message: 'Signature expired: 20300101T115400Z is now earlier than 20300101T115500Z (20300101T120000Z - 5 min.)',
    });
    const early = await signedStsCall(e.stsEndpoint, credentials, callerIdentity, at(6 * 60_000));
    expect(errorOf(early.text)).toMatchObject({
      code: 'SignatureDoesNotMatch',
      message: expect.stringMatching(/^Signature not yet current: 20300101T120600Z is still later than/),
    });
    // The answer's Date is the emulator's clock, so SDKs can correct their skew from it.
    expect(Date.parse(late.headers.get('date') ?? '')).toBe(clock.now());

    clock.advance(900_000);
    const expired = await signedStsCall(e.stsEndpoint, credentials, callerIdentity, at(0));
    expect(expired.status).toBe(400);
    expect(errorOf(expired.text)).toEqual({
      type: 'Sender',
      code: 'ExpiredToken',
      message: 'The security token included in the request is expired',
    });
  });

  it('the admin endpoint expires credentials on demand', async () => {
    const { emu: e, roleCredentials } = await start();
    const credentials = await roleCredentials();
    expect((await adminCall(e, 'POST', '/_emulator/credentials/expire', { accessKeyId: credentials.accessKeyId })).status).toBe(200);
    expect(errorOf((await signedStsCall(e.stsEndpoint, credentials, callerIdentity)).text).code).toBe('ExpiredToken');
    expect((await adminCall(e, 'POST', '/_emulator/credentials/expire', { accessKeyId: 'ASIANOTISSUED' })).status).toBe(404);
  });

  it("throttles and fails with STS's XML shapes when faults are injected", async () => {
    const { emu: e, roleCredentials } = await start();
    const credentials = await roleCredentials();
    e.setFaults({ operations: { GetCallerIdentity: { throttle: { rps: 0, burst: 0 } }, AssumeRole: { errorRate: 1 } } });
    const throttled = await signedStsCall(e.stsEndpoint, credentials, callerIdentity);
    expect(throttled.status).toBe(400);
    expect(errorOf(throttled.text)).toEqual({ type: 'Sender', code: 'Throttling', message: 'Rate exceeded' });
    const failed = await signedStsCall(e.stsEndpoint, credentials, { Action: 'AssumeRole', Version: '2011-06-15' });
    expect(failed.status).toBe(500);
    expect(errorOf(failed.text)).toMatchObject({ type: 'Receiver', code: 'InternalFailure' });
    expect(e.counters().GetCallerIdentity).toEqual({ requests: 1, throttled: 1, errors: 0, dropped: 0 });
    expect(e.counters().AssumeRole).toEqual({ requests: 1, throttled: 0, errors: 1, dropped: 0 });
  });
});

describe('AssumeRole (the AWS SDK v3 STS client, unmodified)', () => {
  const stsWith = (e: RunningEmulator, credentials: SigningCredentials) =>
    new STSClient({ region: e.region, endpoint: e.stsEndpoint, credentials, maxAttempts: 1 });

  it('chains to a seeded role; GetCallerIdentity then answers assumed-role/<name>/<session>; the admin endpoint knows the new key', async () => {
    const { emu: e, roleCredentials } = await start();
    const source = await roleCredentials();
    const roleArn = `arn:aws:iam::${other.accountId}:role/ChainedReadOnly`;
    const before = Date.now();
    const out = await stsWith(e, source).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'rolecall-chain' }));
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${other.accountId}:assumed-role/ChainedReadOnly/rolecall-chain`);
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:rolecall-chain$/);
    const chained = out.Credentials!;
    expect(chained.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    // Default DurationSeconds: 1 hour, the role-chaining limit.
    expect(chained.Expiration!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3600_000);
    expect(chained.Expiration!.getTime()).toBeLessThanOrEqual(Date.now() + 3600_000);
    expect(e.credentialsOwner(chained.AccessKeyId!)).toEqual({
      accountId: other.accountId,
      roleName: 'ChainedReadOnly',
      expiration: chained.Expiration!.getTime(),
      roleArn,
      roleSessionName: 'rolecall-chain',
      sourceAccessKeyId: source.accessKeyId,
    });
    const who = await signedStsCall(
      e.stsEndpoint,
      { accessKeyId: chained.AccessKeyId!, secretAccessKey: chained.SecretAccessKey!, sessionToken: chained.SessionToken! },
      callerIdentity,
    );
    expect(xmlValue(who.text, 'Arn')).toBe(`arn:aws:sts::${other.accountId}:assumed-role/ChainedReadOnly/rolecall-chain`);
    expect(xmlValue(who.text, 'UserId')).toBe(out.AssumedRoleUser?.AssumedRoleId);
    expect(e.counters().AssumeRole?.requests).toBe(1);
  });

  it('wants the ExternalId a role demands, refuses roles outside the trust model with AccessDenied, and validates DurationSeconds and the session name', async () => {
    const { emu: e, roleCredentials } = await start();
    const source = await roleCredentials();
    const sts = stsWith(e, source);
    const callerArn = `arn:aws:sts::${prod.accountId}:assumed-role/${reservedSsoRoleName(prod.roles[0]!)}/rolecall-user`;
    const deployer = `arn:aws:iam::${prod.accountId}:role/ChainedDeployer`;
    const fail = (input: ConstructorParameters<typeof AssumeRoleCommand>[0]) =>
      sts.send(new AssumeRoleCommand(input)).catch((error: unknown) => error);
    for (const input of [
      { RoleArn: deployer, RoleSessionName: 's1' },
      { RoleArn: deployer, RoleSessionName: 's1', ExternalId: 'wrong-id' },
    ]) {
      expect(await fail(input)).toMatchObject({
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
        message: `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${deployer}`,
      });
    }
    const withId = await sts.send(
      new AssumeRoleCommand({ RoleArn: deployer, RoleSessionName: 's1', ExternalId: `rolecall-${prod.accountId}`, DurationSeconds: 900 }),
    );
    expect(withId.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${prod.accountId}:assumed-role/ChainedDeployer/s1`);
    for (const roleArn of [`arn:aws:iam::${prod.accountId}:role/NotAssumable`, 'arn:aws:iam::000000000000:role/ChainedReadOnly']) {
      expect(await fail({ RoleArn: roleArn, RoleSessionName: 's1' })).toMatchObject({ name: 'AccessDenied' });
    }
    const readOnly = `arn:aws:iam::${prod.accountId}:role/ChainedReadOnly`;
    expect(await fail({ RoleArn: readOnly, RoleSessionName: 's1', DurationSeconds: 7200 })).toMatchObject({
      name: 'ValidationError',
      $metadata: { httpStatusCode: 400 },
      message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    });
    expect(await fail({ RoleArn: readOnly, RoleSessionName: 's1', DurationSeconds: 600 })).toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('greater than or equal to 900'),
    });
    expect(await fail({ RoleArn: readOnly, RoleSessionName: 'bad name!' })).toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining("at 'roleSessionName'"),
    });
    // Chained credentials can chain again (still capped at an hour).
    const first = (await sts.send(new AssumeRoleCommand({ RoleArn: readOnly, RoleSessionName: 'hop1' }))).Credentials!;
    const second = await stsWith(e, {
      accessKeyId: first.AccessKeyId!,
      secretAccessKey: first.SecretAccessKey!,
      sessionToken: first.SessionToken!,
    }).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${other.accountId}:role/ChainedReadOnly`, RoleSessionName: 'hop2' }));
    expect(second.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${other.accountId}:assumed-role/ChainedReadOnly/hop2`);
  });

  it('follows the trust model a directory file declares', async () => {
    const file: DirectoryFile = {
      accounts: [
        {
          accountId: '111122223333',
          accountName: 'prod',
          emailAddress: 'prod@example.com',
          roles: ['AdministratorAccess', 'ReadOnlyAccess'],
          assumableRoles: [{ roleName: 'Deployer', trustedRoles: ['AdministratorAccess'], externalId: 'ext-123' }],
        },
      ],
    };
    const { emu: e, roleCredentials } = await start({ directory: file });
    const admin = await roleCredentials('111122223333', 'AdministratorAccess');
    const readOnly = await roleCredentials('111122223333', 'ReadOnlyAccess');
    const input = { RoleArn: 'arn:aws:iam::111122223333:role/deploy/Deployer', RoleSessionName: 'ci', ExternalId: 'ext-123' };
    expect((await stsWith(e, admin).send(new AssumeRoleCommand(input))).AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::111122223333:assumed-role/Deployer/ci',
    );
    await expect(stsWith(e, readOnly).send(new AssumeRoleCommand(input))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(
      stsWith(e, admin).send(new AssumeRoleCommand({ ...input, RoleArn: 'arn:aws:iam::111122223333:role/ChainedReadOnly' })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});
