import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../../emulator/server';
import { generateDirectory } from '../../../emulator/directory-seed';
import type { DirectorySeed, EmulatorOptions, RunningEmulator } from '../../../emulator/options';
import { DirectoryCache } from '../../directory/directory-cache';
import type { RequestChannel, RolecallApi } from '../../ipc/contract';
import type { AccountWithRoles, RoleRef } from '../../model/roles';
import type { InstanceView } from '../../model/snapshot';
import type { Clipboard, Notification } from '../../ports/desktop';
import { AdjustableClock } from '../../ports/test-support/adjustable-clock';
import { FileSecretStore, fileSecretStorageStatus } from '../../storage/file-secret-store';
import { FileSettingsStore } from '../../storage/file-settings-store';
import { createRolecallCore } from '../controller';
import type { CoreOptions, RolecallController } from '../controller';

/**
 * The real core, signed in to the local emulator through the real device flow: what the
 * shells' and the views' tests run against, so they can only pass against behaviour the
 * core really has. One emulator per test file (startTestEmulator, in beforeAll), as many
 * cores against it as the tests need (startEmulatedCore), each in its own temp config dir
 * with the file stores the CLI and `rolecall web` use. No vitest import: benchmarks use it too.
 */

export interface TestEmulator {
  readonly emulator: RunningEmulator;
  /** Shared by the emulator and every core on it, so "an hour later" is later for all. */
  readonly clock: AdjustableClock;
  close(): Promise<void>;
}

/** A quiet emulator on 127.0.0.1 with an adjustable clock; polls back to back (interval 0). */
export const startTestEmulator = async (options: Omit<EmulatorOptions, 'now' | 'log'> = {}): Promise<TestEmulator> => {
  const clock = new AdjustableClock();
  const emulator = await startEmulator({
    directory: { accounts: 6, rolesPerAccount: 3, seed: 7 },
    deviceCodeIntervalSeconds: 0,
    ...options,
    now: () => clock.now(),
    log: () => undefined,
  });
  return { emulator, clock, close: () => emulator.close() };
};

export interface EmulatedCoreOptions {
  /** 'web' (default): copy and console results carry the text and URL for the page. */
  readonly shell?: 'web' | 'desktop' | 'cli';
  /** The instance's label (default "Acme"). */
  readonly label?: string;
  /** Default: what `rolecall web` runs (background sync, no expiry watcher, no browser). */
  readonly core?: CoreOptions;
  /** false: the instance is added but left signed out. */
  readonly signIn?: boolean;
  /**
   * The emulator's seed: sign in, then start the core again on a directory cache holding
   * that directory (made with generateDirectory, so it is the emulator's), as a restart
   * would find it, instead of a first sync. Syncing 10,000 roles takes the better part of a
   * minute; painting them from the cache takes none.
   */
  readonly cachedDirectory?: DirectorySeed;
}

export interface EmulatedCore {
  readonly core: RolecallController;
  readonly emulator: RunningEmulator;
  readonly clock: AdjustableClock;
  readonly instanceId: string;
  /** ROLECALL_HOME of this core (settings, secrets, caches). */
  readonly configDir: string;
  /** The signed-in directory as the core synced it (empty while signed out). */
  accounts(): readonly AccountWithRoles[];
  /** The role `index` (of the synced directory, roles[roleIndex] of that account). */
  role(index: number, roleIndex?: number): RoleRef;
  view(): InstanceView;
  /** URLs the core handed the opener port; notifications; text written to the process clipboard. */
  readonly opened: string[];
  readonly notifications: Notification[];
  readonly clipboard: string[];
  /** A whole device sign-in, approved in the emulator as the verification page would, then the first sync. */
  signIn(): Promise<void>;
  close(): Promise<void>;
}

/** Waits for a condition; the bound only turns a hang into a readable failure. */
export const waitUntil = async <T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string): Promise<T> => {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
};

