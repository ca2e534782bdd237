import { GetRoleCredentialsCommand, SSOClient } from '@aws-sdk/client-sso';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/options';
import { startEmulator } from '../../emulator/server';
import { consolePageFields } from '../../emulator/test-support/console-page';
import { signIn } from '../../emulator/test-support/test-helpers';
import { RoleCredentialsCache } from '../credentials/role-credentials';
import type { RoleRef } from '../model/roles';
import { systemClock } from '../ports/clock';
import { createConsoleUrl, getSigninToken } from './federation';

/**
 * End to end against the local emulator: a real device-flow sign-in with the SDK, real
 * GetRoleCredentials through the cache, the federation exchange, and the fake console page.
 */

const prod: RoleRef = { instanceId: 'emu', accountId: '123456789012', roleName: 'AdministratorAccess' };

let emu: RunningEmulator;
let portal: SSOClient;
let accessToken: string;

beforeAll(async () => {
  emu = await startEmulator({
    region: 'eu-west-1',
    deviceCodeIntervalSeconds: 0,
    log: () => undefined,
    directory: {
      accounts: [
        { accountId: '123456789012', accountName: 'prod', emailAddress: 'prod@example.com', roles: ['AdministratorAccess', 'ReadOnly'] },
        { accountId: '210987654321', accountName: 'dev', emailAddress: 'dev@example.com', roles: ['Developer'] },
      ],
    },
  });
  ({ accessToken } = await signIn(emu));
  expect(accessToken).not.toBe('');
  portal = new SSOClient({ region: emu.region, endpoint: emu.portalEndpoint, maxAttempts: 1 });
});

afterAll(async () => {
  portal?.destroy();
  await emu?.close();
});

/** Follows the login URL like a browser and reads the fake console's fields. */
const openConsole = async (url: string): Promise<Record<string, string>> => {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(new URL(response.url).pathname).toBe('/console');
  const html = await response.text();
  return consolePageFields(html);
};

describe('console federation against the emulator', () => {
  it('opens the console as the right account, role and region', async () => {
    const cache = new RoleCredentialsCache({ clock: systemClock });
    const credentials = await cache.get(prod, { portal, accessToken });
    expect(emu.credentialsOwner(credentials.accessKeyId)).toMatchObject({ accountId: '123456789012', roleName: 'AdministratorAccess' });

    const url = await createConsoleUrl({
      credentials,
      region: 'eu-central-1',
      federationEndpoint: emu.federationEndpoint,
      issuer: 'Rolecall',
    });
    expect(url.startsWith(`${emu.federationEndpoint}?Action=login&`)).toBe(true);
    expect(await openConsole(url)).toEqual({
      account: '123456789012',
      role: 'AdministratorAccess',
      region: 'eu-central-1',
      destination: 'https://eu-central-1.console.aws.amazon.com/console/home?region=eu-central-1',
      issuer: 'Rolecall',
    });
  });

  it('lands on a chosen console page, in its region', async () => {
    const cache = new RoleCredentialsCache({ clock: systemClock });
    const credentials = await cache.get({ ...prod, accountId: '210987654321', roleName: 'Developer' }, { portal, accessToken });
    const url = await createConsoleUrl({
      credentials,
      region: 'eu-west-1',
      destination: 'https://s3.console.aws.amazon.com/s3/buckets?region=ap-south-1',
      federationEndpoint: emu.federationEndpoint,
    });
    expect(await openConsole(url)).toMatchObject({ account: '210987654321', role: 'Developer', region: 'ap-south-1' });
  });

  it('reports credentials the endpoint does not accept as one sentence', async () => {
    const real = await portal.send(new GetRoleCredentialsCommand({ accessToken, accountId: prod.accountId, roleName: 'ReadOnly' }));
    const forged = {
      accessKeyId: real.roleCredentials?.accessKeyId ?? '',
      secretAccessKey: 'not-the-secret',
      sessionToken: real.roleCredentials?.sessionToken ?? '',
    };
    await expect(getSigninToken({ credentials: forged, endpoint: emu.federationEndpoint })).rejects.toMatchObject({
      code: 'invalid-request',
      userMessage: expect.stringContaining('refused these credentials'),
    });
  });

  it('maps portal errors: unassigned role → not-assigned, revoked token → unauthorized', async () => {
    const cache = new RoleCredentialsCache({ clock: systemClock });
    await expect(cache.get({ ...prod, roleName: 'Developer' }, { portal, accessToken })).rejects.toMatchObject({ code: 'not-assigned' });
    emu.revokeAll();
    await expect(cache.get({ ...prod, roleName: 'ReadOnly' }, { portal, accessToken })).rejects.toMatchObject({ code: 'unauthorized' });
    expect(cache.list()).toEqual([]);
  });
});
