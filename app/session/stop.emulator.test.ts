import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/server';
import type { EmulatorOptions, RunningEmulator } from '../../emulator/options';
import type { InstanceView } from '../model/snapshot';
import type { SecretStore } from '../ports/secret-store';
import { AdjustableClock } from '../ports/test-support/adjustable-clock';
import { FileSecretStore, fileSecretStorageStatus } from '../storage/file-secret-store';
import { lockName } from '../storage/file-lock';
import { FileSettingsStore } from '../storage/file-settings-store';
import { createRolecallCore } from './controller';
import type { CoreOptions, RolecallController } from './controller';
import { STOP_SETTLE_MS } from './shutdown';

/**
 * A stopped core writes nothing more into its config dir: the desktop app quitting, `rolecall
 * web` exiting or an owner handing over must not race the next owner. Each test stops the
 * core in the middle of one kind of flow, then lets that flow's next step come due on the
 * adjustable clock and checks that no file changed and nothing was asked of AWS.
 */

/** A secret store that can be made to hang, as a keychain waiting on a prompt does: it ignores every signal. */
class HangingSecretStore implements SecretStore {
  private hung: (() => void)[] | undefined;
  /** Calls made while hung, still waiting. */
  waiting = 0;
  writes = 0;
  constructor(private readonly inner: SecretStore) {}
  hang(): void {
    this.hung = [];
  }
  release(): void {
    const waiters = this.hung ?? [];
    this.hung = undefined;
    for (const wake of waiters) wake();
  }
  private async gate(): Promise<void> {
    const waiters = this.hung;
    if (!waiters) return;
    this.waiting += 1;
    await new Promise<void>((resolve) => waiters.push(resolve));
    this.waiting -= 1;
  }
  async get(key: string): Promise<string | undefined> {
    await this.gate();
    return this.inner.get(key);
  }
  async set(key: string, value: string): Promise<void> {
    await this.gate();
    this.writes += 1;
    return this.inner.set(key, value);
  }
  async delete(key: string): Promise<void> {
    await this.gate();
    this.writes += 1;
    return this.inner.delete(key);
  }
}

interface Rig {
  readonly core: RolecallController;
  readonly emulator: RunningEmulator;
  readonly clock: AdjustableClock;
  /** Everything the core writes is under it: settings, secrets, caches and the AWS CLI cache (HOME). */
  readonly configDir: string;
  readonly instanceId: string;
  readonly secrets: HangingSecretStore;
  readonly logs: string[];
  view(): InstanceView;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** stop() with a flow that does not settle: still waiting halfway through its bound, returned at the end of it. */
const stopThroughItsBound = async (rig: Rig): Promise<void> => {
  let stopped = false;
  const stopping = rig.core.stop().then(() => {
    stopped = true;
  });
  // Halfway (the clock also runs in real time, so not 1 ms short): still waiting.
  await rig.clock.advanceAndSettle(STOP_SETTLE_MS / 2);
  expect(stopped).toBe(false);
  await rig.clock.advanceAndSettle(STOP_SETTLE_MS / 2);
  await stopping;
};

/** Bounded: a hang becomes a readable failure. */
const waitFor = async <T>(probe: () => T | undefined | false, what: string): Promise<T> => {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
};

const startRig = async (options: { core?: CoreOptions; emulator?: Omit<EmulatorOptions, 'now' | 'log'> } = {}): Promise<Rig> => {
  const clock = new AdjustableClock();
  const emulator = await startEmulator({
    directory: { accounts: 12, rolesPerAccount: 2, seed: 3 },
    deviceCodeIntervalSeconds: 0,
    ...options.emulator,
    now: () => clock.now(),
    log: () => undefined,
  });
  const configDir = await mkdtemp(join(tmpdir(), 'rolecall-stop-'));
  const secrets = new HangingSecretStore(new FileSecretStore(configDir));
  const logs: string[] = [];
  const core = createRolecallCore(
    {
      settings: new FileSettingsStore(configDir),
      secrets,
      secretStorage: fileSecretStorageStatus,
      clipboard: { writeText: () => undefined, readText: () => '' },
      notifier: { notify: () => undefined },
      opener: { openExternal: async () => undefined },
      clock,
      cacheDir: join(configDir, 'cache'),
      env: { HOME: configDir, ROLECALL_HOME: configDir, AWS_CONFIG_FILE: join(configDir, '.aws', 'config') },
      shell: 'desktop',
      log: (line) => void logs.push(line),
    },
    { autoSync: true, watchExpiry: true, openVerification: false, ...options.core },
  );
  await core.start();
  const { instanceId } = await core.api['instance:add']({ startUrl: emulator.startUrl, region: emulator.region, endpoint: emulator.url });
  cleanups.push(async () => {
    secrets.release();
    await core.stop();
    await emulator.close();
    // No retries: a core that still wrote here would make this fail (ENOTEMPTY).
    await rm(configDir, { recursive: true, force: true });
  });
  const view = () => {
    const found = core.snapshot().instances.find((instance) => instance.id === instanceId);
    if (!found) throw new Error(`no instance ${instanceId}`);
    return found;
  };
  return { core, emulator, clock, configDir, instanceId, secrets, logs, view };
};

/** Every file and directory under `dir` with its size and mtime: any write shows. */
const filesOf = async (dir: string): Promise<Record<string, string>> => {
  const out: Record<string, string> = {};
  const walk = async (path: string): Promise<void> => {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      const info = await stat(full);
      out[full.slice(dir.length)] = entry.isDirectory() ? 'dir' : `${info.size} bytes, mtime ${info.mtimeMs}`;
      if (entry.isDirectory()) await walk(full);
    }
  };
  await walk(dir);
  return out;
};

