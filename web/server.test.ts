import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { RequestChannel } from '../app/ipc/contract';
import type { RolecallCore } from '../app/session/core';
import { recordingCalls, startEmulatedCore, startTestEmulator } from '../app/session/test-support/emulated-core';
import type { EmulatedCore, TestEmulator } from '../app/session/test-support/emulated-core';
import { startWebServer } from './server';
import type { WebServer } from './server';

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const get = (port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });

/** The real core signed in to the emulator (one of each per file); a new server per test. */
let emu: TestEmulator;
let h: EmulatedCore;
/** The same core, recording which requests reached it. */
let core: RolecallCore;
let calls: RequestChannel[];
let dir: string;
let server: WebServer;
let port: number;
let secret: string;
const logs: string[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({ directory: { accounts: 3, rolesPerAccount: 2, seed: 9, manyRolesEvery: 0 } });
  h = await startEmulatedCore(emu);
  ({ core, calls } = recordingCalls(h.core));
});

afterAll(async () => {
  await h?.close();
  await emu?.close();
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecall-web-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Rolecall</title><script type="module" src="./assets/app.js"></script>');
  await writeFile(join(dir, 'assets', 'app.js'), 'console.log("app")');
  await writeFile(join(tmpdir(), 'rolecall-outside.txt'), 'outside');
  logs.length = 0;
  server = await startWebServer({ core, staticDir: dir, log: (line) => logs.push(line) });
  const url = new URL(server.url);
  port = Number(url.port);
  secret = url.searchParams.get('k') ?? '';
  sessionCookie = undefined;
});

afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

let sessionCookie: string | undefined;
/** Trades the (single-use) launch link for the session cookie once per server. */
const signIn = async (): Promise<string> => {
  if (sessionCookie) return sessionCookie;
  const reply = await get(port, `/?k=${secret}`);
  const cookie = reply.headers['set-cookie']?.[0]?.split(';')[0];
  if (!cookie) throw new Error('no cookie');
  sessionCookie = cookie;
  return cookie;
};
/** A path under the session path, where the app lives after sign-in. */
const at = (path = ''): string => `${server.sessionPath}${path}`;

