import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { AppSnapshot } from '../../app/model/snapshot';
import { startWebServer } from '../../web/server';
import type { WebServer } from '../../web/server';
import { startEmulatedCore, startTestEmulator } from '../../app/session/test-support/emulated-core';
import type { EmulatedCore, TestEmulator } from '../../app/session/test-support/emulated-core';
import { BridgeError } from './bridge-error';
import { webBridge } from './web-bridge';
import type { ConnectionState, SocketLike, WebBridge } from './web-bridge';
import { tradeLaunchLink } from '../../web/test-support/launch-cookie';

/** The real core, signed in to the emulator (one of each per file), behind a new server per test. */
let emu: TestEmulator;
let h: EmulatedCore;
let dir: string;
let server: WebServer;
let bridge: WebBridge | undefined;

// The launch link works once per server: remember the cookie it gave.
const cookies = new Map<string, Promise<string>>();
const cookieFor = (url: string): Promise<string> => {
  const known = cookies.get(url);
  if (known) return known;
  const cookie = tradeLaunchLink(url);
  cookies.set(url, cookie);
  return cookie;
};

/** The bridge as the page would build it, with the browser's cookie and Origin. */
const connectBridge = async (target: WebServer): Promise<WebBridge> => {
  const origin = new URL(target.url).origin;
  const cookie = await cookieFor(target.url);
  return webBridge(`${origin.replace('http:', 'ws:')}${target.sessionPath}bridge`, {
    createSocket: (url) => new WebSocket(url, { headers: { cookie, origin } }) as unknown as SocketLike,
    minDelayMs: 20,
    maxDelayMs: 100,
  });
};

