import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRequest } from '../../app/ipc/contract';
import type { EventChannel, EventPayloads, RequestChannel, RolecallBridge } from '../../app/ipc/contract';
import { startEmulatedCore, startTestEmulator, waitUntil } from '../../app/session/test-support/emulated-core';
import type { EmulatedCore, TestEmulator } from '../../app/session/test-support/emulated-core';
import { createActions } from './actions';
import type { Platform } from './actions';
import { createRolecallStore } from './store';
import { keepDirectoriesStored, paintStoredDirectories, storedDirectoriesKey } from './stored-directories';
import type { KeyValueStorage } from './stored-directories';

/**
 * A reload paints the roles it had before the bridge answers, from the page's storage, and
 * then reconciles with the core: the real core signed in to the emulator, behind a bridge
 * that calls it in process (what the Electron preload does) and records what was asked.
 */

let test: TestEmulator;
beforeAll(async () => {
  test = await startTestEmulator({ directory: { accounts: 10, rolesPerAccount: 2, seed: 4 } });
});
afterAll(() => test.close());
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const memoryStorage = (): KeyValueStorage & { readonly map: Map<string, string> } => {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
};

const inProcessBridge = (h: EmulatedCore, asked: RequestChannel[], connected: Promise<void>): RolecallBridge => ({
  invoke: async (channel, payload) => {
    await connected;
    asked.push(channel);
    const api = h.core.api as unknown as Record<string, (payload: unknown) => Promise<never>>;
    return api[channel]!(parseRequest(channel, payload));
  },
  on: <E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void) =>
    h.core.subscribe((event) => {
      if (event.channel === channel) listener(event.payload as EventPayloads[E]);
    }),
});

const platform: Platform = {
  writeClipboard: async () => undefined,
  openUrl: () => undefined,
  now: () => Date.now(),
  setTimer: () => undefined,
};

/** One page load: a store that paints from storage, then connects through the bridge. */
const load = (h: EmulatedCore, storage: KeyValueStorage) => {
  const asked: RequestChannel[] = [];
  let connect!: () => void;
  const connected = new Promise<void>((resolve) => (connect = resolve));
  const store = createRolecallStore();
  const painted = paintStoredDirectories(store, storage);
  const stopStoring = keepDirectoriesStored(store, storage, (write) => write());
  const actions = createActions(store, inProcessBridge(h, asked, connected), platform);
  const disconnect = actions.connect();
  const close = (): void => {
    stopStoring();
    disconnect();
  };
  cleanups.push(close);
  return { store, asked, painted, connect, close };
};

/** A core on the emulator, and a first page load through it that stored its directory. */
const storedByAFirstLoad = async () => {
  const h = await startEmulatedCore(test);
  cleanups.push(() => h.close());
  const storage = memoryStorage();
  const first = load(h, storage);
  first.connect();
  await waitUntil(() => storage.map.has(storedDirectoriesKey), 'the stored directories');
  return { h, storage, first };
};

describe('the page keeps its directories for the next load', () => {
  it('paints the stored roles before the bridge answers, then fetches nothing the core has not changed', async () => {
    const h = await startEmulatedCore(test, { label: 'Acme' });
    cleanups.push(() => h.close());
    const storage = memoryStorage();

    const first = load(h, storage);
    expect(first.painted).toBe(false);
    first.connect();
    await waitUntil(() => first.store.getState().entries.length === 20, 'the first load');
    await waitUntil(() => storage.map.has(storedDirectoriesKey), 'the stored directories');
    expect(first.asked.filter((channel) => channel === 'directory:get')).toHaveLength(1);

    // What is stored: names, ids and roles; no session, token or start URL.
    const stored = storage.map.get(storedDirectoriesKey)!;
    expect(stored).not.toContain(test.emulator.startUrl);
    expect(Object.keys(JSON.parse(stored) as object).sort()).toEqual(['aliases', 'directories', 'labels', 'version']);

    const second = load(h, storage);
    // Before the bridge has answered anything:
    expect(second.painted).toBe(true);
    expect(second.store.getState().snapshot).toBeNull();
    expect(second.store.getState().entries.map((entry) => entry.key)).toEqual(first.store.getState().entries.map((entry) => entry.key));
    expect(second.store.getState().entries[0]?.instanceLabel).toBe('Acme');
    // Stored in columns and read back account for account, roles in order.
    expect(second.store.getState().directories[h.instanceId]?.accounts).toEqual(h.accounts());

    second.connect();
    await waitUntil(() => second.store.getState().snapshot, 'the snapshot');
    expect(second.asked).toContain('state:get');
    expect(second.asked).not.toContain('directory:get');
    expect(second.store.getState().directories[h.instanceId]?.accounts).toEqual(h.accounts());
  });

  it('reconciles a stored directory the core has since re-synced', async () => {
    const { h, storage, first } = await storedByAFirstLoad();
    const storedAt = first.store.getState().directories[h.instanceId]!.syncedAt;

    // The page is closed while the core re-syncs.
    first.close();
    test.clock.advance(60_000);
    await h.core.sync(h.instanceId);
    const second = load(h, storage);
    expect(second.store.getState().directories[h.instanceId]?.syncedAt).toBe(storedAt);
    second.connect();
    await waitUntil(
      () => second.store.getState().directories[h.instanceId]?.syncedAt === h.view().sync.syncedAt,
      'the newer directory in the page',
    );
    expect(second.asked.filter((channel) => channel === 'directory:get')).toHaveLength(1);
  });

  it('drops what an older page stored, at its first write', async () => {
    const h = await startEmulatedCore(test);
    cleanups.push(() => h.close());
    const storage = memoryStorage();
    storage.setItem('rolecall.directories.v1', JSON.stringify({ version: 1, directories: [], labels: {}, aliases: {} }));
    const page = load(h, storage);
    expect(page.painted).toBe(false);
    page.connect();
    await waitUntil(() => storage.map.has(storedDirectoriesKey), 'the stored directories');
    expect(storage.map.has('rolecall.directories.v1')).toBe(false);
  });

  it('refuses columns that do not fit each other (an edited storage), and starts empty', async () => {
    const { storage } = await storedByAFirstLoad();
    const good = JSON.parse(storage.map.get(storedDirectoriesKey)!) as { directories: Record<string, unknown[]>[] };
    expect(paintStoredDirectories(createRolecallStore(), storage)).toBe(true);
    const edits: ((directory: Record<string, unknown[]>) => void)[] = [
      (directory) => directory.accountNames!.pop(), // one name short
      (directory) => directory.roles!.pop(), // the counts name one role more than there is
      (directory) => directory.roles!.push('Extra'), // one role no count names
      (directory) => (directory.roleCounts![0] = -1),
      (directory) => (directory.accountIds![0] = 7),
    ];
    for (const edit of edits) {
      const edited = structuredClone(good);
      edit(edited.directories[0]!);
      storage.setItem(storedDirectoriesKey, JSON.stringify(edited));
      const store = createRolecallStore();
      expect(paintStoredDirectories(store, storage), String(edit)).toBe(false);
      expect(store.getState().entries).toEqual([]);
    }
  });

  it('ignores storage that does not parse, and starts empty', () => {
    const storage = memoryStorage();
    storage.setItem(storedDirectoriesKey, JSON.stringify({ version: 1, directories: [{ instanceId: 'x', accounts: 'nope' }] }));
    const store = createRolecallStore();
    expect(paintStoredDirectories(store, storage)).toBe(false);
    storage.setItem(storedDirectoriesKey, '{not json');
    expect(paintStoredDirectories(store, storage)).toBe(false);
    expect(store.getState().entries).toEqual([]);
  });
});
