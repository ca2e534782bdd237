import { SSOClient } from '@aws-sdk/client-sso';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/options';
import { startEmulator } from '../../emulator/server';
import { reservedSsoRoleName } from '../../emulator/sts/identity';
import {
  CHAIN_SOURCE_ACCOUNT as PROD,
  CHAIN_TARGET_ACCOUNT as SHARED,
  chainingDirectory,
  deployerArn as deployer,
} from '../../emulator/test-support/chaining-directory';
import { consolePageFields } from '../../emulator/test-support/console-page';
import { signIn } from '../../emulator/test-support/test-helpers';
import { createConsoleUrl, federationEndpointFor } from '../console/federation';
import { instanceEndpointsFromBase } from '../identity-center/endpoints';
import type { ChainedRole } from '../model/chained-roles';
import type { Instance } from '../model/instances';
import type { RoleRef } from '../model/roles';
import { copyFormats } from '../model/settings';
import { systemClock } from '../ports/clock';
import { formatCredentials } from './formats';
import { RoleChainer, callerIdentity, stsTargetFor } from './role-chaining';
import { RoleCredentialsCache } from './role-credentials';

/**
 * Role chaining end to end against the emulator's STS: Identity Center role credentials from
 * GetRoleCredentials, then a real SigV4-signed AssumeRole under the emulator's trust model.
 */

const admin: RoleRef = { instanceId: 'emu', accountId: PROD, roleName: 'AdministratorAccess' };
const readOnly: RoleRef = { ...admin, roleName: 'ReadOnly' };
// Partner under a path: STS names a role by the last part of its ARN.
const partner = `arn:aws:iam::${SHARED}:role/team/Partner`;

let emu: RunningEmulator;
let instance: Instance;
let chainer: RoleChainer;
let portal: SSOClient;

beforeAll(async () => {
  emu = await startEmulator({
    region: 'eu-west-1',
    deviceCodeIntervalSeconds: 0,
    userName: 'jane.doe',
    log: () => undefined,
    directory: chainingDirectory,
  });
  const { accessToken } = await signIn(emu);
  portal = new SSOClient({ region: emu.region, endpoint: emu.portalEndpoint, maxAttempts: 1 });
  instance = {
    id: 'emu',
    label: 'emu',
    startUrl: emu.startUrl,
    region: emu.region,
    ssoSessionName: 'emu',
    endpoints: instanceEndpointsFromBase(emu.url),
  };
  const roleCredentials = new RoleCredentialsCache({ clock: systemClock });
  chainer = new RoleChainer({
    clock: systemClock,
    sourceCredentials: (ref) => roleCredentials.get(ref, { portal, accessToken }),
    instanceOf: () => instance,
  });
});

afterAll(async () => {
  portal?.destroy();
  await emu?.close();
});

const chain = (overrides: Partial<ChainedRole> = {}): ChainedRole => ({ source: admin, roleArn: deployer, ...overrides });

