import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectToOwner } from '../app/agent/agent-client';
import { startAgentServer } from '../app/agent/agent-server';
import type { AgentServer } from '../app/agent/agent-server';
import { startEmulatedCore, startTestEmulator, waitUntil } from '../app/session/test-support/emulated-core';
import type { EmulatedCore, TestEmulator } from '../app/session/test-support/emulated-core';
import { signedStsCall, xmlValue } from '../emulator/test-support/sts-signer';
import { startWebServer } from './server';
import type { WebServer } from './server';

/** The owners: real cores, signed in to the emulator, one as `rolecall web` builds it, one as the desktop app does. */
let emu: TestEmulator;
let owner: EmulatedCore;
let desktop: EmulatedCore;

beforeAll(async () => {
  emu = await startTestEmulator({ directory: { accounts: 3, rolesPerAccount: 2, seed: 4, manyRolesEvery: 0 } });
  owner = await startEmulatedCore(emu);
  desktop = await startEmulatedCore(emu, { shell: 'desktop', label: 'Desktop' });
});

afterAll(async () => {
  await owner?.close();
  await desktop?.close();
  await emu?.close();
});

let dir: string;
let configDir: string;
const servers: AgentServer[] = [];

/** Serves `core` on the agent socket of this test's config dir, as startOwner does for the owner. */
const serve = async (core: EmulatedCore['core']): Promise<void> => {
  servers.push(await startAgentServer({ core, configDir, log: () => undefined, notifier: { notify: () => undefined }, version: 'test' }));
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecall-web-owner-'));
  configDir = join(dir, 'rolecall');
  await mkdir(configDir, { mode: 0o700 });
});

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await rm(dir, { recursive: true, force: true });
});

interface Page {
  send(id: number, channel: string, payload?: unknown): void;
  reply(id: number): Promise<Record<string, unknown>>;
  readonly messages: Record<string, unknown>[];
  close(): Promise<void>;
}

/** `rolecall web` as the client of the owner on the socket, and a page of it on the bridge. */
const openPage = async (): Promise<Page> => {
  const client = (await connectToOwner(configDir))!;
  const staticDir = join(dir, 'static');
  await mkdir(staticDir);
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Rolecall</title>');
  const web: WebServer = await startWebServer({ core: client, staticDir });
  const url = new URL(web.url);
  const entry = await fetch(web.url, { redirect: 'manual' });
  const cookie = entry.headers.get('set-cookie')!.split(';')[0]!;
  const ws = new WebSocket(`ws://127.0.0.1:${url.port}${web.sessionPath}bridge`, {
    headers: { cookie, origin: `http://127.0.0.1:${url.port}` },
  });
  const messages: Record<string, unknown>[] = [];
  ws.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    messages,
    send: (id, channel, payload) => ws.send(JSON.stringify({ id, channel, payload })),
    reply: (id) => waitUntil(() => messages.find((message) => message.id === id), `the answer to request ${id}`),
    close: async () => {
      ws.close();
      await web.close();
      await client.stop();
    },
  };
};

describe('rolecall web as a client of the owner', () => {
  it("serves the UI over the remote client: the page gets the owner's state and its requests reach the owner's core", async () => {
    await serve(owner.core);
    const page = await openPage();
    try {
      await expect
        .poll(() => page.messages.find((message) => message.event === 'state:changed'))
        .toMatchObject({ payload: { instances: [{ id: owner.instanceId, session: { status: 'signed-in' } }] } });
      const ref = owner.role(0);
      page.send(1, 'favorites:toggle', { role: ref });
      expect(await page.reply(1)).toEqual({ id: 1, result: { ok: true } });
      expect(owner.core.snapshot().favorites).toEqual([ref]);
      // The owner's change comes back to the page as an event through the client's subscription.
      await expect
        .poll(() =>
          page.messages
            .filter((message) => message.event === 'state:changed')
            .some((message) => (message.payload as { favorites: unknown[] }).favorites.length === 1),
        )
        .toBe(true);
    } finally {
      await page.close();
    }
  });
});