const requestsTo = (emulator: RunningEmulator): number =>
  Object.values(emulator.counters()).reduce((sum, counters) => sum + counters.requests, 0);

const requestsOf = (emulator: RunningEmulator, operation: string): number => emulator.counters()[operation]?.requests ?? 0;

/**
 * After stop() resolved: once `laterMs` have passed on the clock (the flow's next poll,
 * retry, timeout or re-sync was due, and any sleep left over has woken) no file under the
 * config dir changed, the core asked AWS nothing more, and nothing went back to sleep.
 * (A sync's rate limiter may leave one pacing wake-up, which dispatches nothing once its
 * callers are aborted.)
 */
const expectQuietAfterStop = async (rig: Rig, laterMs: number): Promise<void> => {
  const before = await filesOf(rig.configDir);
  const requests = requestsTo(rig.emulator);
  await rig.clock.advanceAndSettle(laterMs);
  // A few real turns too, for a continuation still on its way back from the network or the disk.
  for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(await filesOf(rig.configDir)).toEqual(before);
  expect(requestsTo(rig.emulator)).toBe(requests);
  expect(rig.clock.pending).toBe(0);
};

/** Plays the browser for a PKCE link: the consent page, Allow, and back to the loopback redirect. */
const approveInBrowser = async (link: string): Promise<string> => {
  const consent = await (await fetch(link)).text();
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(consent);
  if (!form) throw new Error('no consent form');
  const fields = new URLSearchParams(
    [...form[2]!.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m): [string, string] => [m[1]!, m[2]!.replace(/&amp;/g, '&')]),
  );
  const allow = await fetch(new URL(form[1]!.replace(/&amp;/g, '&'), link), { method: 'POST', body: fields, redirect: 'manual' });
  const callback = allow.headers.get('location');
  if (!callback) throw new Error('no redirect to the loopback listener');
  return callback;
};

/** Resolves once the sign-in has ended: its token is saved and the sync it starts is under way. */
const signInWithDeviceCode = async (rig: Rig): Promise<void> => {
  const done = rig.core.signIn(rig.instanceId, 'device');
  rig.emulator.approveDevice(await waitFor(() => rig.view().session.signIn?.userCode, 'the user code'));
  await done;
};

const ssoCacheDir = (rig: Rig) => join(rig.configDir, '.aws', 'sso', 'cache');

