import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/server';
import type { RunningEmulator } from '../../emulator/options';
import type { CorePorts } from './core';
import type { InstanceView } from '../model/snapshot';
import { MemorySecretStore } from '../ports/secret-store';
import { AdjustableClock } from '../ports/test-support/adjustable-clock';
import { MemorySettingsStore } from '../ports/test-support/memory-settings-store';
import { createRolecallCore } from './controller';
import { waitUntil } from './test-support/emulated-core';
import type { RolecallController } from './controller';
import { DIRECTORY_RESYNC_AFTER_MS } from './expiry-rules';

/**
 * What a start of the desktop app or `rolecall web` costs: with a fresh disk cache it paints
 * that cache and calls no directory API; with an old one it paints the cache first, then syncs.
 * Two cores over the same settings, secrets and cache directory stand for two starts.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const directoryCalls = (emulator: RunningEmulator): number => {
  const counters = emulator.counters();
  return (counters['ListAccounts']?.requests ?? 0) + (counters['ListAccountRoles']?.requests ?? 0);
};

interface World {
  readonly emulator: RunningEmulator;
  readonly clock: AdjustableClock;
  readonly ports: CorePorts;
  readonly instanceId: string;
}

const viewOf = (core: RolecallController, id: string): InstanceView => {
  const view = core.snapshot().instances.find((instance) => instance.id === id);
  if (!view) throw new Error(`no instance ${id}`);
  return view;
};

const openCore = async (ports: CorePorts): Promise<RolecallController> => {
  const core = createRolecallCore(ports, { autoSync: true, watchExpiry: false, openVerification: false });
  cleanups.push(() => core.stop());
  return core;
};

/** A first start that signs in and syncs, so the disk holds a token and a directory cache. */
const firstStart = async (): Promise<World> => {
  const clock = new AdjustableClock();
  // Tokens outlive the 12-hour jump below, so only the cache's age decides.
  const emulator = await startEmulator({
    directory: { accounts: 8, rolesPerAccount: 2, seed: 5 },
    deviceCodeIntervalSeconds: 0,
    accessTokenTtlSeconds: 3 * 24 * 3600,
    now: () => clock.now(),
    log: () => undefined,
  });
  const home = await mkdtemp(join(tmpdir(), 'rolecall-start-sync-'));
  cleanups.push(async () => {
    await emulator.close();
    await rm(home, { recursive: true, force: true });
  });
  const ports: CorePorts = {
    settings: new MemorySettingsStore(),
    secrets: new MemorySecretStore(),
    secretStorage: { mode: 'encrypted' },
    clipboard: { writeText: () => undefined, readText: () => '' },
    notifier: { notify: () => undefined },
    opener: { openExternal: async () => undefined },
    clock,
    cacheDir: join(home, 'cache'),
    env: { HOME: home, AWS_CONFIG_FILE: join(home, '.aws', 'config') },
    shell: 'web',
  };
  const core = await openCore(ports);
  await core.start();
  const { instanceId } = await core.api['instance:add']({ startUrl: emulator.startUrl, region: emulator.region, endpoint: emulator.url });
  await core.api['session:sign-in']({ instanceId, flow: 'device' });
  const code = await waitUntil(() => viewOf(core, instanceId).session.signIn?.userCode, 'the user code');
  emulator.approveDevice(code);
  await waitUntil(() => {
    const view = viewOf(core, instanceId);
    return view.session.status === 'signed-in' && view.sync.status === 'idle' && view.sync.accountCount === 8;
  }, 'the first sync');
  await core.stop();
  return { emulator, clock, ports, instanceId };
};

describe('syncing at start only when the cached directory is due', () => {
  it('paints a fresh cache at start and calls no directory API', async () => {
    const world = await firstStart();
    world.emulator.resetCounters();
    world.clock.advance(DIRECTORY_RESYNC_AFTER_MS - 60_000);

    const core = await openCore(world.ports);
    await core.start();
    expect(viewOf(core, world.instanceId).session.status).toBe('signed-in');
    expect(viewOf(core, world.instanceId).sync.status).toBe('idle');
    const cached = await core.api['directory:get']({ instanceId: world.instanceId });
    expect(cached?.accounts).toHaveLength(8);
    // Give a background sync, had one started, time to reach the emulator.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(directoryCalls(world.emulator)).toBe(0);

    // The user asking still syncs.
    await core.api['directory:refresh']({ instanceId: world.instanceId });
    await waitUntil(
      () => viewOf(core, world.instanceId).sync.status === 'idle' && directoryCalls(world.emulator) > 0,
      'the asked-for sync',
    );
    expect(world.emulator.counters()['ListAccounts']?.requests).toBeGreaterThan(0);
  });

  it('serves an old cache at once, then syncs it', async () => {
    const world = await firstStart();
    const before = await (async () => {
      const core = await openCore(world.ports);
      await core.start();
      const view = await core.api['directory:get']({ instanceId: world.instanceId });
      await core.stop();
      return view;
    })();
    world.emulator.resetCounters();
    world.clock.advance(DIRECTORY_RESYNC_AFTER_MS + 60_000);

    const core = await openCore(world.ports);
    await core.start();
    // The cached list is there as soon as start resolves, while the sync it started runs.
    const painted = await core.api['directory:get']({ instanceId: world.instanceId });
    expect(painted?.syncedAt).toBe(before?.syncedAt);
    expect(painted?.accounts).toEqual(before?.accounts);
    expect(viewOf(core, world.instanceId).sync.status).toBe('syncing');

    const synced = await waitUntil(() => {
      const view = viewOf(core, world.instanceId);
      return view.sync.status === 'idle' && view.sync.syncedAt !== before?.syncedAt ? view : undefined;
    }, 'the sync of the old cache');
    expect(synced.sync.syncedAt).toBeGreaterThan(before!.syncedAt);
    expect(world.emulator.counters()['ListAccounts']?.requests).toBeGreaterThan(0);
    expect(world.emulator.counters()['ListAccountRoles']?.requests).toBeGreaterThan(0);
  });
});
