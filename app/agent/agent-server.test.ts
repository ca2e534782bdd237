import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestChannel } from '../ipc/contract';
import type { RolecallError } from '../model/errors';
import type { RoleRef } from '../model/roles';
import type { RoleCredentials } from '../model/tokens';
import type { Notification } from '../ports/desktop';
import type { SessionSource } from '../ports/session-source';
import { recordingCalls, startEmulatedCore, startTestEmulator } from '../session/test-support/emulated-core';
import type { EmulatedCore, TestEmulator } from '../session/test-support/emulated-core';
import { connectToOwner } from './agent-client';
import { startAgentServer, startOwner } from './agent-server';
import type { AgentServer } from './agent-server';
import { endpointFilePath, readEndpoint, socketPathFor, writeEndpoint } from './endpoint';
import { fallBackWhenOwnerGone } from './fallback-source';
import { tryBecomeOwner } from './owner-lock';
import { AGENT_PROTOCOL_VERSION, MAX_REQUEST_FRAME_BYTES } from './protocol';

interface TestCore extends SessionSource {
  /** The real core underneath, signed in to the emulator. */
  readonly h: EmulatedCore;
  /** Which API requests reached the core. */
  readonly calls: RequestChannel[];
  /** Which privileged calls (directory, credentials) reached the core. */
  readonly privilegedCalls: string[];
}

let emu: TestEmulator;
const extraCores: EmulatedCore[] = [];

/** A real core signed in to the emulator, recording (only watching) what reaches it. */
const testCore = async (): Promise<TestCore> => {
  const h = await startEmulatedCore(emu);
  const { core: recorded, calls } = recordingCalls(h.core);
  const privilegedCalls: string[] = [];
  return {
    ...recorded,
    h,
    calls,
    privilegedCalls,
    directory: (instanceId) => {
      privilegedCalls.push('directory');
      return h.core.directory(instanceId);
    },
    credentials: (wanted) => {
      privilegedCalls.push('credentials');
      return h.core.credentials(wanted);
    },
  };
};

/** Credentials the emulator issued for exactly that role. */
const issuedFor = (credentials: RoleCredentials, role: RoleRef) =>
  expect(emu.emulator.credentialsOwner(credentials.accessKeyId)).toMatchObject({ accountId: role.accountId, roleName: role.roleName });

/** A raw connection: send lines, read the frames that come back. */
const rawClient = async (socketPath: string) => {
  const socket = connect(socketPath);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const frames: Record<string, unknown>[] = [];
  let buffer = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      frames.push(JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>);
      buffer = buffer.slice(nl + 1);
    }
  });
  socket.on('error', () => undefined);
  socket.on('close', () => (closed = true));
  const next = async (count = 1): Promise<Record<string, unknown>[]> => {
    for (let i = 0; i < 500 && frames.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    return frames.splice(0, count);
  };
  return { socket, send: (line: string) => socket.write(line), next, isClosed: () => closed };
};

let dir: string;
let configDir: string;
/** The owner's core: one per file, signed in; each test gets its own socket and config dir. */
let core: TestCore;
let ref: RoleRef;
let server: AgentServer;
let secret: string;
const notifications: Notification[] = [];
const logs: string[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({ directory: { accounts: 3, rolesPerAccount: 3, seed: 2, manyRolesEvery: 0 } });
  core = await testCore();
  ref = core.h.role(0);
});

afterAll(async () => {
  await Promise.all([core?.h, ...extraCores].map((c) => c?.close()));
  await emu?.close();
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecall-agent-'));
  configDir = join(dir, 'rolecall');
  await mkdir(configDir, { mode: 0o700 });
  core.calls.length = 0;
  core.privilegedCalls.length = 0;
  notifications.length = 0;
  logs.length = 0;
  server = await startAgentServer({
    core,
    configDir,
    log: (line) => logs.push(line),
    notifier: { notify: (n) => notifications.push(n) },
    version: 'test',
  });
  secret = (await readEndpoint(configDir))!.secret;
});