describe('core.stop() leaves the config dir alone', () => {
  it('ends a device-code sign-in waiting for approval: no poll, no token saved when the code is approved later', async () => {
    const rig = await startRig();
    await rig.core.api['session:sign-in']({ instanceId: rig.instanceId, flow: 'device' });
    const code = await waitFor(() => rig.view().session.signIn?.userCode, 'the user code');
    await waitFor(() => requestsOf(rig.emulator, 'CreateToken') > 0, 'a first poll');
    await rig.core.stop();
    expect(rig.view().session.status).not.toBe('signed-in');
    // Approved after the stop: a flow still polling would now get a token and save it.
    rig.emulator.approveDevice(code);
    await expectQuietAfterStop(rig, 60_000);
    expect(rig.view().session.status).not.toBe('signed-in');
  });

  it('ends a PKCE sign-in waiting for the browser: the loopback port closes at once, and its timeout never fires', async () => {
    const rig = await startRig();
    await rig.core.api['session:sign-in']({ instanceId: rig.instanceId, flow: 'pkce' });
    const link = await waitFor(() => rig.view().session.signIn?.verificationUri, 'the authorize link');
    const redirect = new URL(new URL(link).searchParams.get('redirect_uri')!);
    await rig.core.stop();
    await expect(fetch(redirect)).rejects.toThrow();
    // Past the 10-minute browser timeout.
    await expectQuietAfterStop(rig, 11 * 60_000);
    expect(rig.view().session.status).not.toBe('signed-in');
  });

  it('settles a PKCE sign-in the browser just completed: the token is saved before stop() resolves, and no sync starts after it', async () => {
    const rig = await startRig();
    await rig.core.api['session:sign-in']({ instanceId: rig.instanceId, flow: 'pkce' });
    const link = await waitFor(() => rig.view().session.signIn?.verificationUri, 'the authorize link');
    const callback = await approveInBrowser(link);
    expect((await fetch(callback)).status).toBe(200);
    // The moment the flaky controller test stopped its core: signed in, the token still being saved.
    await waitFor(() => rig.view().session.status === 'signed-in', 'signed in');
    await rig.core.stop();
    expect(await readdir(ssoCacheDir(rig))).toHaveLength(1);
    // Past the background re-sync and the token's refresh.
    await expectQuietAfterStop(rig, 13 * 3600_000);
  });

  it('ends a directory sync waiting out a retry backoff', async () => {
    const rig = await startRig({ emulator: { faults: { operations: { ListAccountRoles: { errorRate: 1 } } } } });
    await signInWithDeviceCode(rig);
    await waitFor(
      () => rig.view().sync.status === 'syncing' && (rig.emulator.counters().ListAccountRoles?.errors ?? 0) > 0,
      'a failed call',
    );
    // The sync's retries sleep on the clock (the watcher sleeps too); wait until one is backing off.
    await waitFor(() => rig.clock.pending >= 2, 'a retry backoff');
    await rig.core.stop();
    expect(rig.view().sync.status).not.toBe('error');
    await expectQuietAfterStop(rig, 10 * 60_000);
  });

  it('ends a session refresh retrying with backoff after CreateToken failures', async () => {
    const rig = await startRig({ emulator: { accessTokenTtlSeconds: 3600 } });
    await signInWithDeviceCode(rig);
    await waitFor(() => rig.view().sync.status === 'idle' && rig.view().sync.accountCount > 0, 'the first sync');
    rig.emulator.setFaults({ operations: { CreateToken: { errorRate: 1 } } });
    const failures = () => rig.emulator.counters().CreateToken?.errors ?? 0;
    rig.clock.advance(3601_000);
    await waitFor(() => rig.view().session.status === 'reconnecting', 'reconnecting');
    // The watcher's retry after its 1 s backoff.
    const first = failures();
    rig.clock.advance(1_000);
    await waitFor(() => failures() > first, 'a retried refresh');
    await waitFor(() => rig.view().session.status === 'reconnecting' && rig.clock.pending > 0, 'the next backoff');
    await rig.core.stop();
    await expectQuietAfterStop(rig, 10 * 60_000);
  });

  it('lets a refresh under way save its rotated token before stop() resolves, for the next owner', async () => {
    const rig = await startRig({ emulator: { accessTokenTtlSeconds: 3600 } });
    await signInWithDeviceCode(rig);
    await waitFor(() => rig.view().sync.status === 'idle' && rig.view().sync.accountCount > 0, 'the first sync');
    const [file] = await readdir(ssoCacheDir(rig));
    const stored = async () => JSON.parse(await readFile(join(ssoCacheDir(rig), file!), 'utf8')) as { expiresAt: string };
    const before = (await stored()).expiresAt;
    rig.emulator.setFaults({ operations: { CreateToken: { latencyMs: 300 } } });
    const refreshes = requestsOf(rig.emulator, 'CreateToken');
    // Inside the refresh window: the watcher refreshes now.
    rig.clock.advance(55 * 60_000);
    await waitFor(() => requestsOf(rig.emulator, 'CreateToken') > refreshes, 'a refresh request in flight');
    await rig.core.stop();
    expect((await stored()).expiresAt).not.toBe(before);
    await expectQuietAfterStop(rig, 60 * 60_000);
  });

  it('waits for a request in flight: its refresh and its recents are saved before stop() resolves', async () => {
    const rig = await startRig({ core: { watchExpiry: false }, emulator: { accessTokenTtlSeconds: 3600 } });
    await signInWithDeviceCode(rig);
    const account = (await rig.core.directory(rig.instanceId)).accounts[0]!;
    const role = { instanceId: rig.instanceId, accountId: account.accountId, roleName: account.roles[0]! };
    const [file] = await readdir(ssoCacheDir(rig));
    const stored = async () => JSON.parse(await readFile(join(ssoCacheDir(rig), file!), 'utf8')) as { expiresAt: string };
    const before = (await stored()).expiresAt;
    rig.emulator.setFaults({ operations: { CreateToken: { latencyMs: 300 } } });
    const refreshes = requestsOf(rig.emulator, 'CreateToken');
    // The access token has expired: the copy refreshes it first.
    rig.clock.advance(3601_000);
    const copying = rig.core.api['credentials:copy']({ role });
    await waitFor(() => requestsOf(rig.emulator, 'CreateToken') > refreshes, 'a refresh request in flight');
    await rig.core.stop();
    await expect(copying).resolves.toMatchObject({ role });
    expect((await stored()).expiresAt).not.toBe(before);
    const settings = JSON.parse(await readFile(join(rig.configDir, 'settings.json'), 'utf8')) as { recents: unknown[] };
    expect(settings.recents).toEqual([role]);
    await expectQuietAfterStop(rig, 60 * 60_000);
  });

  it('returns within its bound when a flow ignores the signal, which then writes nothing', async () => {
    const rig = await startRig();
    // The sign-in's first step reads its cached registration: a keychain that hangs holds it there.
    rig.secrets.hang();
    await rig.core.api['session:sign-in']({ instanceId: rig.instanceId, flow: 'device' });
    await waitFor(() => rig.secrets.waiting > 0, 'the sign-in to wait on the secret store');
    await stopThroughItsBound(rig);
    expect(rig.logs).toEqual([
      expect.stringMatching(/^Rolecall stopped without waiting longer for: the sign-in to .+ \(still running after 5 s/),
    ]);
    const before = await filesOf(rig.configDir);
    // The store answers at last: the aborted sign-in registers nothing and saves nothing.
    rig.secrets.release();
    await waitFor(() => rig.view().session.status !== 'signing-in', 'the sign-in to end');
    await expectQuietAfterStop(rig, 60_000);
    expect(await filesOf(rig.configDir)).toEqual(before);
    expect(rig.secrets.writes).toBe(0);
    expect(requestsOf(rig.emulator, 'RegisterClient')).toBe(0);
  });

  it('gives up a token save waiting for the lock another process holds once stop() returns, leaving that lock alone', async () => {
    const rig = await startRig();
    await rig.core.api['session:sign-in']({ instanceId: rig.instanceId, flow: 'device' });
    const code = await waitFor(() => rig.view().session.signIn?.userCode, 'the user code');
    // Another process holds this instance's token lock (a lock directory it keeps fresh).
    const lockDir = join(rig.configDir, 'cache', `${lockName('token', rig.instanceId)}.lock`);
    await mkdir(lockDir, { recursive: true });
    const fresh = new Date(Date.now() + 3600_000);
    await utimes(lockDir, fresh, fresh);
    const held = (await stat(lockDir)).mtimeMs;
    rig.emulator.approveDevice(code);
    // The token arrived; saving it waits for the lock.
    await waitFor(() => rig.view().session.status !== 'signing-in', 'the token');
    await stopThroughItsBound(rig);
    expect(rig.logs).toEqual([expect.stringMatching(/the sign-in to /)]);
    await expectQuietAfterStop(rig, 60_000);
    expect((await stat(lockDir)).mtimeMs).toBe(held);
    await expect(readdir(ssoCacheDir(rig))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('is safe to call twice, answers reads, and refuses new work afterwards with one sentence', async () => {
    const rig = await startRig();
    await Promise.all([rig.core.stop(), rig.core.stop()]);
    await expect(rig.core.api['state:get'](undefined)).resolves.toMatchObject({ instances: [{ id: rig.instanceId }] });
    const role = { instanceId: rig.instanceId, accountId: '123456789012', roleName: 'Admin' };
    await expect(rig.core.api['favorites:toggle']({ role })).rejects.toMatchObject({ code: 'sign-in-cancelled' });
    await expect(rig.core.api['session:sign-in']({ instanceId: rig.instanceId, flow: 'device' })).rejects.toMatchObject({
      code: 'sign-in-cancelled',
    });
    await expect(rig.core.signIn(rig.instanceId, 'device')).rejects.toMatchObject({
      code: 'sign-in-cancelled',
      userMessage: 'Rolecall is stopping; the work was cancelled.',
    });
    await expect(rig.core.sync(rig.instanceId)).rejects.toMatchObject({ code: 'sign-in-cancelled' });
    await expectQuietAfterStop(rig, 60_000);
  });
});
