import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmulator } from '../emulator/server';
import type { RunningEmulator } from '../emulator/options';
import { ssoCacheFile, writeSsoCache } from '../app/aws-cli-cache/sso-cache';
import { parseCacheTime } from '../app/aws-cli-cache/cache-time';
import { isolatedCliEnv, runRolecall } from '../cli/test-support/run-cli';
import { AdjustableClock } from '../app/ports/test-support/adjustable-clock';
import { createRolecallCore } from '../app/session/controller';
import type { RolecallController } from '../app/session/controller';
import { createFakeElectron } from './testing/fake-electron';

// electron-store imports the `electron` package, which on this machine (no binary) only
// resolves with an explicit dist path; it then runs as plain `conf` in the given directory.
vi.hoisted(() => {
  process.env.ELECTRON_OVERRIDE_DIST_PATH ??= '/nonexistent-electron-dist';
});
const { electronStorePath, openElectronStore } = await import('./adapters/electron-stores');
const { ElectronSettingsStore } = await import('./adapters/settings-store');
const { SafeStorageSecretStore } = await import('./adapters/safe-storage-secret-store');

/**
 * The desktop app's core, built from its own adapters (electron-store settings, safeStorage
 * secrets through the Electron fake), and CLI processes on the same config dir and HOME. They
 * share the sign-in through ~/.aws/sso/cache; a refresh token works once, so only one of them
 * may refresh it and the other must adopt the result.
 */
let emulator: RunningEmulator;
let home: string;
let core: RolecallController;
let signedInAt = 0;
const clock = new AdjustableClock();

const env = (): NodeJS.ProcessEnv => isolatedCliEnv(home, { ROLECALL_NO_AGENT: '1' });
const configDir = () => join(home, 'rolecall');
const requests = (operation: string): number => emulator.counters()[operation]?.requests ?? 0;

beforeAll(async () => {
  emulator = await startEmulator({
    directory: { accounts: 3, rolesPerAccount: 2, seed: 21 },
    deviceCodeIntervalSeconds: 0,
    log: () => undefined,
  });
  home = await mkdtemp(join(tmpdir(), 'rolecall-desktop-cli-'));
  const fake = createFakeElectron();
  const secrets = new SafeStorageSecretStore({
    safeStorage: fake.safeStorage,
    store: openElectronStore(configDir(), 'secrets-safe-storage'),
    platform: 'linux',
    mode: 'auto',
    log: { warn: () => undefined },
  });
  core = createRolecallCore(
    {
      settings: new ElectronSettingsStore({
        path: electronStorePath(configDir(), 'settings'),
        open: () => openElectronStore(configDir(), 'settings'),
        onCorrupt: () => undefined,
      }),
      secrets,
      secretStorage: secrets.status,
      clipboard: { writeText: () => undefined, readText: () => '' },
      notifier: { notify: () => undefined },
      opener: { openExternal: async () => undefined },
      clock,
      cacheDir: join(configDir(), 'cache'),
      env: env(),
      shell: 'desktop',
    },
    { autoSync: false, watchExpiry: false, openVerification: false },
  );
  await core.start();
  const { instanceId } = await core.api['instance:add']({ startUrl: emulator.startUrl, region: emulator.region, endpoint: emulator.url });
  const signingIn = core.signIn(instanceId, 'device');
  // Bounded: the device code appears within a few polls.
  for (let i = 0; i < 200 && emulator.pendingUserCodes().length === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
  emulator.approveDevice(emulator.pendingUserCodes()[0]!);
  await signingIn;
  signedInAt = Date.now();
}, 60_000);

afterAll(async () => {
  await core.stop();
  await emulator.close();
  await rm(home, { recursive: true, force: true });
});

describe('the desktop app and CLI processes on one config dir', () => {
  it('share one refresh of an expired token: the CLI refreshes, the desktop adopts it; neither is signed out', async () => {
    const [instance] = core.instances();
    const directory = await core.directory(instance!.id);
    const [account] = directory.accounts;
    const cacheFile = ssoCacheFile({ HOME: home }, instance!.ssoSessionName);
    const token = JSON.parse(await readFile(cacheFile, 'utf8')) as Record<string, string>;

    // The AWS CLI cache keeps whole seconds: refresh at least two seconds after the sign-in, so
    // the token the CLI stores outlives the desktop's own even as that file rounds it.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, signedInAt + 2_000 - Date.now())));
    // The CLI finds the token expired first (as if its clock were ahead) and refreshes it.
    await writeSsoCache({
      env: { HOME: home },
      sessionName: instance!.ssoSessionName,
      token: {
        startUrl: token.startUrl!,
        region: token.region!,
        accessToken: token.accessToken!,
        expiresAt: Date.now() - 60_000,
        refreshToken: token.refreshToken!,
        clientId: token.clientId!,
        clientSecret: token.clientSecret!,
        registrationExpiresAt: parseCacheTime(token.registrationExpiresAt!)!,
      },
    });
    emulator.resetCounters();
    const runs = await Promise.all(
      Array.from({ length: 8 }, () =>
        runRolecall(['credential-process', '--account', account!.accountId, '--role', account!.roles[0]!], env()),
      ),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(requests('CreateToken')).toBe(1);

    // Now the desktop's own token expires: refreshing with its retired refresh token would be InvalidGrant.
    // Just past the expiry of the token the desktop holds (its own, to the millisecond).
    clock.advance(core.snapshot().instances[0]!.session.expiresAt! + 1 - Date.now());
    const ref = { instanceId: instance!.id, accountId: account!.accountId, roleName: account!.roles[1] ?? account!.roles[0]! };
    await expect(core.credentials(ref)).resolves.toMatchObject({ accessKeyId: expect.any(String) });
    expect(core.snapshot().instances[0]?.session.status).toBe('signed-in');
    expect(requests('CreateToken')).toBe(1);
  }, 120_000);
});
