import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectToOwner } from '../app/agent/agent-client';
import { startAgentServer } from '../app/agent/agent-server';
import type { AgentServer } from '../app/agent/agent-server';
import { startEmulatedCore, startTestEmulator } from '../app/session/test-support/emulated-core';
import type { EmulatedCore, TestEmulator } from '../app/session/test-support/emulated-core';
import { startWebServer } from './server';

/** The owner: the real core, signed in to the emulator. */
let emu: TestEmulator;
let owner: EmulatedCore;

beforeAll(async () => {
  emu = await startTestEmulator({ directory: { accounts: 3, rolesPerAccount: 2, seed: 4, manyRolesEvery: 0 } });
  owner = await startEmulatedCore(emu);
});

afterAll(async () => {
  await owner?.close();
  await emu?.close();
});

let dir: string;
let configDir: string;
let server: AgentServer;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecall-web-owner-'));
  configDir = join(dir, 'rolecall');
  await mkdir(configDir, { mode: 0o700 });
  server = await startAgentServer({
    core: owner.core,
    configDir,
    log: () => undefined,
    notifier: { notify: () => undefined },
    version: 'test',
  });
});

afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('rolecall web as a client of the owner', () => {
  it("serves the UI over the remote client: the page gets the owner's state and its requests reach the owner's core", async () => {
    const client = (await connectToOwner(configDir))!;
    const staticDir = join(dir, 'static');
    await mkdir(staticDir);
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Rolecall</title>');
    const web = await startWebServer({ core: client, staticDir });
    try {
      const url = new URL(web.url);
      const entry = await fetch(web.url, { redirect: 'manual' });
      const cookie = entry.headers.get('set-cookie')!.split(';')[0]!;
      const ws = new WebSocket(`ws://127.0.0.1:${url.port}${web.sessionPath}bridge`, {
        headers: { cookie, origin: `http://127.0.0.1:${url.port}` },
      });
      const messages: Record<string, unknown>[] = [];
      ws.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>));
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      await expect
        .poll(() => messages.find((message) => message.event === 'state:changed'))
        .toMatchObject({ payload: { instances: [{ id: owner.instanceId, session: { status: 'signed-in' } }] } });
      const ref = owner.role(0);
      ws.send(JSON.stringify({ id: 1, channel: 'favorites:toggle', payload: { role: ref } }));
      await expect.poll(() => messages.find((message) => message.id === 1)).toEqual({ id: 1, result: { ok: true } });
      expect(owner.core.snapshot().favorites).toEqual([ref]);
      // The owner's change comes back to the page as an event through the client's subscription.
      await expect
        .poll(() =>
          messages
            .filter((message) => message.event === 'state:changed')
            .some((message) => (message.payload as { favorites: unknown[] }).favorites.length === 1),
        )
        .toBe(true);
      ws.close();
    } finally {
      await web.close();
      await client.stop();
    }
  });
});
