import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../emulator/server';
import type { RunningEmulator } from '../emulator/options';
import { writeSsoCache } from '../app/aws-cli-cache/sso-cache';
import { CREDENTIAL_PROCESS_CACHE_FILE } from '../app/credentials/credential-process-cache';
import { settingsSchema } from '../app/model/settings';
import type { SsoToken } from '../app/model/tokens';
import { AdjustableClock } from '../app/ports/test-support/adjustable-clock';
import { createRolecallCore } from '../app/session/controller';
import { FileSecretStore } from '../app/storage/file-secret-store';
import { FileSettingsStore } from '../app/storage/file-settings-store';
import { openCliCore } from '../app/node/open-core';
import { isolatedCliEnv, loginThroughCli, runRolecall } from './test-support/run-cli';
import type { CliRun } from './test-support/run-cli';

/**
 * Several Rolecall processes on one config dir, as a user's machine has them: parallel
 * credential_process runs (terraform), a long-running core (the desktop app or `rolecall web`)
 * and CLI commands. Every process here works alone (ROLECALL_NO_AGENT=1): the cross-process
 * locks alone must make races impossible.
 */
let emulator: RunningEmulator;
let home: string;
let instanceId: string;

const cliEnv = (): NodeJS.ProcessEnv => isolatedCliEnv(home, { ROLECALL_NO_AGENT: '1' });
const rolecall = (args: readonly string[]): Promise<CliRun> => runRolecall(args, cliEnv());
const login = (startUrl: string, endpoint: RunningEmulator): Promise<CliRun> => loginThroughCli(endpoint, cliEnv(), startUrl);

const requests = (operation: string): number => emulator.counters()[operation]?.requests ?? 0;

const secrets = () => new FileSecretStore(join(home, 'rolecall'));
const storedToken = async (): Promise<SsoToken> => JSON.parse((await secrets().get(`token/${instanceId}`))!) as SsoToken;

/** Makes Rolecall's copy and the AWS CLI's copy of the token look expired (AWS still accepts it). */
const expireStoredToken = async (): Promise<SsoToken> => {
  const token = { ...(await storedToken()), expiresAt: Date.now() - 60_000 };
  await secrets().set(`token/${instanceId}`, JSON.stringify(token));
  const settings = settingsSchema.parse(JSON.parse(await readFile(join(home, 'rolecall', 'settings.json'), 'utf8')));
  const instance = settings.instances.find((candidate) => candidate.id === instanceId)!;
  await writeSsoCache({ env: { HOME: home }, sessionName: instance.ssoSessionName, token });
  return token;
};

const dropCredentialCache = () => rm(join(home, 'rolecall', 'cache', CREDENTIAL_PROCESS_CACHE_FILE), { force: true });

const burst = (n: number, accountId: string, roleName: string): Promise<CliRun[]> =>
  Promise.all(Array.from({ length: n }, () => rolecall(['credential-process', '--account', accountId, '--role', roleName])));

let roles: { accountId: string; roleName: string }[];

/** A long-running core (what `rolecall web` builds) on the shared config dir, on its own clock. */
const startCoreOnConfigDir = async (clock: AdjustableClock) => {
  const configDir = join(home, 'rolecall');
  const core = createRolecallCore(
    {
      settings: new FileSettingsStore(configDir),
      secrets: new FileSecretStore(configDir),
      secretStorage: { mode: 'private-file' },
      clipboard: { writeText: () => undefined, readText: () => '' },
      notifier: { notify: () => undefined },
      opener: { openExternal: async () => undefined },
      clock,
      cacheDir: join(configDir, 'cache'),
      env: cliEnv(),
      shell: 'web',
    },
    { autoSync: false, watchExpiry: false, openVerification: false },
  );
  await core.start();
  return core;
};

beforeAll(async () => {
  emulator = await startEmulator({
    directory: { accounts: 4, rolesPerAccount: 2, seed: 5 },
    deviceCodeIntervalSeconds: 0,
    log: () => undefined,
  });
  home = await mkdtemp(join(tmpdir(), 'rolecall-concurrency-'));
  const signedIn = await login(emulator.startUrl, emulator);
  expect(signedIn.code, signedIn.stderr).toBe(0);
  const ls = await rolecall(['ls', '--json']);
  roles = (JSON.parse(ls.stdout) as { accountId: string; roleName: string }[]).map(({ accountId, roleName }) => ({ accountId, roleName }));
  const settings = settingsSchema.parse(JSON.parse(await readFile(join(home, 'rolecall', 'settings.json'), 'utf8')));
  instanceId = settings.instances[0]!.id;
}, 120_000);

afterAll(async () => {
  await emulator.close();
  await rm(home, { recursive: true, force: true });
});

