import { ListAccountsCommand } from '@aws-sdk/client-sso';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/server';
import type { EmulatorOptions, RunningEmulator } from '../../emulator/options';
import type { Instance } from '../model/instances';
import type { SsoToken } from '../model/tokens';
import { systemClock } from '../ports/clock';
import { MemorySecretStore, type SecretStore } from '../ports/secret-store';
import { createOidcClient, createPortalClient } from './clients';
import { runDeviceFlow, type DeviceFlowState } from './device-flow';
import { instanceEndpointsFromBase } from './endpoints';
import { logoutPortal } from './logout';
import { runPkceFlow } from './pkce-flow';
import { registrationKey } from './registration';
import { refreshSsoToken } from './token-refresh';
import { rejection } from './test-support/rejection';

const running: RunningEmulator[] = [];
const destroyers: (() => void)[] = [];

afterEach(async () => {
  for (const destroy of destroyers.splice(0)) destroy();
  await Promise.all(running.splice(0).map((emu) => emu.close()));
});

const emulator = async (options: EmulatorOptions = {}): Promise<RunningEmulator> => {
  const emu = await startEmulator({
    deviceCodeIntervalSeconds: 1,
    directory: { accounts: 3, rolesPerAccount: 2, seed: 7 },
    log: () => undefined,
    ...options,
  });
  running.push(emu);
  return emu;
};

const instanceOf = (emu: RunningEmulator, id = 'emu'): Instance => ({
  id,
  label: id,
  startUrl: emu.startUrl,
  region: emu.region,
  ssoSessionName: id,
  endpoints: instanceEndpointsFromBase(emu.url),
});

const clientsOf = (instance: Instance) => {
  const oidc = createOidcClient(instance);
  const portal = createPortalClient(instance);
  destroyers.push(
    () => oidc.destroy(),
    () => portal.destroy(),
  );
  return { oidc, portal };
};

/** Signs in with the device flow, approving (or denying) the code shown, as a user would in the browser. */
const deviceSignIn = (
  emu: RunningEmulator,
  instance: Instance,
  secrets: SecretStore,
  decide: 'approve' | 'deny' | 'ignore' = 'approve',
) => {
  const states: DeviceFlowState[] = [];
  const { oidc } = clientsOf(instance);
  let decided = false;
  const token = runDeviceFlow({
    oidc,
    instance,
    secrets,
    clock: systemClock,
    onState: (state) => {
      states.push(state);
      // Decide after the first poll has seen "pending", as a person would.
      if (state.kind === 'polling' && !decided && decide !== 'ignore') {
        decided = true;
        setTimeout(() => (decide === 'approve' ? emu.approveDevice(state.userCode) : emu.denyDevice(state.userCode)), 100);
      }
    },
  });
  return { token, states };
};

const accountCount = async (instance: Instance, token: SsoToken): Promise<number> => {
  const { portal } = clientsOf(instance);
  const page = await portal.send(new ListAccountsCommand({ accessToken: token.accessToken }));
  return page.accountList?.length ?? 0;
};

