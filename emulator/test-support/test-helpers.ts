import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { SSOClient } from '@aws-sdk/client-sso';
import type { EmulatorOptions, RunningEmulator } from '../options';
import { startEmulator } from '../server';
import { afterAll } from 'vitest';

/** Shared set-up for the emulator's own tests: a quiet emulator, real SDK clients, a fake clock. */

// The temp homes of this test file, removed after its last test so runs leave none behind.
// (Benchmarks import these helpers too, outside vitest: there is no test file to end then.)
const homes: string[] = [];
if (process.env.VITEST) {
  afterAll(() => {
    for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
  });
}

/** Points HOME at an empty temp dir and drops AWS variables, so no test reads or writes the real ~/.aws. */
export const isolateHome = (): string => {
  const home = mkdtempSync(join(tmpdir(), 'rolecall-emu-home-'));
  process.env.HOME = home;
  process.env.USERPROFILE = home;
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  homes.push(home);
  return home;
};

/** A clock the test moves by hand. */
export const manualClock = (start = Date.UTC(2030, 0, 1)): { now: () => number; advance: (ms: number) => void } => {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
};

export const quietEmulator = (options: EmulatorOptions = {}): Promise<RunningEmulator> =>
  startEmulator({
    directory: { accounts: 5, rolesPerAccount: 3, seed: 7 },
    deviceCodeIntervalSeconds: 0,
    log: () => undefined,
    ...options,
  });

export const oidcClient = (emu: RunningEmulator): SSOOIDCClient =>
  new SSOOIDCClient({ region: emu.region, endpoint: emu.oidcEndpoint, maxAttempts: 1 });

export const portalClient = (emu: RunningEmulator): SSOClient =>
  new SSOClient({ region: emu.region, endpoint: emu.portalEndpoint, maxAttempts: 1 });

export const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';

/** Registers a device-flow client that may receive refresh tokens. */
export const registerDeviceClient = async (oidc: SSOOIDCClient) =>
  oidc.send(
    new RegisterClientCommand({
      clientName: 'rolecall-test',
      clientType: 'public',
      scopes: ['sso:account:access'],
      grantTypes: [deviceGrant, 'refresh_token'],
    }),
  );

/** The device-code grant: CreateToken for a device authorization `client` started. */
export const createDeviceToken = (
  oidc: SSOOIDCClient,
  client: { readonly clientId?: string | undefined; readonly clientSecret?: string | undefined },
  device: { readonly deviceCode?: string | undefined },
) =>
  oidc.send(
    new CreateTokenCommand({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      grantType: deviceGrant,
      deviceCode: device.deviceCode,
    }),
  );

/** Runs a whole device sign-in (approving through the in-process API) and returns the token response. */
export const signIn = async (emu: RunningEmulator, oidc = oidcClient(emu)) => {
  const client = await registerDeviceClient(oidc);
  const device = await oidc.send(
    new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: emu.startUrl }),
  );
  if (emu.pendingUserCodes().includes(device.userCode ?? '')) emu.approveDevice(device.userCode ?? '');
  const token = await createDeviceToken(oidc, client, device);
  return { client, token, accessToken: token.accessToken ?? '' };
};

/** JSON over fetch for the admin endpoints. */
export const adminCall = async (
  emu: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> => {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
};
