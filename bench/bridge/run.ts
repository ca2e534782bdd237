import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startWebServer } from '../../web/server';
import type { WebServer } from '../../web/server';
import { startEmulatedCore, startTestEmulator } from '../../app/session/test-support/emulated-core';
import { webBridge } from '../../renderer/bridge/web-bridge';
import type { SocketLike, WebBridge } from '../../renderer/bridge/web-bridge';
import { describeSpread, ratio, spread } from '../support/stats';
import { tradeLaunchLink } from '../../web/test-support/launch-cookie';

/**
 * `npx tsx bench/bridge/run.ts`: the page's bridge to `rolecall web`, in one run:
 *   - an `invoke('state:get')` round trip through webBridge, p50/p95/max, against the same
 *     request written by hand on a raw WebSocket to the same server (the baseline: what the
 *     socket and the server cost without the bridge);
 *   - a call made while the bridge is reconnecting: how long until it fails, against a 0 ms
 *     timer (it should fail before any timer could fire).
 * The unit tests check that such a call fails before the event loop runs anything else; this
 * prints how long it takes and asserts nothing. The last line is one JSON object. Other
 * processes on the machine skew the figures; compare the ratios.
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);

const bridgeUrl = (server: WebServer) => `${new URL(server.url).origin.replace('http:', 'ws:')}${server.sessionPath}bridge`;

const openRaw = (url: string, headers: Record<string, string>): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });

/** One request on a raw socket, written as the bridge writes it, answered by id. */
const rawCall = (socket: WebSocket, id: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const onMessage = (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: { ok: boolean } };
      if (message.id !== id) return;
      socket.off('message', onMessage);
      if (message.result?.ok) resolve();
      else reject(new Error(`the raw state:get was refused: ${data.toString()}`));
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify({ id, channel: 'state:get' }));
  });

const main = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rolecall-bench-bridge-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html>');
  // The real core, signed in to the emulator with 50 accounts: the snapshot state:get returns is a real one.
  const emu = await startTestEmulator({ directory: { accounts: 50, rolesPerAccount: 4, seed: 1, manyRolesEvery: 0 } });
  const h = await startEmulatedCore(emu);
  let server: WebServer | undefined = await startWebServer({ core: h.core, staticDir: dir });
  let bridge: WebBridge | undefined;
  let raw: WebSocket | undefined;
  try {
    const origin = new URL(server.url).origin;
    const cookie = await tradeLaunchLink(server.url);
    const headers = { cookie, origin };
    bridge = webBridge(bridgeUrl(server), {
      createSocket: (url) => new WebSocket(url, { headers }) as unknown as SocketLike,
      minDelayMs: 1_000,
      maxDelayMs: 1_000,
    });
    raw = await openRaw(bridgeUrl(server), headers);
    console.log(`bridge: ${ROUNDS} state:get round trips through webBridge and on a raw socket, interleaved`);
    for (let i = 0; i < 20; i += 1) {
      await bridge.invoke('state:get', undefined);
      await rawCall(raw, 1_000_000 + i);
    }
    const viaBridge: number[] = [];
    const viaRaw: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      let started = performance.now();
      await bridge.invoke('state:get', undefined);
      viaBridge.push(performance.now() - started);
      started = performance.now();
      await rawCall(raw, i + 1);
      viaRaw.push(performance.now() - started);
    }
    const roundTrip = { bridge: spread(viaBridge), raw: spread(viaRaw) };
    console.log(`  webBridge   ${describeSpread(roundTrip.bridge, 3)}`);
    console.log(`  raw socket  ${describeSpread(roundTrip.raw, 3)}   -> p50 ${ratio(roundTrip.bridge.p50, roundTrip.raw.p50)}x`);

    raw.close();
    raw = undefined;
    const dropped = new Promise<void>((resolve) => bridge?.onConnectionChange((state) => state === 'reconnecting' && resolve()));
    await server.close();
    server = undefined;
    await dropped;
    const failFast: number[] = [];
    const zeroTimer: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      let started = performance.now();
      await bridge.invoke('state:get', undefined).catch(() => undefined);
      failFast.push(performance.now() - started);
      started = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 0));
      zeroTimer.push(performance.now() - started);
    }
    const disconnected = { call: spread(failFast, 4), zeroTimer: spread(zeroTimer, 4) };
    console.log(`\nwhile reconnecting (${ROUNDS} calls):`);
    console.log(`  call fails  ${describeSpread(disconnected.call, 4)}`);
    console.log(
      `  0 ms timer  ${describeSpread(disconnected.zeroTimer, 4)}   -> p50 ${ratio(disconnected.call.p50, disconnected.zeroTimer.p50, 3)}x`,
    );

    console.log(
      JSON.stringify({
        bench: 'bridge',
        node: process.version,
        rounds: ROUNDS,
        roundTripMs: roundTrip,
        roundTripRatioP50: ratio(roundTrip.bridge.p50, roundTrip.raw.p50),
        roundTripRatioP95: ratio(roundTrip.bridge.p95, roundTrip.raw.p95),
        disconnectedMs: disconnected,
        disconnectedVsZeroTimerP50: ratio(disconnected.call.p50, disconnected.zeroTimer.p50, 3),
      }),
    );
  } finally {
    bridge?.close();
    raw?.close();
    await server?.close();
    await h.close();
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  }
};

await main();