interface OpenSocket {
  readonly ws: WebSocket;
  readonly messages: unknown[];
  next(predicate: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

const connect = (headers: Record<string, string>): Promise<OpenSocket> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${at('bridge')}`, { headers });
    const messages: unknown[] = [];
    const waiters: { predicate: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = [];
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      messages.push(message);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(message)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    });
    const next = (predicate: (m: Record<string, unknown>) => boolean) =>
      new Promise<Record<string, unknown>>((res) => {
        const seen = messages.find((m) => predicate(m as Record<string, unknown>));
        if (seen) res(seen as Record<string, unknown>);
        else waiters.push({ predicate, resolve: res });
      });
    ws.once('open', () => resolve({ ws, messages, next }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });

const pageHeaders = (cookie: string) => ({ cookie, origin: `http://127.0.0.1:${port}` });

describe('startWebServer access control', () => {
  it('binds 127.0.0.1 and prints a URL with a 32-byte base64url secret', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?k=[A-Za-z0-9_-]{43}$/);
  });

  it('trades the secret once for an HttpOnly SameSite=Strict cookie scoped to a random session path, then serves the page there', async () => {
    const first = await get(port, `/?k=${secret}`);
    expect(first.status).toBe(303);
    expect(server.sessionPath).toMatch(/^\/s\/[A-Za-z0-9_-]{22}\/$/);
    expect(first.headers.location).toBe(server.sessionPath);
    const setCookie = first.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(new RegExp(`^rolecall-${port}=`));
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain(`Path=${server.sessionPath};`);
    // The cookie is a session token of its own: the launch secret never becomes a cookie.
    expect(setCookie).not.toContain(secret);
    const cookie = setCookie.split(';')[0] ?? '';

    const page = await get(port, at(), { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Rolecall</title>');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');

    const script = await get(port, at('assets/app.js'), { cookie });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toContain('text/javascript');
  });

  it('refuses the launch link once used (a replay from browser history or the process list)', async () => {
    await signIn();
    const replay = await get(port, `/?k=${secret}`);
    expect(replay.status).toBe(403);
    expect(replay.headers['set-cookie']).toBeUndefined();
    expect(replay.body).toContain('already used');
  });

  it('never redirects anywhere but the session path (no open redirect)', async () => {
    for (const path of [`/.//evil.com/?k=${secret}`, `//evil.com/?k=${secret}`, `/x?k=${secret}`]) {
      const reply = await get(port, path);
      expect(reply.status, path).toBe(403);
      expect(reply.headers.location).toBeUndefined();
    }
    const ok = await get(port, `/?k=${secret}&next=//evil.com`);
    expect(ok.headers.location).toBe(server.sessionPath);
  });

  it('a cookie another local server received is no key: outside the session path it opens nothing, and it is not the launch secret', async () => {
    const cookie = await signIn();
    // What a browser would send another server on 127.0.0.1 at most: nothing, as the cookie's
    // Path is the random session path. Replayed here outside it, it opens nothing either.
    expect((await get(port, '/', { cookie })).status).toBe(403);
    expect((await get(port, '/assets/app.js', { cookie })).status).toBe(403);
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge`, { headers: pageHeaders(cookie) });
        ws.once('open', () => resolve('open'));
        ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
        ws.once('error', reject);
      }),
    ).rejects.toThrow('HTTP 404');
    // And the launch secret as a cookie value is refused.
    expect((await get(port, at(), { cookie: `rolecall-${port}=${secret}` })).status).toBe(403);
  });

  it('refuses a wrong secret, a missing cookie and a forged cookie with 403', async () => {
    expect((await get(port, '/?k=not-the-secret')).status).toBe(403);
    // One character off (never the same character: a secret ending in "A" must not pass as forged).
    const forged = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect((await get(port, `/?k=${forged}`)).status).toBe(403);
    expect((await get(port, at())).status).toBe(403);
    expect((await get(port, at('assets/app.js'))).status).toBe(403);
    expect((await get(port, at(), { cookie: `rolecall-${port}=${'A'.repeat(43)}` })).status).toBe(403);
    expect(logs.some((line) => line.includes('wrong secret'))).toBe(true);
    expect(logs.join('\n')).not.toContain(secret);
  });

  it('refuses a foreign Host header (DNS rebinding) even with the right secret and cookie', async () => {
    expect((await get(port, `/?k=${secret}`, { host: `evil.example:${port}` })).status).toBe(403);
    const cookie = await signIn();
    expect((await get(port, at(), { cookie, host: `evil.example:${port}` })).status).toBe(403);
    expect((await get(port, at(), { cookie, host: '127.0.0.1:1' })).status).toBe(403);
    expect((await get(port, at(), { cookie, host: `localhost:${port}` })).status).toBe(200);
  });

  it('never serves a file outside the static directory', async () => {
    const cookie = await signIn();
    for (const path of [
      '../rolecall-outside.txt',
      '%2e%2e/rolecall-outside.txt',
      'assets/..%2f..%2frolecall-outside.txt',
      '%2e%2e/%2e%2e/%2e%2e/rolecall-outside.txt',
      'assets/%2e%2e/%2e%2e/rolecall-outside.txt',
    ]) {
      const reply = await get(port, at(path), { cookie });
      expect([403, 404]).toContain(reply.status);
      expect(reply.body).not.toContain('outside');
    }
  });

  it('refuses the WebSocket without the cookie or from a foreign Origin', async () => {
    const cookie = await signIn();
    await expect(connect({ origin: `http://127.0.0.1:${port}` })).rejects.toThrow('HTTP 403');
    await expect(connect({ cookie, origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect({ cookie, origin: `http://127.0.0.1:${port + 1}` })).rejects.toThrow('HTTP 403');
    await expect(connect({ cookie })).rejects.toThrow('HTTP 403');
    const ok = await connect(pageHeaders(cookie));
    ok.ws.close();
  });
});

describe('startWebServer bridge', () => {
  it('greets a new page with the snapshot, which names the directory (and its syncedAt) to fetch', async () => {
    const page = await connect(pageHeaders(await signIn()));
    const state = await page.next((m) => m.event === 'state:changed');
    const instances = (state.payload as { instances: { id: string; sync: { syncedAt?: number } }[] }).instances;
    expect(instances.map((i) => i.id)).toEqual([h.instanceId]);
    const directory = await core.api['directory:get']({ instanceId: h.instanceId });
    expect(instances[0]?.sync.syncedAt).toBe(directory?.syncedAt);
    page.ws.close();
  });

  it('answers requests with an IpcResult carrying the core value', async () => {
    const page = await connect(pageHeaders(await signIn()));
    page.ws.send(JSON.stringify({ id: 1, channel: 'directory:get', payload: { instanceId: h.instanceId } }));
    const reply = await page.next((m) => m.id === 1);
    const result = reply.result as { ok: true; value: { accounts: unknown[] } };
    expect(result.ok).toBe(true);
    expect(result.value.accounts).toHaveLength(3);

    const role = h.role(0);
    page.ws.send(JSON.stringify({ id: 2, channel: 'credentials:copy', payload: { role } }));
    const copied = (await page.next((m) => m.id === 2)).result as { ok: true; value: { clipboardText: string; format: string } };
    expect(copied.value.format).toBe('posix');
    // Credentials the emulator issued for that role, handed to the page (web mode) and not to the process clipboard.
    const keyId = /AWS_ACCESS_KEY_ID='?(ASIA[A-Z0-9]+)/.exec(copied.value.clipboardText)?.[1] ?? '';
    expect(emu.emulator.credentialsOwner(keyId)).toMatchObject({ accountId: role.accountId, roleName: role.roleName });
    expect(h.clipboard).toEqual([]);
    page.ws.close();
  });

  it('passes the core error code and sentence through', async () => {
    const page = await connect(pageHeaders(await signIn()));
    page.ws.send(JSON.stringify({ id: 3, channel: 'instance:remove', payload: { instanceId: 'nope' } }));
    expect((await page.next((m) => m.id === 3)).result).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'No instance "nope" is configured; add it first.' },
    });
    page.ws.close();
  });

  it('rejects schema-invalid and malformed messages with invalid-input, and keeps serving', async () => {
    const page = await connect(pageHeaders(await signIn()));
    page.ws.send(JSON.stringify({ id: 4, channel: 'instance:add', payload: { startUrl: 'ftp://example.com', region: 'eu-west-1' } }));
    const bad = (await page.next((m) => m.id === 4)).result as { ok: false; error: { code: string; message: string } };
    expect(bad.ok).toBe(false);
    expect(bad.error.code).toBe('invalid-input');
    expect(bad.error.message).toContain('Rejected a malformed "instance:add" request (startUrl)');

    page.ws.send(JSON.stringify({ id: 5, channel: 'favorites:toggle', payload: { role: { instanceId: 'acme' }, extra: 1 } }));
    expect(((await page.next((m) => m.id === 5)).result as { error: { code: string } }).error.code).toBe('invalid-input');

    page.ws.send(JSON.stringify({ id: 6, channel: 'shell:exec', payload: 'rm -rf /' }));
    expect(((await page.next((m) => m.id === 6)).result as { error: { message: string } }).error.message).toContain('unknown channel');

    page.ws.send('{not json');
    expect(((await page.next((m) => m.id === null)).result as { error: { code: string } }).error.code).toBe('invalid-input');

    page.ws.send(JSON.stringify({ id: 7, channel: 'state:get' }));
    expect(((await page.next((m) => m.id === 7)).result as { ok: boolean }).ok).toBe(true);
    expect(calls).toContain('state:get');
    expect(calls).not.toContain('instance:add');
    expect(logs.some((line) => line.includes('malformed "instance:add"'))).toBe(true);
    page.ws.close();
  });

  it('closes a connection that sends an oversized message', async () => {
    const page = await connect(pageHeaders(await signIn()));
    const closed = new Promise<number>((resolve) => page.ws.once('close', (code) => resolve(code)));
    page.ws.send(JSON.stringify({ id: 8, channel: 'state:get', payload: 'x'.repeat(100 * 1024) }));
    expect(await closed).toBe(1009);
  });

  it('pushes core events to every connected page', async () => {
    const cookie = await signIn();
    const [a, b] = await Promise.all([connect(pageHeaders(cookie)), connect(pageHeaders(cookie))]);
    if (!a || !b) throw new Error('no sockets');
    await Promise.all([a.next((m) => m.event === 'state:changed'), b.next((m) => m.event === 'state:changed')]);
    a.messages.length = 0;
    b.messages.length = 0;
    const role = h.role(0);
    await core.api['favorites:toggle']({ role });
    for (const page of [a, b]) {
      const event = await page.next((m) => m.event === 'state:changed');
      expect((event.payload as { favorites: unknown[] }).favorites).toEqual([role]);
      page.ws.close();
    }
  });

  it('serves the page before the core has opened; the bridge greets and answers once it has, in order', async () => {
    let open!: (core: RolecallCore) => void;
    const opening = new Promise<RolecallCore>((resolve) => (open = resolve));
    const early = await startWebServer({ core: opening, staticDir: dir });
    try {
      const url = new URL(early.url);
      const earlyPort = Number(url.port);
      const launch = await get(earlyPort, `/${url.search}`);
      const cookie = launch.headers['set-cookie']?.[0]?.split(';')[0] ?? '';
      const page = await get(earlyPort, early.sessionPath, { cookie });
      expect(page.status).toBe(200);
      expect(page.body).toContain('<title>Rolecall</title>');

      const ws = new WebSocket(`ws://127.0.0.1:${earlyPort}${early.sessionPath}bridge`, {
        headers: { cookie, origin: `http://127.0.0.1:${earlyPort}` },
      });
      const messages: Record<string, unknown>[] = [];
      ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      ws.send(JSON.stringify({ id: 1, channel: 'directory:get', payload: { instanceId: h.instanceId } }));
      // Nothing comes back while there is no core: neither the greeting nor the answer.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(messages).toEqual([]);

      open(core);
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      for (let waited = 0; messages.length < 2 && waited < 200; waited += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(messages[0]?.event).toBe('state:changed');
      expect(messages[1]?.id).toBe(1);
      expect((messages[1]?.result as { value: { accounts: unknown[] } }).value.accounts).toHaveLength(3);
      // And from now on the core's events reach it.
      await core.api['favorites:toggle']({ role: h.role(1) });
      for (let waited = 0; messages.length < 3 && waited < 200; waited += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(messages[2]?.event).toBe('state:changed');
      await core.api['favorites:toggle']({ role: h.role(1) });
      ws.close();
      await closed;
    } finally {
      await early.close();
    }
  });

  it('says when a page has fetched every script and stylesheet (when the caller may load its core)', async () => {
    let fetched = false;
    void server.pageFetched.then(() => (fetched = true));
    const cookie = await signIn();
    await get(port, at(), { cookie });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fetched).toBe(false);
    await get(port, at('assets/app.js'), { cookie });
    await server.pageFetched;
    expect(fetched).toBe(true);
  });

  it('serves the build it started with from memory, a hashed asset from disk when asked, and a fixed-name file only from the start', async () => {
    const cookie = await signIn();
    // The current build as read at start, whatever the directory holds now.
    await writeFile(join(dir, 'assets', 'app.js'), 'console.log("rewritten")');
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>A later build</title>');
    const current = await get(port, at('assets/app.js'), { cookie });
    expect(current.body).toBe('console.log("app")');
    expect((await get(port, at(), { cookie })).body).toContain('./assets/app.js');
    // An older build's hashed asset, which a page loaded before a rebuild may still import, written after start.
    await writeFile(join(dir, 'assets', 'older.js'), 'console.log("older")');
    const older = await get(port, at('assets/older.js'), { cookie });
    expect(older.status).toBe(200);
    expect(older.body).toBe('console.log("older")');
    const { date: _olderDate, ...olderHeaders } = older.headers;
    const { date: _currentDate, ...currentHeaders } = current.headers;
    expect(olderHeaders).toEqual({ ...currentHeaders, 'content-length': String('console.log("older")'.length) });
    expect(older.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect(older.headers['content-type']).toBe('text/javascript; charset=utf-8');
    // A fixed-name file not there at start can only be a later build's: serving it would mix two builds.
    await writeFile(join(dir, 'later.html'), '<!doctype html>');
    for (const path of ['later.html', 'assets/missing.js']) {
      const missing = await get(port, at(path), { cookie });
      expect(missing.status).toBe(404);
      expect(missing.body).toBe('Not found.\n');
      expect(missing.headers['cache-control']).toBe('no-store');
      expect(missing.headers['content-type']).toBe('text/plain; charset=utf-8');
    }
  });

  it('frees the port on close', async () => {
    const page = await connect(pageHeaders(await signIn()));
    const closed = new Promise<void>((resolve) => page.ws.once('close', () => resolve()));
    await server.close();
    await closed;
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
    });
  });
});