describe('sign-in against the emulator', () => {
  it('device flow: shows the code, keeps polling while pending, and returns a working token once approved', async () => {
    const emu = await emulator({ accessTokenTtlSeconds: 3600 });
    const instance = instanceOf(emu);
    const began = Date.now();
    const { token, states } = deviceSignIn(emu, instance, new MemorySecretStore());
    const signedIn = await token;

    const awaiting = states.find((state) => state.kind === 'awaiting-user');
    expect(awaiting).toMatchObject({ userCode: expect.any(String), verificationUri: expect.stringContaining(emu.url), intervalMs: 1000 });
    expect(states.filter((state) => state.kind === 'polling').length).toBeGreaterThanOrEqual(2);
    expect(states.at(-1)).toMatchObject({ kind: 'signed-in' });
    // An hour from when the token was asked for, which is after `began`: a bracket, no time budget.
    expect(signedIn.expiresAt).toBeGreaterThanOrEqual(began + 3_600_000);
    expect(signedIn.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect(signedIn.refreshToken).toBeTruthy();
    expect(await accountCount(instance, signedIn)).toBe(3);
  });

  it('refresh grant: extends the session with the refresh token and the new access token works', async () => {
    const emu = await emulator();
    const instance = instanceOf(emu);
    const signedIn = await deviceSignIn(emu, instance, new MemorySecretStore()).token;
    const { oidc } = clientsOf(instance);
    const refreshed = await refreshSsoToken({ oidc, token: signedIn, clock: systemClock });
    expect(refreshed.accessToken).not.toBe(signedIn.accessToken);
    expect(refreshed.refreshToken).toBeTruthy();
    expect(refreshed.clientId).toBe(signedIn.clientId);
    expect(await accountCount(instance, refreshed)).toBe(3);
  });

  it('refresh after revocation says sign in again', async () => {
    const emu = await emulator();
    const instance = instanceOf(emu);
    const signedIn = await deviceSignIn(emu, instance, new MemorySecretStore()).token;
    emu.revokeAll();
    const { oidc } = clientsOf(instance);
    const error = await rejection(refreshSsoToken({ oidc, token: signedIn, clock: systemClock }));
    expect(['invalid-grant', 'signed-out']).toContain(error.code);
  });

  it('device flow: a denial in the browser ends with sign-in-denied', async () => {
    const emu = await emulator();
    const { token, states } = deviceSignIn(emu, instanceOf(emu), new MemorySecretStore(), 'deny');
    expect((await rejection(token)).code).toBe('sign-in-denied');
    expect(states.at(-1)).toEqual({ kind: 'denied' });
  });

  it('device flow: a code nobody approves expires', async () => {
    const emu = await emulator({ deviceCodeTtlSeconds: 2 });
    const { token, states } = deviceSignIn(emu, instanceOf(emu), new MemorySecretStore(), 'ignore');
    expect((await rejection(token)).code).toBe('device-code-expired');
    expect(states.at(-1)).toEqual({ kind: 'expired' });
  });

  it('device flow: reuses the cached registration, and registers afresh when a restarted service no longer knows it', async () => {
    const first = await emulator();
    const port = Number(new URL(first.url).port);
    const secrets = new MemorySecretStore();
    const instance = instanceOf(first);
    const one = await deviceSignIn(first, instance, secrets).token;
    const two = await deviceSignIn(first, instance, secrets).token;
    expect(two.clientId).toBe(one.clientId);
    expect(first.counters().RegisterClient?.requests).toBe(1);

    await first.close();
    running.splice(running.indexOf(first), 1);
    const restarted = await emulator({ port });
    const three = await deviceSignIn(restarted, instanceOf(restarted), secrets).token;
    expect(three.clientId).not.toBe(one.clientId);
    expect(JSON.parse((await secrets.get(registrationKey('emu', 'device')))!).clientId).toBe(three.clientId);
  });

  it('PKCE: the user allows access on the consent page and the code is exchanged', async () => {
    const emu = await emulator();
    const instance = instanceOf(emu);
    const { oidc } = clientsOf(instance);
    const token = await runPkceFlow({
      oidc,
      instance,
      secrets: new MemorySecretStore(),
      clock: systemClock,
      open: async (url) => {
        // Play the browser: load the consent page, press Allow, follow the redirect home.
        const consent = await fetch(url, { redirect: 'manual' });
        expect(consent.status).toBe(200);
        const requestId = /name="request" value="([^"]+)"/.exec(await consent.text())?.[1];
        expect(requestId).toBeDefined();
        const decision = await fetch(`${emu.url}/authorize/decision`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ request: requestId!, decision: 'allow' }),
          redirect: 'manual',
        });
        expect(decision.status).toBeGreaterThanOrEqual(300);
        const landing = await fetch(decision.headers.get('location')!);
        expect(await landing.text()).toContain('You can close this tab');
      },
    });
    expect(token.refreshToken).toBeTruthy();
    expect(await accountCount(instance, token)).toBe(3);
    const { oidc: again } = clientsOf(instance);
    expect(await accountCount(instance, await refreshSsoToken({ oidc: again, token, clock: systemClock }))).toBe(3);
  });

  it('PKCE: with auto-approve the authorize URL redirects straight back', async () => {
    const emu = await emulator({ autoApprove: true });
    const instance = instanceOf(emu);
    const { oidc } = clientsOf(instance);
    const token = await runPkceFlow({
      oidc,
      instance,
      secrets: new MemorySecretStore(),
      clock: systemClock,
      open: async (url) => {
        await fetch(url);
      },
    });
    expect(await accountCount(instance, token)).toBe(3);
  });

  it('PKCE: Deny on the consent page ends with sign-in-denied', async () => {
    const emu = await emulator();
    const instance = instanceOf(emu);
    const { oidc } = clientsOf(instance);
    const error = await rejection(
      runPkceFlow({
        oidc,
        instance,
        secrets: new MemorySecretStore(),
        clock: systemClock,
        open: async (url) => {
          const requestId = /name="request" value="([^"]+)"/.exec(await (await fetch(url)).text())?.[1];
          await fetch(`${emu.url}/authorize/decision`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ request: requestId!, decision: 'deny' }),
          });
        },
      }),
    );
    expect(error.code).toBe('sign-in-denied');
  });

  it('two instances in different regions sign in at the same time without touching each other', async () => {
    const [east, sydney] = await Promise.all([
      emulator({ region: 'us-east-1' }),
      emulator({ region: 'ap-southeast-2', directory: { accounts: 5, rolesPerAccount: 1 } }),
    ]);
    const secrets = new MemorySecretStore();
    const a = instanceOf(east, 'east');
    const b = instanceOf(sydney, 'sydney');
    const [tokenA, tokenB] = await Promise.all([deviceSignIn(east, a, secrets).token, deviceSignIn(sydney, b, secrets).token]);

    expect(tokenA.region).toBe('us-east-1');
    expect(tokenB.region).toBe('ap-southeast-2');
    expect(tokenA.startUrl).toBe(east.startUrl);
    expect(tokenB.startUrl).toBe(sydney.startUrl);
    expect(await accountCount(a, tokenA)).toBe(3);
    expect(await accountCount(b, tokenB)).toBe(5);
    // Each token is only good where it was issued.
    await expect(accountCount(b, tokenA)).rejects.toMatchObject({ name: 'UnauthorizedException' });
    const regA = JSON.parse((await secrets.get(registrationKey('east', 'device')))!);
    const regB = JSON.parse((await secrets.get(registrationKey('sydney', 'device')))!);
    expect(regA.clientId).toBe(tokenA.clientId);
    expect(regB.clientId).toBe(tokenB.clientId);
    expect(regA.endpoint).not.toBe(regB.endpoint);
    expect(east.counters().RegisterClient?.requests).toBe(1);
    expect(sydney.counters().RegisterClient?.requests).toBe(1);
  });

  it('logout ends the session on the service, and a second logout is harmless', async () => {
    const emu = await emulator();
    const instance = instanceOf(emu);
    const token = await deviceSignIn(emu, instance, new MemorySecretStore()).token;
    const { portal } = clientsOf(instance);
    await logoutPortal({ portal, accessToken: token.accessToken });
    await expect(accountCount(instance, token)).rejects.toMatchObject({ name: 'UnauthorizedException' });
    await expect(logoutPortal({ portal, accessToken: token.accessToken })).resolves.toBeUndefined();
  });
});