describe('role chaining against the emulator', () => {
  it('assumes a role the source role is trusted by: one hour, the chained session name, and STS says who it is', async () => {
    const before = Date.now();
    const credentials = await chainer.credentials(chain({ sessionName: 'jane-deploys' }));
    // An hour from when STS issued them (whole seconds), which is after `before`: a bracket, no time budget.
    expect(credentials.expiration).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 60 * 60_000);
    expect(credentials.expiration).toBeLessThanOrEqual(Date.now() + 60 * 60_000);
    expect(emu.credentialsOwner(credentials.accessKeyId)).toMatchObject({
      accountId: SHARED,
      roleName: 'Deployer',
      roleArn: deployer,
      roleSessionName: 'jane-deploys',
    });
    const identity = await callerIdentity(credentials, stsTargetFor(instance));
    expect(identity).toEqual({
      arn: `arn:aws:sts::${SHARED}:assumed-role/Deployer/jane-deploys`,
      account: SHARED,
      userId: expect.stringMatching(/^AROA[A-Z2-7]{17}:jane-deploys$/),
    });
  });

  it('renders chained credentials in every copy format with their own keys and expiry', async () => {
    const credentials = await chainer.credentials(chain());
    const expiry = new Date(Math.floor(credentials.expiration / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    for (const format of copyFormats) {
      const text = formatCredentials(credentials, format, { profileName: 'shared-Deployer' });
      expect(text, format).toContain(credentials.accessKeyId);
      expect(text, format).toContain(credentials.secretAccessKey);
      expect(text, format).toContain(credentials.sessionToken);
      expect(text, format).toContain(expiry);
    }
    expect(JSON.parse(formatCredentials(credentials, 'json'))).toEqual({
      Version: 1,
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: expiry,
    });
    expect(formatCredentials(credentials, 'ini', { profileName: 'shared-Deployer' })).toMatch(/^\[shared-Deployer\]\n/);
  });

  it('holds chained credentials like role credentials: concurrent and later requests share one AssumeRole', async () => {
    const wanted = chain({ sessionName: 'cached' });
    emu.resetCounters();
    const [a, b] = await Promise.all([chainer.credentials(wanted), chainer.credentials(wanted)]);
    const c = await chainer.credentials(wanted);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(emu.counters().AssumeRole?.requests).toBe(1);
    // Another session name is another chain.
    const other = await chainer.credentials(chain({ sessionName: 'other' }));
    expect(other.accessKeyId).not.toBe(a.accessKeyId);
    chainer.forgetInstance('emu');
    const fresh = await chainer.credentials(wanted);
    expect(fresh.accessKeyId).not.toBe(a.accessKeyId);
  });

  it('says in one sentence which role does not trust which, and what to do', async () => {
    await expect(chainer.credentials(chain({ source: readOnly }))).rejects.toMatchObject({
      code: 'access-denied',
      userMessage:
        `The role ${deployer} does not trust ReadOnly in account ${PROD} ` +
        `(arn:aws:sts::${PROD}:assumed-role/${reservedSsoRoleName('ReadOnly')}/jane.doe); ` +
        'ask its owner to add that role to its trust policy, and pass --external-id if the policy requires one.',
    });
  });

  it('needs the external id a role asks for, and names the fix when it is missing or wrong', async () => {
    const missing = chainer.credentials(chain({ roleArn: partner }));
    await expect(missing).rejects.toMatchObject({ code: 'access-denied' });
    await expect(missing).rejects.toThrow(/pass --external-id if the policy requires one\.$/);
    await expect(chainer.credentials(chain({ roleArn: partner, externalId: 'wrong-1' }))).rejects.toThrow(/or check the external id\.$/);
    const credentials = await chainer.credentials(chain({ roleArn: partner, externalId: 'partner-7' }));
    expect(emu.credentialsOwner(credentials.accessKeyId)).toMatchObject({ accountId: SHARED, roleName: 'Partner' });
  });

  it('refuses a duration past the one-hour role-chaining limit with STS own reason', async () => {
    await expect(chainer.credentials({ ...chain(), durationSeconds: 7200 } as ChainedRole)).rejects.toMatchObject({
      code: 'invalid-input',
      userMessage: expect.stringContaining('exceeds the 1 hour session limit for roles assumed by role chaining'),
    });
  });

  it('opens the console as the chained role (getSigninToken without SessionDuration, which AWS refuses for chains)', async () => {
    const credentials = await chainer.credentials(chain());
    const url = await createConsoleUrl({
      credentials,
      region: 'eu-central-1',
      federationEndpoint: emu.federationEndpoint,
      issuer: 'Rolecall',
    });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(consolePageFields(html)).toMatchObject({
      account: SHARED,
      role: 'Deployer',
      region: 'eu-central-1',
    });
    // The emulator refuses SessionDuration for chained credentials, as AWS does.
    const endpoint = federationEndpointFor({ region: 'eu-central-1', override: emu.federationEndpoint });
    const session = JSON.stringify({
      sessionId: credentials.accessKeyId,
      sessionKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    });
    const refused = await fetch(`${endpoint}?Action=getSigninToken&SessionDuration=3600&Session=${encodeURIComponent(session)}`);
    expect(refused.status).toBe(400);
  });
});