/** Waits for a condition. The bound only turns a hang into a readable failure before the test's own timeout; it is not a speed budget. */
const until = async (check: () => boolean, hangGuardMs = 20_000): Promise<void> => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > hangGuardMs)
      throw new Error(`the condition still does not hold after ${hangGuardMs} ms: ${check.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

beforeAll(async () => {
  emu = await startTestEmulator({ directory: { accounts: 4, rolesPerAccount: 2, seed: 5, manyRolesEvery: 0 } });
  h = await startEmulatedCore(emu);
});

afterAll(async () => {
  await h?.close();
  await emu?.close();
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecall-bridge-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html>');
  server = await startWebServer({ core: h.core, staticDir: dir });
});

afterEach(async () => {
  emu.emulator.setFaults({});
  bridge?.close();
  bridge = undefined;
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('webBridge against startWebServer', () => {
  it('invokes channels and resolves with the core value', async () => {
    bridge = await connectBridge(server);
    const snapshot = await bridge.invoke('state:get', undefined);
    expect(snapshot.instances.map((i) => i.id)).toEqual([h.instanceId]);
    expect(snapshot.instances[0]?.session.status).toBe('signed-in');
    const directory = await bridge.invoke('directory:get', { instanceId: h.instanceId });
    expect(directory?.accounts.map((a) => a.accountId)).toEqual(h.accounts().map((a) => a.accountId));
    expect(directory?.accounts).toHaveLength(4);
    expect(bridge.connection()).toBe('open');
  });

  it('rejects with a BridgeError carrying the code and sentence', async () => {
    bridge = await connectBridge(server);
    const failure = bridge.invoke('instance:add', { startUrl: 'ftp://nope', region: 'eu-west-1' }).catch((error: unknown) => error);
    const error = await failure;
    expect(error).toBeInstanceOf(BridgeError);
    expect((error as BridgeError).code).toBe('invalid-input');
    expect((error as BridgeError).message).toContain('must use https');
    const missing = (await bridge.invoke('session:sign-out', { instanceId: 'ghost' }).catch((e: unknown) => e)) as BridgeError;
    expect([missing.code, missing.message]).toEqual(['not-found', 'No instance "ghost" is configured; add it first.']);
  });

  it('delivers pushed events to listeners until they unsubscribe', async () => {
    bridge = await connectBridge(server);
    const favorites: number[] = [];
    const off = bridge.on('state:changed', (snapshot: AppSnapshot) => favorites.push(snapshot.favorites.length));
    await until(() => favorites.length > 0);
    const role = h.role(0);
    await bridge.invoke('favorites:toggle', { role });
    await until(() => favorites.at(-1) === 1);
    off();
    await bridge.invoke('favorites:toggle', { role });
    await bridge.invoke('state:get', undefined);
    expect(favorites.at(-1)).toBe(1);
  });

  it('answers state:get from the greeting without asking the server, and waits for the greeting when none came yet', async () => {
    const origin = new URL(server.url).origin;
    const cookie = await cookieFor(server.url);
    const sent: string[] = [];
    bridge = webBridge(`${origin.replace('http:', 'ws:')}${server.sessionPath}bridge`, {
      createSocket: (url) => {
        const socket = new WebSocket(url, { headers: { cookie, origin } });
        const send = socket.send.bind(socket);
        socket.send = ((data: string) => {
          sent.push(JSON.parse(data).channel as string);
          send(data);
        }) as typeof socket.send;
        return socket as unknown as SocketLike;
      },
    });
    const greetings: AppSnapshot[] = [];
    bridge.on('state:changed', (snapshot: AppSnapshot) => greetings.push(snapshot));
    // Asked before the socket is open: answered by the greeting itself.
    const early = await bridge.invoke('state:get', undefined);
    expect(early).toBe(greetings[0]);
    expect(early.instances.map((i) => i.id)).toEqual([h.instanceId]);
    // A change arrives as an event; state:get then answers with it.
    await bridge.invoke('favorites:toggle', { role: h.role(0) });
    await until(() => greetings.at(-1)?.favorites.length === 1);
    expect((await bridge.invoke('state:get', undefined)).favorites).toHaveLength(1);
    await bridge.invoke('favorites:toggle', { role: h.role(0) });
    expect(sent).toEqual(['favorites:toggle', 'favorites:toggle']);
  });

  it('queues calls made before the socket opens', async () => {
    bridge = await connectBridge(server);
    expect(bridge.connection()).toBe('connecting');
    const value = await bridge.invoke('preferences:update', { clipboardClearSeconds: 15 });
    expect(value.clipboardClearSeconds).toBe(15);
  });

  it('fails calls at once while disconnected, and fails calls in flight when the socket drops', async () => {
    bridge = await connectBridge(server);
    const states: ConnectionState[] = [];
    bridge.onConnectionChange((state) => states.push(state));
    await bridge.invoke('state:get', undefined);
    // A copy the emulator takes a minute to answer: still in flight when the server goes.
    emu.emulator.setFaults({ operations: { GetRoleCredentials: { latencyMs: 60_000 } } });
    const inFlight = bridge.invoke('credentials:copy', { role: h.role(3, 1) }).catch((error: unknown) => error);
    await expect.poll(() => emu.emulator.counters().GetRoleCredentials?.requests ?? 0).toBeGreaterThan(0);
    await server.close();
    expect(await inFlight).toMatchObject({ code: 'disconnected' });
    emu.emulator.setFaults({});
    await until(() => states.includes('reconnecting'));
    // "At once" without a stopwatch: the call has failed before the event loop runs anything
    // else (no timer, no reconnect attempt, no socket event), while the server is still down.
    // How long that takes is a figure in bench/bridge.
    let outcome: unknown;
    void bridge.invoke('state:get', undefined).then(
      () => (outcome = 'answered'),
      (error: unknown) => (outcome = error),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(outcome).toMatchObject({ code: 'disconnected' });
    expect(bridge.connection()).toBe('reconnecting');
  });

  it('keeps retrying while the server refuses, and recovers once it accepts', async () => {
    let accept = false;
    const origin = new URL(server.url).origin;
    const cookie = await cookieFor(server.url);
    let attempts = 0;
    bridge = webBridge(`${origin.replace('http:', 'ws:')}${server.sessionPath}bridge`, {
      createSocket: (url) => {
        attempts += 1;
        return new WebSocket(url, { headers: accept ? { cookie, origin } : { origin } }) as unknown as SocketLike;
      },
      minDelayMs: 10,
      maxDelayMs: 40,
    });
    await until(() => attempts >= 3);
    expect(bridge.connection()).toBe('reconnecting');
    accept = true;
    await until(() => bridge?.connection() === 'open');
    expect((await bridge.invoke('state:get', undefined)).instances).toHaveLength(1);
  });

  it('fails every call after close()', async () => {
    bridge = await connectBridge(server);
    await bridge.invoke('state:get', undefined);
    bridge.close();
    await expect(bridge.invoke('state:get', undefined)).rejects.toMatchObject({ code: 'disconnected' });
  });
});