afterEach(async () => {
  emu.emulator.setFaults({});
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the agent socket', () => {
  it('is private: the socket and agent.json are 0600 in the 0700 config dir, and the endpoint names socket, pid, version, protocol', async () => {
    expect(server.socketPath).toBe(join(configDir, 'agent.sock'));
    expect((await stat(server.socketPath)).mode & 0o777).toBe(0o600);
    expect((await stat(endpointFilePath(configDir))).mode & 0o777).toBe(0o600);
    expect((await stat(configDir)).mode & 0o777).toBe(0o700);
    const endpoint = JSON.parse(await readFile(endpointFilePath(configDir), 'utf8')) as Record<string, unknown>;
    expect(endpoint).toEqual({
      socketPath: server.socketPath,
      pid: process.pid,
      version: 'test',
      protocol: AGENT_PROTOCOL_VERSION,
      secret: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it("serves the IPC contract and the privileged calls through a client with the core's shape", async () => {
    const client = (await connectToOwner(configDir))!;
    expect(client.pid).toBe(process.pid);
    expect(client.instances()).toEqual(core.h.core.instances());
    expect(client.instances().map((i) => i.label)).toEqual(['Acme']);
    expect(client.snapshot().instances[0]).toMatchObject({ id: core.h.instanceId, session: { status: 'signed-in' } });
    const credentials = await client.credentials(ref);
    issuedFor(credentials, ref);
    expect((await client.formattedCredentials(ref, 'posix')).text).toContain(credentials.accessKeyId);
    expect((await client.directory(core.h.instanceId)).accounts).toEqual(core.h.accounts());
    expect(core.h.accounts()).toHaveLength(3);
    expect(await client.api['directory:get']({ instanceId: core.h.instanceId })).toMatchObject({ instanceId: core.h.instanceId });
    const events: string[] = [];
    client.subscribe((event) => events.push(event.channel));
    await client.api['favorites:toggle']({ role: ref });
    await expect.poll(() => events).toContain('state:changed');
    expect(client.snapshot().favorites).toEqual([ref]);
    // The owner validates with the contract's schema; the error crosses with its code and one sentence.
    await expect(client.api['instance:add']({ startUrl: 'http://evil.example/start', region: 'us-east-1' })).rejects.toMatchObject({
      code: 'invalid-input',
      userMessage: expect.stringMatching(/^Rejected a malformed "instance:add" request/),
    });
    await client.stop();
  });

  it('refuses a request without the secret before it reaches the core, and closes that connection', async () => {
    const raw = await rawClient(server.socketPath);
    raw.send(`${JSON.stringify({ v: AGENT_PROTOCOL_VERSION, id: 1, secret: 'f'.repeat(64), kind: 'credentials', ref })}\n`);
    const [reply] = await raw.next();
    expect(reply).toEqual({
      id: 1,
      ok: false,
      error: { code: 'forbidden', message: "Refused a request without the Rolecall agent's secret." },
    });
    await expect.poll(() => raw.isClosed()).toBe(true);
    const noSecret = await rawClient(server.socketPath);
    noSecret.send(`${JSON.stringify({ v: AGENT_PROTOCOL_VERSION, id: 2, kind: 'credentials', ref })}\n`);
    expect((await noSecret.next())[0]).toMatchObject({ id: 2, ok: false, error: { code: 'invalid-input' } });
    expect(core.privilegedCalls).toEqual([]);
    noSecret.socket.destroy();
    // The owner stays up for everyone else.
    const client = (await connectToOwner(configDir))!;
    issuedFor(await client.credentials(ref), ref);
    await client.stop();
  });

  it('tells a client of another protocol version, in one sentence naming both versions', async () => {
    const raw = await rawClient(server.socketPath);
    raw.send(`${JSON.stringify({ v: 2, id: 7, secret, kind: 'settings' })}\n`);
    const [reply] = await raw.next();
    expect(reply).toMatchObject({ id: 7, ok: false, error: { code: 'protocol-version' } });
    const message = (reply!.error as { message: string }).message;
    expect(message).toBe(
      'This client speaks Rolecall agent protocol 2 but the running Rolecall owner speaks protocol 1; update both to the same version (or set ROLECALL_NO_AGENT=1 to work alone).',
    );
    expect(message.split('. ').length).toBe(1);
  });

  it('answers malformed JSON and malformed requests with errors and keeps answering on the same connection', async () => {
    const raw = await rawClient(server.socketPath);
    raw.send('{not json\n');
    raw.send(`${JSON.stringify({ v: 1, id: 3, secret, kind: 'teleport' })}\n`);
    raw.send(
      `${JSON.stringify({ v: 1, id: 4, secret, kind: 'api', channel: 'instance:add', payload: { startUrl: 'http://evil', region: 'x' } })}\n`,
    );
    raw.send(`${JSON.stringify({ v: 1, id: 5, secret, kind: 'api', channel: 'secrets:dump' })}\n`);
    raw.send(`${JSON.stringify({ v: 1, id: 6, secret, kind: 'credentials', ref: { ...ref, roleName: 'Bad Role!' } })}\n`);
    raw.send(`${JSON.stringify({ v: 1, id: 8, secret, kind: 'credentials', ref })}\n`);
    const replies = await raw.next(6);
    expect(replies[0]).toEqual({
      id: null,
      ok: false,
      error: { code: 'invalid-input', message: 'Rejected an agent request that is not JSON.' },
    });
    for (const reply of replies.slice(1, 5)) expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(
      replies
        .slice(1, 5)
        .map((reply) => reply.id)
        .sort(),
    ).toEqual([3, 4, 5, 6]);
    expect(replies[5]).toMatchObject({ id: 8, ok: true, result: { accessKeyId: expect.stringMatching(/^ASIA/) } });
    issuedFor(replies[5]!.result as RoleCredentials, ref);
    expect(core.calls).not.toContain('instance:add');
    expect(core.privilegedCalls).toEqual(['credentials']);
    raw.socket.destroy();
  });

  it('refuses a frame over 1 MiB, closes that connection, and stays up', async () => {
    const raw = await rawClient(server.socketPath);
    raw.send(`{"v":1,"id":9,"secret":"${secret}","kind":"api","channel":"state:get","payload":"${'x'.repeat(MAX_REQUEST_FRAME_BYTES)}"}\n`);
    const [reply] = await raw.next();
    expect(reply).toMatchObject({
      id: null,
      ok: false,
      error: { code: 'invalid-input', message: expect.stringMatching(/larger than 1 MiB/) },
    });
    await expect.poll(() => raw.isClosed()).toBe(true);
    const client = (await connectToOwner(configDir))!;
    expect(client.snapshot().instances).toHaveLength(1);
    await client.stop();
  });

  it('rejects pending calls with owner-gone when the owner dies mid-request, and the fallback finishes them alone', async () => {
    // A role no other test asks for, whose credentials the emulator takes a minute to give.
    const slow = core.h.role(1, 1);
    emu.emulator.setFaults({ operations: { GetRoleCredentials: { latencyMs: 60_000 } } });
    const asked = () => emu.emulator.counters().GetRoleCredentials?.requests ?? 0;
    const before = asked();
    const client = (await connectToOwner(configDir))!;
    const pending = client.credentials(slow);
    await expect.poll(asked).toBeGreaterThan(before);
    // Handled before the owner goes: the client may reject it while close() is still running.
    const rejected = expect(pending).rejects.toMatchObject({ code: 'owner-gone' });
    await server.close();
    await rejected;
    await expect(client.credentials(slow)).rejects.toMatchObject({ code: 'owner-gone' });

    server = await startAgentServer({ core, configDir });
    const again = (await connectToOwner(configDir))!;
    const local = await testCore();
    extraCores.push(local.h);
    const source = fallBackWhenOwnerGone(again, async () => local);
    const reachedOwner = core.privilegedCalls.length;
    const call = source.credentials(slow);
    // The owner joins its GetRoleCredentials for that role, still held by the emulator; the
    // fallback's own request (made after the owner goes) is answered at once.
    await expect.poll(() => core.privilegedCalls.length).toBeGreaterThan(reachedOwner);
    emu.emulator.setFaults({});
    await server.close();
    issuedFor(await call, slow);
    expect(local.privilegedCalls).toEqual(['credentials']);
  });

  it('raises one "Sign in to continue" for any number of signed-out callers, and again only after a new sign-in', async () => {
    await core.h.core.api['session:sign-out']({ instanceId: core.h.instanceId });
    const clients = await Promise.all(Array.from({ length: 10 }, () => connectToOwner(configDir)));
    const results = await Promise.allSettled(clients.map((client) => client!.credentials(ref)));
    expect(results.every((result) => result.status === 'rejected' && (result.reason as RolecallError).code === 'signed-out')).toBe(true);
    expect(notifications).toEqual([{ title: 'Sign in to continue', body: expect.stringContaining('Acme') }]);
    // A real sign-in, seen by the agent server (it subscribed before this listener), then signed out again.
    const signedInSeen = new Promise<void>((resolve) => {
      const off = core.h.core.subscribe((event) => {
        if (event.channel !== 'state:changed' || !event.payload.instances.some((i) => i.session.status === 'signed-in')) return;
        off();
        resolve();
      });
    });
    await core.h.signIn();
    await signedInSeen;
    await core.h.core.api['session:sign-out']({ instanceId: core.h.instanceId });
    await expect(clients[0]!.credentials(ref)).rejects.toMatchObject({ code: 'signed-out' });
    expect(notifications).toHaveLength(2);
    await Promise.all(clients.map((client) => client!.stop()));
    // The owner is signed in again for the tests that follow.
    await core.h.signIn();
  });
});

describe('finding the owner', () => {
  it('answers undefined when no owner answers: no endpoint, a dead pid, a missing socket, or ROLECALL_NO_AGENT=1', async () => {
    expect(await connectToOwner(configDir, { env: { ROLECALL_NO_AGENT: '1' } })).toBeUndefined();
    const endpoint = (await readEndpoint(configDir))!;
    await server.close();
    expect(await connectToOwner(configDir)).toBeUndefined();
    await writeEndpoint(configDir, { ...endpoint, pid: 2 ** 22 + 12345 });
    expect(await connectToOwner(configDir)).toBeUndefined();
    await writeEndpoint(configDir, endpoint);
    expect(await connectToOwner(configDir, { timeoutMs: 200 })).toBeUndefined();
    await writeFile(endpointFilePath(configDir), 'not json');
    expect(await connectToOwner(configDir)).toBeUndefined();
    server = await startAgentServer({ core, configDir });
  });

  it('tells a client when the endpoint is of another protocol, and works alone', async () => {
    const endpoint = (await readEndpoint(configDir))!;
    await writeEndpoint(configDir, { ...endpoint, protocol: 7 });
    const said: string[] = [];
    expect(await connectToOwner(configDir, { onIncompatible: (message) => said.push(message) })).toBeUndefined();
    expect(said).toEqual([expect.stringMatching(/protocol 1 but the running Rolecall owner speaks protocol 7/)]);
  });

  it('puts the socket in a private temp dir when the config dir path is too long for a Unix socket', async () => {
    const longDir = join(dir, 'x'.repeat(120));
    const path = socketPathFor(longDir);
    expect(path.startsWith(tmpdir())).toBe(true);
    expect(Buffer.byteLength(path)).toBeLessThan(104);
    const longServer = await startAgentServer({ core, configDir: longDir });
    try {
      expect((await readEndpoint(longDir))!.socketPath).toBe(path);
      expect((await stat(join(path, '..'))).mode & 0o777).toBe(0o700);
      const client = (await connectToOwner(longDir))!;
      issuedFor(await client.credentials(ref), ref);
      await client.stop();
    } finally {
      await longServer.close();
    }
    expect(socketPathFor('C:\\Users\\me\\AppData\\Roaming\\Rolecall', 'win32')).toMatch(/^\\\\\.\\pipe\\rolecall-[0-9a-f]{24}$/);
  });
});

describe('the owner lock', () => {
  it('lets one owner per config dir in, and a stale lock (a killed owner) be taken over', async () => {
    const lockDir = join(dir, 'locks');
    const first = await tryBecomeOwner(lockDir);
    expect(first).toBeDefined();
    expect(await tryBecomeOwner(lockDir)).toBeUndefined();
    await first!.release();
    const second = await tryBecomeOwner(lockDir);
    expect(second).toBeDefined();
    await second!.release();
    // What a SIGKILLed owner leaves: the lock directory, no longer touched.
    await mkdir(join(lockDir, 'agent.lock'));
    const old = new Date(Date.now() - 60_000);
    await utimes(join(lockDir, 'agent.lock'), old, old);
    const recovered = await tryBecomeOwner(lockDir);
    expect(recovered).toBeDefined();
    await recovered!.release();
  });

  it('startOwner defers to a running owner and names its pid, without building a core', async () => {
    const otherDir = join(dir, 'other');
    const owner = await startOwner({ configDir: otherDir, openCore: async () => core });
    expect(owner.status).toBe('owner');
    let built = false;
    const second = await startOwner({
      configDir: otherDir,
      openCore: async () => {
        built = true;
        return core;
      },
    });
    expect(second).toEqual({ status: 'deferred', pid: process.pid });
    expect(built).toBe(false);
    if (owner.status === 'owner') await owner.close();
    expect(await readEndpoint(otherDir)).toBeUndefined();
  });
});