/** A real core in a fresh temp config dir, with one instance on the emulator, signed in unless told not to. */
export const startEmulatedCore = async (test: TestEmulator, options: EmulatedCoreOptions = {}): Promise<EmulatedCore> => {
  const { emulator, clock } = test;
  const home = await mkdtemp(join(tmpdir(), 'rolecall-emulated-core-'));
  const configDir = join(home, 'rolecall');
  const opened: string[] = [];
  const notifications: Notification[] = [];
  const clipboard: string[] = [];
  const processClipboard: Clipboard = { writeText: (text) => void clipboard.push(text), readText: () => clipboard.at(-1) ?? '' };
  const build = (coreOptions: CoreOptions): RolecallController =>
    createRolecallCore(
      {
        settings: new FileSettingsStore(configDir),
        secrets: new FileSecretStore(configDir),
        secretStorage: fileSecretStorageStatus,
        clipboard: processClipboard,
        notifier: { notify: (notification) => void notifications.push(notification) },
        opener: { openExternal: async (url) => void opened.push(url) },
        clock,
        cacheDir: join(configDir, 'cache'),
        env: { HOME: home, ROLECALL_HOME: configDir, AWS_CONFIG_FILE: join(home, '.aws', 'config') },
        shell: options.shell ?? 'web',
      },
      coreOptions,
    );
  const coreOptions = options.core ?? { autoSync: true, watchExpiry: false, openVerification: false };
  let core = build(options.cachedDirectory ? { autoSync: false, watchExpiry: false, openVerification: false } : coreOptions);
  await core.start();
  const { instanceId } = await core.api['instance:add']({
    startUrl: emulator.startUrl,
    region: emulator.region,
    endpoint: emulator.url,
    label: options.label ?? 'Acme',
  });
  const view = (): InstanceView => {
    const found = core.snapshot().instances.find((instance) => instance.id === instanceId);
    if (!found) throw new Error(`the core has no instance ${instanceId}`);
    return found;
  };
  let accounts: readonly AccountWithRoles[] = [];
  const signIn = async (): Promise<void> => {
    const done = core.signIn(instanceId, 'device');
    const code = await waitUntil(() => view().session.signIn?.userCode, 'the user code');
    emulator.approveDevice(code);
    await done;
    accounts = (await core.directory(instanceId)).accounts;
  };
  if (options.cachedDirectory) {
    const first = core;
    const done = first.signIn(instanceId, 'device');
    emulator.approveDevice(await waitUntil(() => view().session.signIn?.userCode, 'the user code'));
    await done;
    await first.stop();
    const seeded = generateDirectory(options.cachedDirectory).map(({ accountId, accountName, emailAddress, roles }) => ({
      accountId,
      accountName,
      emailAddress,
      roles: [...roles],
    }));
    await new DirectoryCache(join(configDir, 'cache')).save({ instanceId, accounts: seeded, syncedAt: clock.now(), failedAccounts: [] });
    core = build(coreOptions);
    await core.start();
    accounts = (await core.directory(instanceId)).accounts;
  } else if (options.signIn !== false) await signIn();
  return {
    core,
    emulator,
    clock,
    instanceId,
    configDir,
    accounts: () => accounts,
    role: (index, roleIndex = 0) => {
      const account = accounts[index];
      const roleName = account?.roles[roleIndex];
      if (!account || !roleName) throw new Error(`the directory has no role ${index}/${roleIndex}`);
      return { instanceId, accountId: account.accountId, roleName };
    },
    view,
    opened,
    notifications,
    clipboard,
    signIn,
    close: async () => {
      // Once stop() has returned the core writes nothing more here (app/session/shutdown.ts):
      // no flow or request of its can still be creating files while the dir is removed.
      await core.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
};

/**
 * The same core with every API request it is asked recorded by channel, in order: to prove
 * that a request did (or did not) reach the core. It only watches; the real handlers answer.
 */
export const recordingCalls = <C extends { readonly api: RolecallApi }>(core: C): { core: C; calls: RequestChannel[] } => {
  const calls: RequestChannel[] = [];
  const api = new Proxy(core.api, {
    get: (target, channel, receiver) => {
      const handler = Reflect.get(target, channel, receiver) as unknown;
      if (typeof handler !== 'function') return handler;
      // Every argument goes through: the caller (a view, or an agent-socket client) changes what copy and console answer.
      return (...args: unknown[]) => {
        calls.push(channel as RequestChannel);
        return (handler as (...input: unknown[]) => unknown)(...args);
      };
    },
  });
  return { core: { ...core, api }, calls };
};