describe('rolecall web as a client of the desktop app (the owner, whose core copies onto its own clipboard)', () => {
  it("hands the page the copied credentials and the console URL it asked for; the desktop's clipboard and browser stay untouched", async () => {
    await desktop.core.api['preferences:update']({ clipboardClearSeconds: 45 });
    await serve(desktop.core);
    const page = await openPage();
    try {
      const role = desktop.role(1);
      page.send(1, 'credentials:copy', { role, format: 'json' });
      const copied = (await page.reply(1)).result as {
        ok: boolean;
        value: { clipboardText?: string; format: string; clearsAfterSeconds: number; role: unknown };
      };
      expect(copied).toMatchObject({ ok: true, value: { format: 'json', clearsAfterSeconds: 45, role } });
      // Working credentials of that role: the emulator's STS answers GetCallerIdentity signed with them.
      const issued = JSON.parse(copied.value.clipboardText ?? '{}') as Record<string, string>;
      expect(desktop.emulator.credentialsOwner(issued.AccessKeyId ?? '')).toMatchObject({
        accountId: role.accountId,
        roleName: role.roleName,
      });
      const identity = await signedStsCall(
        desktop.emulator.stsEndpoint,
        { accessKeyId: issued.AccessKeyId!, secretAccessKey: issued.SecretAccessKey!, sessionToken: issued.SessionToken! },
        { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      );
      expect(identity.status).toBe(200);
      expect(xmlValue(identity.text, 'Account')).toBe(role.accountId);

      page.send(2, 'console:open', { role });
      const opened = (await page.reply(2)).result as { ok: boolean; value: { url?: string; region: string } };
      expect(opened).toMatchObject({ ok: true, value: { role } });
      expect(opened.value.url).toMatch(new RegExp(`^${desktop.emulator.url}/`));

      // The page delivers both in its browser; the desktop process wrote and opened nothing.
      expect(desktop.clipboard).toEqual([]);
      expect(desktop.opened).toEqual([]);
      expect(desktop.core.settings().recents[0]).toEqual(role);
    } finally {
      await page.close();
    }
  });

  it("still keeps both from the desktop's own window: its core copies onto its clipboard, clears it as preferred, and opens the console", async () => {
    await desktop.core.api['preferences:update']({ clipboardClearSeconds: 45 });
    await serve(desktop.core);
    const role = desktop.role(0);
    const copied = await desktop.core.api['credentials:copy']({ role, format: 'json' });
    expect(copied).not.toHaveProperty('clipboardText');
    expect(copied.clearsAfterSeconds).toBe(45);
    const written = desktop.clipboard.at(-1) ?? '';
    const issued = JSON.parse(written || '{}') as Record<string, string>;
    expect(desktop.emulator.credentialsOwner(issued.AccessKeyId ?? '')).toMatchObject({ accountId: role.accountId });

    const opened = await desktop.core.api['console:open']({ role });
    expect(opened).not.toHaveProperty('url');
    expect(desktop.opened.at(-1)).toMatch(new RegExp(`^${desktop.emulator.url}/`));

    // The preference holds for the clipboard the desktop wrote.
    emu.clock.advance(45_000);
    await waitUntil(() => desktop.clipboard.at(-1) === '', 'the desktop clipboard to be cleared');
  });
});

describe('opening the verification page of a sign-in under way in the desktop owner', () => {
  it("hands the page the URL to open in its own browser, while the desktop's own window still has its core open it", async () => {
    const pending = await startEmulatedCore(emu, { shell: 'desktop', label: 'Pending', signIn: false });
    try {
      await serve(pending.core);
      await pending.core.api['session:sign-in']({ instanceId: pending.instanceId, flow: 'device' });
      const shown = await waitUntil(() => pending.view().session.signIn?.verificationUriComplete, 'the verification page');
      const page = await openPage();
      try {
        page.send(1, 'session:open-verification', { instanceId: pending.instanceId });
        expect(await page.reply(1)).toEqual({ id: 1, result: { ok: true, value: { url: shown } } });
        // The page opens it; the desktop process opened nothing.
        expect(pending.opened).toEqual([]);
      } finally {
        await page.close();
      }
      expect(await pending.core.api['session:open-verification']({ instanceId: pending.instanceId })).toEqual({});
      expect(pending.opened).toEqual([shown]);
      // Approving it in that browser still completes the sign-in the desktop started.
      pending.emulator.approveDevice(pending.view().session.signIn!.userCode!);
      await waitUntil(() => pending.view().session.status === 'signed-in', 'the sign-in to complete');
    } finally {
      await pending.close();
    }
  });
});
