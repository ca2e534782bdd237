import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RolecallError } from '../model/errors';
import type { RoleRef } from '../model/roles';
import { defaultSettings } from '../model/settings';
import type { Notification } from '../ports/desktop';
import type { SessionSource } from '../ports/session-source';
import { createMemoryCore, generateAccounts } from '../session/test-support/memory-core';
import type { MemoryCore } from '../session/test-support/memory-core';
import { connectToOwner } from './agent-client';
import { startAgentServer, startOwner } from './agent-server';
import type { AgentServer } from './agent-server';
import { endpointFilePath, readEndpoint, socketPathFor, writeEndpoint } from './endpoint';
import { fallBackWhenOwnerGone } from './fallback-source';
import { tryBecomeOwner } from './owner-lock';
import { AGENT_PROTOCOL_VERSION, MAX_REQUEST_FRAME_BYTES } from './protocol';

const instance = {
  id: 'acme',
  label: 'Acme',
  startUrl: 'https://d-1234567890.awsapps.com/start',
  region: 'eu-west-1',
  ssoSessionName: 'acme',
};
const accounts = generateAccounts(3);
const ref: RoleRef = { instanceId: 'acme', accountId: accounts[0]!.accountId, roleName: accounts[0]!.roles[0]! };
const fakeCredentials = { accessKeyId: 'ASIAOWNER', secretAccessKey: 'secret', sessionToken: 'token', expiration: Date.now() + 3_600_000 };

interface TestCore extends SessionSource {
  readonly memory: MemoryCore;
  /** How many privileged calls reached the core. */
  readonly privilegedCalls: string[];
  credentialsImpl: (ref: RoleRef) => Promise<typeof fakeCredentials>;
}

/** The memory core of the web tests plus the privileged calls the CLI needs. */
const testCore = (): TestCore => {
  const memory = createMemoryCore({ shell: 'web', signedIn: [{ instance, accounts, sessionEndsAt: Date.now() + 8 * 3600_000 }] });
  const privilegedCalls: string[] = [];
  const core: TestCore = {
    memory,
    privilegedCalls,
    api: memory.api,
    snapshot: () => memory.snapshot(),
    subscribe: (listener) => memory.subscribe(listener),
    start: () => memory.start(),
    stop: () => memory.stop(),
    credentialsImpl: async () => fakeCredentials,
    signIn: async () => undefined,
    sync: async (instanceId) => ({ instanceId, accounts, syncedAt: Date.now(), failedAccounts: [] }),
    directory: async (instanceId) => {
      privilegedCalls.push('directory');
      return { instanceId, accounts, syncedAt: Date.now(), failedAccounts: [] };
    },
    credentials: (wanted) => {
      privilegedCalls.push('credentials');
      return core.credentialsImpl(wanted);
    },
    formattedCredentials: async (wanted) => ({
      text: `export AWS_ACCESS_KEY_ID=${fakeCredentials.accessKeyId}`,
      credentials: await core.credentials(wanted),
    }),
    consoleUrl: async () => ({ url: 'https://signin.aws.amazon.com/federation?x', region: 'eu-west-1' }),
    settings: () => ({ ...defaultSettings(), instances: [instance] }),
    instances: () => [instance],
  };
  return core;
};

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
let core: TestCore;
let server: AgentServer;
let secret: string;
const notifications: Notification[] = [];
const logs: string[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecall-agent-'));
  configDir = join(dir, 'rolecall');
  await mkdir(configDir, { mode: 0o700 });
  core = testCore();
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
    expect(client.instances()).toEqual([instance]);
    expect(client.snapshot().instances[0]).toMatchObject({ id: 'acme', session: { status: 'signed-in' } });
    expect(await client.credentials(ref)).toEqual(fakeCredentials);
    expect((await client.formattedCredentials(ref, 'posix')).text).toContain('ASIAOWNER');
    expect((await client.directory('acme')).accounts).toHaveLength(3);
    expect(await client.api['directory:get']({ instanceId: 'acme' })).toMatchObject({ instanceId: 'acme' });
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
    expect(await client.credentials(ref)).toEqual(fakeCredentials);
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
    expect(replies[5]).toMatchObject({ id: 8, ok: true, result: fakeCredentials });
    expect(core.memory.calls).not.toContain('instance:add');
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
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    core.credentialsImpl = () => {
      started();
      return new Promise(() => undefined);
    };
    const client = (await connectToOwner(configDir))!;
    const pending = client.credentials(ref);
    await inFlight;
    // Handled before the owner goes: the client may reject it while close() is still running.
    const rejected = expect(pending).rejects.toMatchObject({ code: 'owner-gone' });
    await server.close();
    await rejected;
    await expect(client.credentials(ref)).rejects.toMatchObject({ code: 'owner-gone' });

    server = await startAgentServer({ core, configDir });
    const again = (await connectToOwner(configDir))!;
    const local = testCore();
    const source = fallBackWhenOwnerGone(again, async () => local);
    const call = source.credentials(ref);
    await server.close();
    expect(await call).toEqual(fakeCredentials);
    expect(local.privilegedCalls).toEqual(['credentials']);
  });

  it('raises one "Sign in to continue" for any number of signed-out callers, and again only after a new sign-in', async () => {
    core.credentialsImpl = () => Promise.reject(new RolecallError('signed-out', 'You are signed out of Acme; sign in again.'));
    const clients = await Promise.all(Array.from({ length: 10 }, () => connectToOwner(configDir)));
    const results = await Promise.allSettled(clients.map((client) => client!.credentials(ref)));
    expect(results.every((result) => result.status === 'rejected' && (result.reason as RolecallError).code === 'signed-out')).toBe(true);
    expect(notifications).toEqual([{ title: 'Sign in to continue', body: expect.stringContaining('Acme') }]);
    core.memory.approveSignIn('acme', accounts, Date.now() + 3_600_000);
    await expect(clients[0]!.credentials(ref)).rejects.toMatchObject({ code: 'signed-out' });
    expect(notifications).toHaveLength(2);
    await Promise.all(clients.map((client) => client!.stop()));
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
      expect(await client.credentials(ref)).toEqual(fakeCredentials);
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
