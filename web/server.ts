import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import { dispatchRequest } from '../app/ipc/dispatch';
import type { CoreEvent, RolecallCore } from '../app/session/core';
import { hasSessionCookie, hostAllowed, newLaunchSecret, newSessionPath, originAllowed, sessionCookie } from './access-control';
import { secretsMatch } from '../app/agent/secret-compare';
import { bridgeEndpoint, maxClientMessageBytes, parseClientMessage } from '../app/ipc/bridge-protocol';
import type { BridgeEvent, BridgeResponse } from '../app/ipc/bridge-protocol';
import { baseSecurityHeaders } from './security-headers';
import { loadStaticFiles } from './static-files';

export interface WebServerOptions {
  /**
   * The core, or the promise of it: the server listens (and its URL can be printed and the
   * page load) while the core still opens; bridge connections and calls wait for it.
   */
  readonly core: RolecallCore | Promise<RolecallCore>;
  /** 0 or absent: any free port. */
  readonly port?: number;
  /** The built renderer (see buildRenderer). */
  readonly staticDir: string;
  /** One line per rejected request or failed handler; never given a secret. */
  readonly log?: (line: string) => void;
}

export interface WebServer {
  /** `http://127.0.0.1:PORT/?k=SECRET`: the one URL that lets a browser in. */
  readonly url: string;
  /** `/s/<id>/`: where the page lives after the launch link was traded for the session cookie. */
  readonly sessionPath: string;
  /**
   * Settles once a page has fetched every script and stylesheet of the build, or a bridge
   * connected: from then on the browser evaluates the page and this process is free, which
   * is when the caller loads its core (loading it earlier delays every request of the page).
   */
  readonly pageFetched: Promise<void>;
  close(): Promise<void>;
}

export { toIpcError } from '../app/ipc/dispatch';

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * Serves the renderer on 127.0.0.1 to the browser holding the per-launch secret, and carries
 * the IPC contract over a WebSocket at `<session path>bridge`. The caller owns the core.
 *
 * The launch link `/?k=SECRET` works once: the first browser to open it gets a session
 * cookie scoped to a random session path (see sessionCookie) and is sent there. A replay of
 * the link from browser history or the process list (`--open` starts the browser with it)
 * is refused, and the launch secret never becomes a cookie.
 */