describe('many Rolecall processes on one config dir, with no owner running', () => {
  it('30 parallel credential-process runs for one role, cold cache: all succeed with one GetRoleCredentials call', async () => {
    await dropCredentialCache();
    emulator.resetCounters();
    const { accountId, roleName } = roles[0]!;
    const runs = await burst(30, accountId, roleName);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const keys = new Set(runs.map((run) => (JSON.parse(run.stdout) as { AccessKeyId: string }).AccessKeyId));
    expect(keys.size).toBe(1);
    expect(requests('GetRoleCredentials')).toBe(1);
  }, 240_000);

  it('30 parallel runs with the access token expired: all succeed, one refresh, and the rotated refresh token works afterwards', async () => {
    await dropCredentialCache();
    const expired = await expireStoredToken();
    emulator.resetCounters();
    const { accountId, roleName } = roles[1]!;
    const runs = await burst(30, accountId, roleName);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(requests('CreateToken')).toBe(1);
    expect(requests('GetRoleCredentials')).toBe(1);
    const refreshed = await storedToken();
    expect(refreshed.expiresAt).toBeGreaterThan(Date.now());
    expect(refreshed.refreshToken).not.toBe(expired.refreshToken);

    // The stored (rotated) refresh token is the live one: the next expiry refreshes again.
    await dropCredentialCache();
    await expireStoredToken();
    const again = await rolecall(['credential-process', '--account', roles[2]!.accountId, '--role', roles[2]!.roleName]);
    expect(again.code, again.stderr).toBe(0);
    expect(requests('CreateToken')).toBe(2);
  }, 240_000);

  it('parallel runs for different roles each keep their entry in the shared credential cache', async () => {
    await dropCredentialCache();
    emulator.resetCounters();
    const picked = roles.slice(0, 4);
    const first = await Promise.all(
      picked.map(({ accountId, roleName }) => rolecall(['credential-process', '--account', accountId, '--role', roleName])),
    );
    for (const run of first) expect(run.code, run.stderr).toBe(0);
    expect(requests('GetRoleCredentials')).toBe(picked.length);
    const second = await Promise.all(
      picked.map(({ accountId, roleName }) => rolecall(['credential-process', '--account', accountId, '--role', roleName])),
    );
    for (const run of second) expect(run.code, run.stderr).toBe(0);
    // Every role was served from the cache the second time: no run lost another's entry.
    expect(requests('GetRoleCredentials')).toBe(picked.length);
  }, 240_000);

  it('a running core and CLI processes share one refresh of an expired token; neither is signed out', async () => {
    // A long-running core on the same config dir (what `rolecall web` builds), whose clock is
    // moved to just past the expiry of the token it loaded, so it too must renew it.
    const clock = new AdjustableClock();
    const core = await startCoreOnConfigDir(clock);
    try {
      const held = await storedToken();
      expect(core.snapshot().instances[0]?.session.status).toBe('signed-in');
      // The CLI processes refresh first (rotating the refresh token the core still holds).
      await dropCredentialCache();
      await expireStoredToken();
      emulator.resetCounters();
      const runs = await burst(10, roles[3]!.accountId, roles[3]!.roleName);
      for (const run of runs) expect(run.code, run.stderr).toBe(0);
      expect(requests('CreateToken')).toBe(1);

      clock.advance(held.expiresAt + 1_000 - Date.now());
      const ref = { instanceId, accountId: roles[0]!.accountId, roleName: roles[0]!.roleName };
      // Refreshing with its own (retired) refresh token would be InvalidGrant: the core adopts the stored one instead.
      await expect(core.credentials(ref)).resolves.toMatchObject({ accessKeyId: expect.any(String) });
      expect(core.snapshot().instances[0]?.session.status).toBe('signed-in');
      expect(requests('CreateToken')).toBe(1);
    } finally {
      await core.stop();
    }
  }, 240_000);

  it('a settings change in a running core and a `rolecall login` at the same time both survive on disk', async () => {
    const second = await startEmulator({
      directory: { accounts: 2, rolesPerAccount: 1, seed: 9 },
      deviceCodeIntervalSeconds: 0,
      log: () => undefined,
    });
    const { core } = await openCliCore({ ...cliEnv() }, { shell: 'web', browser: false });
    try {
      const loggingIn = login(second.startUrl, second);
      // Preference changes while the other process adds its instance.
      for (let i = 1; i <= 10; i += 1) await core.api['preferences:update']({ clipboardClearSeconds: i * 5 });
      const loggedIn = await loggingIn;
      expect(loggedIn.code, loggedIn.stderr).toBe(0);
      await core.api['preferences:update']({ clipboardClearSeconds: 99 });
      const onDisk = settingsSchema.parse(JSON.parse(await readFile(join(home, 'rolecall', 'settings.json'), 'utf8')));
      expect(onDisk.instances.map((instance) => instance.startUrl)).toEqual(expect.arrayContaining([emulator.startUrl, second.startUrl]));
      expect(onDisk.preferences.clipboardClearSeconds).toBe(99);
      // The running core adopted the instance the other process added.
      expect(core.snapshot().instances.map((instance) => instance.startUrl)).toContain(second.startUrl);
    } finally {
      await core.stop();
      await second.close();
    }
  }, 240_000);

  it('a `rolecall logout` in another process signs a running core out too: it does not refresh the token it still holds', async () => {
    const clock = new AdjustableClock();
    const core = await startCoreOnConfigDir(clock);
    try {
      const ref = { instanceId, accountId: roles[0]!.accountId, roleName: roles[0]!.roleName };
      await expect(core.credentials(ref)).resolves.toMatchObject({ accessKeyId: expect.any(String) });
      const held = await storedToken();
      // AWS cannot be told (offline): the refresh token the core holds stays valid there, so only
      // the local sign-out stops it.
      emulator.setFaults({ operations: { Logout: { errorRate: 1 } } });
      const logout = await rolecall(['logout', '--all']);
      expect(logout.code, logout.stderr).toBe(0);
      expect(await secrets().get(`token/${instanceId}`)).toBeUndefined();
      emulator.resetCounters();
      clock.advance(held.expiresAt + 1_000 - Date.now());
      const other = { ...ref, accountId: roles[1]!.accountId, roleName: roles[1]!.roleName };
      await expect(core.credentials(other)).rejects.toMatchObject({ code: 'signed-out' });
      // The window says why, in one sentence.
      expect(core.snapshot().instances.find((instance) => instance.id === instanceId)?.session).toMatchObject({
        status: 'expired',
        error: expect.stringMatching(/signed out of .* in another window or terminal; sign in again/),
      });
      expect(requests('CreateToken')).toBe(0);
      expect(await secrets().get(`token/${instanceId}`)).toBeUndefined();
    } finally {
      emulator.setFaults({});
      await core.stop();
    }
  }, 240_000);
});
