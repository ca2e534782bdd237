import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { DirectoryDiff } from '../../app/ipc/directory-diff';
import { startEmulatedCore, startTestEmulator, waitUntil } from '../../app/session/test-support/emulated-core';
import type { EmulatedCore, TestEmulator } from '../../app/session/test-support/emulated-core';
import { startWebServer } from '../../web/server';
import type { WebServer } from '../../web/server';
import { webBridge } from '../bridge/web-bridge';
import type { SocketLike, WebBridge } from '../bridge/web-bridge';
import { createActions } from './actions';
import type { Platform } from './actions';
import { createRolecallStore } from './store';
import { tradeLaunchLink } from '../../web/test-support/launch-cookie';

/**
 * What crosses the `rolecall web` bridge for the directory: the real core signed in to the
 * emulator, the real server, the page's bridge and store. A view that connects fetches each
 * directory once; a sync reaches it as a diff, not as the directory again.
 */

let test: TestEmulator;
let home: string;
beforeAll(async () => {
  test = await startTestEmulator({ directory: { accounts: 30, rolesPerAccount: 3, seed: 11 } });
  home = await mkdtemp(join(tmpdir(), 'rolecall-directory-transfer-'));
  await writeFile(join(home, 'index.html'), '<!doctype html><title>Rolecall</title>');
});
afterAll(async () => {
  await test.close();
  await rm(home, { recursive: true, force: true });
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Wire {
  /** Channels the page asked for, in order. */
  readonly requests: string[];
  /** Every directory:changed event the page received. */
  readonly directoryEvents: { instanceId: string; diff?: DirectoryDiff }[];
}

const openPage = async (h: EmulatedCore) => {
  const server: WebServer = await startWebServer({ core: h.core, staticDir: home });
  cleanups.push(() => server.close());
  const origin = new URL(server.url).origin;
  const cookie = await tradeLaunchLink(server.url);
  const wire: Wire = { requests: [], directoryEvents: [] };
  const createSocket = (target: string): SocketLike => {
    const ws = new WebSocket(target, { headers: { cookie, origin } });
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { event?: string; payload?: { instanceId: string; diff?: DirectoryDiff } };
      if (message.event === 'directory:changed' && message.payload) wire.directoryEvents.push(message.payload);
    });
    const send = ws.send.bind(ws);
    return Object.assign(ws, {
      send: (text: string) => {
        wire.requests.push((JSON.parse(text) as { channel: string }).channel);
        send(text);
      },
    }) as unknown as SocketLike;
  };
  const bridge: WebBridge = webBridge(`ws://127.0.0.1:${new URL(server.url).port}${server.sessionPath}bridge`, { createSocket });
  cleanups.push(() => bridge.close());
  const platform: Platform = {
    writeClipboard: async () => undefined,
    openUrl: () => undefined,
    now: () => Date.now(),
    setTimer: () => undefined,
  };
  const store = createRolecallStore();
  const actions = createActions(store, bridge, platform);
  cleanups.push(actions.connect());
  return { store, bridge, wire };
};

describe('one directory transfer per view', () => {
  it('gives a view that connects each directory once', async () => {
    const h = await startEmulatedCore(test);
    cleanups.push(() => h.close());
    const { store, bridge, wire } = await openPage(h);

    await waitUntil(() => store.getState().entries.length === 90, 'the directory in the page');
    // A round trip after it: anything else the page would fetch was asked for by now.
    await bridge.invoke('state:get', undefined);
    await bridge.invoke('state:get', undefined);
    expect(wire.requests.filter((channel) => channel === 'directory:get')).toHaveLength(1);
    expect(store.getState().directories[h.instanceId]?.accounts).toEqual(h.accounts());
  });

  it("hands a sync's result to a connected view as a diff, without fetching the directory again", async () => {
    const h = await startEmulatedCore(test);
    cleanups.push(() => h.close());
    const { store, bridge, wire } = await openPage(h);
    await waitUntil(() => store.getState().entries.length === 90, 'the directory in the page');
    const held = store.getState().directories[h.instanceId]!;
    const entries = store.getState().entries;

    test.clock.advance(60_000);
    await bridge.invoke('directory:refresh', { instanceId: h.instanceId });
    const event = await waitUntil(() => wire.directoryEvents.find((change) => change.diff), 'the diff');
    await waitUntil(() => store.getState().directories[h.instanceId]?.syncedAt === event.diff?.syncedAt, 'the diff applied');
    await bridge.invoke('state:get', undefined);

    expect(event.diff).toMatchObject({ fromSyncedAt: held.syncedAt, added: [], changed: [], removed: [] });
    expect(event.diff?.syncedAt).toBeGreaterThan(held.syncedAt);
    expect(wire.requests.filter((channel) => channel === 'directory:get')).toHaveLength(1);
    const synced = await h.core.directory(h.instanceId);
    expect(store.getState().directories[h.instanceId]).toEqual({
      instanceId: h.instanceId,
      accounts: synced.accounts,
      syncedAt: synced.syncedAt,
    });
    expect(store.getState().entries).toHaveLength(90);
    // Nothing changed: the same entries, so the search index and its scores stay.
    expect(store.getState().entries).toBe(entries);
  });
});