export const startWebServer = async (options: WebServerOptions): Promise<WebServer> => {
  const log = options.log ?? (() => undefined);
  const files = await loadStaticFiles(options.staticDir);
  const unfetched = new Set(files.scriptsAndStyles);
  let markPageFetched!: () => void;
  const pageFetched = new Promise<void>((resolve) => (markPageFetched = resolve));
  const secret = newLaunchSecret();
  const sessionToken = newLaunchSecret();
  const sessionPath = newSessionPath();
  let launchLinkUsed = false;
  let port = 0;

  const forbid = (
    res: ServerResponse,
    why: string,
    req: IncomingMessage,
    sentence = 'Forbidden. Open the URL that `rolecall web` printed when it started.',
  ): void => {
    log(`rolecall web: refused ${req.method ?? '?'} ${(req.url ?? '').split('?')[0]}: ${why}`);
    res.writeHead(403, { ...baseSecurityHeaders, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(`${sentence}\n`);
  };

  const handleHttp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostAllowed(req.headers, port)) return forbid(res, 'unexpected Host header', req);
    // A request target is a path: `//evil.com/…` would parse as another host.
    if (!(req.url ?? '/').startsWith('/') || (req.url ?? '').startsWith('//')) return forbid(res, 'not a path', req);
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const offered = url.searchParams.get('k');
    if (offered !== null) {
      // Only `/?k=` is the launch link; the redirect target is fixed, never taken from the request.
      if (url.pathname !== '/' || !secretsMatch(secret, offered)) return forbid(res, 'wrong secret', req);
      if (launchLinkUsed)
        return forbid(
          res,
          'launch link already used',
          req,
          'This link was already used. Switch to the Rolecall tab you opened, or restart `rolecall web` for a new link.',
        );
      launchLinkUsed = true;
      res.writeHead(303, {
        ...baseSecurityHeaders,
        'Set-Cookie': sessionCookie(port, sessionToken, sessionPath),
        Location: sessionPath,
        'Cache-Control': 'no-store',
      });
      res.end();
      return;
    }
    if (!url.pathname.startsWith(sessionPath)) return forbid(res, 'outside the session path', req);
    if (!hasSessionCookie(req.headers, port, sessionToken)) return forbid(res, 'no session cookie', req);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...baseSecurityHeaders, Allow: 'GET, HEAD', 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    const path = `/${url.pathname.slice(sessionPath.length)}`;
    const file = await files.get(path);
    if (!file) {
      res.writeHead(404, { ...baseSecurityHeaders, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end('Not found.\n');
      return;
    }
    res.writeHead(200, {
      ...baseSecurityHeaders,
      'Content-Type': file.contentType,
      'Content-Length': String(file.body.length),
      // Built assets have content hashes in their names; the HTML must always be fresh.
      'Cache-Control': file.isHtml ? 'no-store' : 'private, max-age=31536000, immutable',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
    if (req.method === 'GET' && unfetched.delete(path) && unfetched.size === 0) markPageFetched();
  };

  const server = createServer((req, res) => {
    handleHttp(req, res).catch((error: unknown) => {
      log(`rolecall web: request failed: ${describe(error)}`);
      if (!res.headersSent) res.writeHead(500, { ...baseSecurityHeaders, 'Cache-Control': 'no-store' });
      res.end();
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxClientMessageBytes });

  const refuseUpgrade = (socket: Duplex, status: string, why: string): void => {
    log(`rolecall web: refused a bridge connection: ${why}`);
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?')[0];
    if (path !== `${sessionPath}${bridgeEndpoint}`) return refuseUpgrade(socket, '404 Not Found', 'unknown path');
    if (!hostAllowed(req.headers, port)) return refuseUpgrade(socket, '403 Forbidden', 'unexpected Host header');
    if (!originAllowed(req.headers, port)) return refuseUpgrade(socket, '403 Forbidden', 'foreign Origin');
    if (!hasSessionCookie(req.headers, port, sessionToken)) return refuseUpgrade(socket, '403 Forbidden', 'no session cookie');
    markPageFetched();
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });

  const send = (ws: WebSocket, message: BridgeResponse | BridgeEvent): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };

  // Subscribed the moment the core is there, before any page that connected in the meantime
  // gets its snapshot (the callbacks below run after this one), so no event falls between.
  let unsubscribe: () => void = () => undefined;
  let closed = false;
  const ready = Promise.resolve(options.core).then((core) => {
    if (!closed)
      unsubscribe = core.subscribe((event: CoreEvent) => {
        const message = JSON.stringify({ event: event.channel, payload: event.payload } satisfies BridgeEvent);
        for (const client of sockets.clients) if (client.readyState === WebSocket.OPEN) client.send(message);
      });
    return core;
  });
  // The caller learns of a core that failed to open from its own promise and closes us.
  ready.catch(() => undefined);

  sockets.on('connection', (ws: WebSocket) => {
    ws.on('error', (error) => log(`rolecall web: bridge socket error: ${describe(error)}`));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const raw = isBinary ? '' : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8');
      const parsed = parseClientMessage(raw);
      if (!parsed.ok) {
        log(`rolecall web: ${parsed.error.message}`);
        send(ws, { id: parsed.id, result: { ok: false, error: parsed.error } });
        return;
      }
      const { id, channel, payload } = parsed.request;
      // In arrival order: every call waits on the same promise of the core.
      void ready
        .then((core) => dispatchRequest(core.api, channel, payload, (line) => log(`rolecall web: ${line}`)))
        .then(
          (result) => send(ws, { id, result }),
          () => undefined,
        );
    });
    // A page that (re)connects may have missed events: give it the state. Its directories
    // it fetches itself, once, for each instance whose syncedAt it does not hold (the
    // snapshot names it), so a reload with the page's stored copy transfers none.
    void ready.then(
      (core) => send(ws, { event: 'state:changed', payload: core.snapshot() }),
      () => undefined,
    );
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    closed = true;
    unsubscribe();
    throw error;
  }
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      closed = true;
      unsubscribe();
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    })();
    return closing;
  };

  if (unfetched.size === 0) markPageFetched();
  return { url: `http://127.0.0.1:${port}/?k=${secret}`, sessionPath, pageFetched, close };
};
