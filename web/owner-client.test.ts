import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectToOwner } from '../app/agent/agent-client';
import { startAgentServer } from '../app/agent/agent-server';
import type { AgentServer } from '../app/agent/agent-server';
import type { RoleRef } from '../app/model/roles';
import { defaultSettings } from '../app/model/settings';
import type { SessionSource } from '../app/ports/session-source';
import { createMemoryCore, generateAccounts } from '../app/session/test-support/memory-core';
import type { MemoryCore } from '../app/session/test-support/memory-core';
import { startWebServer } from './server';

const instance = {
  id: 'acme',
  label: 'Acme',
  startUrl: 'https://d-1234567890.awsapps.com/start',
  region: 'eu-west-1',
  ssoSessionName: 'acme',
};
const accounts = generateAccounts(3);
const ref: RoleRef = { instanceId: 'acme', accountId: accounts[0]!.accountId, roleName: accounts[0]!.roles[0]! };

/** The owner's core: the memory core plus the privileged calls the socket serves. */
const ownerCore = (memory: MemoryCore): SessionSource => ({
  api: memory.api,
  snapshot: () => memory.snapshot(),
  subscribe: (listener) => memory.subscribe(listener),
  start: () => memory.start(),
  stop: () => memory.stop(),
  signIn: async () => undefined,
  sync: async (instanceId) => ({ instanceId, accounts, syncedAt: Date.now(), failedAccounts: [] }),
  directory: async (instanceId) => ({ instanceId, accounts, syncedAt: Date.now(), failedAccounts: [] }),
  credentials: async () => {
    throw new Error('not used');
  },
  formattedCredentials: async () => {
    throw new Error('not used');
  },
  consoleUrl: async () => ({ url: 'https://signin.aws.amazon.com/federation?x', region: 'eu-west-1' }),
  settings: () => ({ ...defaultSettings(), instances: [instance] }),
  instances: () => [instance],
});

let dir: string;
let configDir: string;
let memory: MemoryCore;
let server: AgentServer;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecall-web-owner-'));
  configDir = join(dir, 'rolecall');
  await mkdir(configDir, { mode: 0o700 });
  memory = createMemoryCore({ shell: 'web', signedIn: [{ instance, accounts, sessionEndsAt: Date.now() + 8 * 3600_000 }] });
  server = await startAgentServer({
    core: ownerCore(memory),
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
        .toMatchObject({ payload: { instances: [{ id: 'acme' }] } });
      ws.send(JSON.stringify({ id: 1, channel: 'favorites:toggle', payload: { role: ref } }));
      await expect.poll(() => messages.find((message) => message.id === 1)).toEqual({ id: 1, result: { ok: true } });
      expect(memory.calls).toContain('favorites:toggle');
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
