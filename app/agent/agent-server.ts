import { chmod } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { dispatchRequest, toIpcError } from '../ipc/dispatch';
import type { IpcResult, RequestChannel } from '../ipc/contract';
import { needsSignInAgain } from '../model/errors';
import { isSignedIn } from '../model/session-status';
import type { Notifier } from '../ports/desktop';
import type { SessionSource } from '../ports/session-source';
import type { CoreEvent } from '../session/core';
import { secretsMatch } from './secret-compare';
import {
  newAgentSecret,
  prepareSocketDir,
  processAlive,
  readEndpoint,
  removeEndpoint,
  removeStaleSocket,
  socketPathFor,
  writeEndpoint,
} from './endpoint';
import { OWNER_LOCK_STALE_MS, tryBecomeOwner } from './owner-lock';
import type { OwnerLock, OwnerLockOptions } from './owner-lock';
import { FrameReader, MAX_REQUEST_FRAME_BYTES, encodeFrame } from './protocol';
import type { AgentResponse } from './protocol';
import { parseRequestFrame } from './request-frame';
import type { AgentRequestBody } from './request-frame';

/** Long enough for a killed owner's lock to go stale and be taken over. */
export const TAKE_OVER_STALE_MS = OWNER_LOCK_STALE_MS + 3_000;

export interface AgentServerOptions {
  readonly core: SessionSource;
  readonly configDir: string;
  /** One line per refused request or failed handler; never given a secret or a payload. */
  readonly log?: (line: string) => void;
  /**
   * Raises "Sign in to continue" when a client asked for credentials the owner cannot get
   * without a new sign-in: once per instance until it is signed in again, however many
   * callers are waiting.
   */
  readonly notifier?: Notifier;
  /** The Rolecall version, recorded in agent.json. */
  readonly version?: string;
  /** Every authenticated request (for an idle exit). */
  readonly onRequest?: () => void;
  /** Overrides where to listen (tests); defaults to socketPathFor(configDir). */
  readonly socketPath?: string;
}

export interface AgentServer {
  readonly socketPath: string;
  readonly pid: number;
  /** Stops listening, drops every connection, removes agent.json and the socket file. */
  close(): Promise<void>;
}

/**
 * Serves the session owner's core on its local socket. The caller must hold the owner lock
 * (tryBecomeOwner; startOwner does both): a socket file found here is then a killed owner's
 * leftover and is removed before listening.
 *
 * Who may connect: the socket is 0600 in a 0700 directory (the private config dir, or a
 * private temp dir), and every request carries the per-launch secret from the 0600
 * agent.json. Checking the peer's uid would be a third guard, but Node exposes no
 * SO_PEERCRED / getpeereid for Unix sockets, so the file permissions are the real guard;
 * on Windows the named pipe is reachable by other local users' processes in principle, and
 * the secret (readable only through the user's own profile) is what keeps them out.
 */
export const startAgentServer = async (options: AgentServerOptions): Promise<AgentServer> => {
  const { core, configDir } = options;
  const log = options.log ?? (() => undefined);
  const socketPath = options.socketPath ?? socketPathFor(configDir);
  const secret = newAgentSecret();
  const subscribers = new Set<Socket>();
  const connections = new Set<Socket>();
  const needsSignIn = new Set<string>();

  const send = (socket: Socket, message: AgentResponse | { event: string; payload: unknown }): void => {
    if (!socket.destroyed && socket.writable) socket.write(encodeFrame(message));
  };

  const askForSignIn = (instanceId: string): void => {
    if (needsSignIn.has(instanceId)) return;
    needsSignIn.add(instanceId);
    const label = core.snapshot().instances.find((instance) => instance.id === instanceId)?.label ?? instanceId;
    if (!options.notifier) log(`rolecall agent: a program is waiting for ${label} credentials; sign in to continue.`);
    options.notifier?.notify({
      title: 'Sign in to continue',
      body: `A program is waiting for AWS credentials from ${label}: sign in to Rolecall to continue.`,
    });
  };

  const unsubscribe = core.subscribe((event: CoreEvent) => {
    if (event.channel === 'state:changed') {
      const now = Date.now();
      for (const instance of event.payload.instances) if (isSignedIn(instance.session, now)) needsSignIn.delete(instance.id);
    }
    if (subscribers.size === 0) return;
    const frame = encodeFrame({ event: event.channel, payload: event.payload });
    for (const socket of subscribers) if (!socket.destroyed && socket.writable) socket.write(frame);
  });

  /** Runs a privileged call, turning what it throws into a code and one sentence. */
  const privileged = async (work: () => Promise<unknown>, instanceId?: string): Promise<IpcResult<unknown>> => {
    try {
      return { ok: true, value: await work() };
    } catch (error) {
      if (instanceId && needsSignInAgain(error)) askForSignIn(instanceId);
      const ipcError = toIpcError(error);
      if (ipcError.code === 'internal')
        log(`rolecall agent: a request failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      return { ok: false, error: ipcError };
    }
  };

  const handle = (socket: Socket, body: AgentRequestBody, channel: RequestChannel | undefined): Promise<IpcResult<unknown>> => {
    switch (body.kind) {
      case 'api':
        // A client process delivers a copy or console itself, even when this owner is the
        // desktop app (whose own window never gets them): it asks as a 'client'.
        return dispatchRequest(core.api, channel as RequestChannel, body.payload, (line) => log(`rolecall agent: ${line}`), 'client');
      case 'subscribe':
        subscribers.add(socket);
        return Promise.resolve({ ok: true, value: core.snapshot() });
      case 'credentials':
        return privileged(() => core.credentials(body.ref), body.ref.instanceId);
      case 'formattedCredentials':
        return privileged(() => core.formattedCredentials(body.ref, body.format), body.ref.instanceId);
      case 'consoleUrl':
        return privileged(() => core.consoleUrl(body.ref, body.choice ?? {}), body.ref.instanceId);
      case 'directory':
        return privileged(() => core.directory(body.instanceId));
      case 'sync':
        return privileged(() => core.sync(body.instanceId));
      case 'signIn':
        return privileged(() => core.signIn(body.instanceId, body.flow));
      case 'settings':
        return privileged(() => Promise.resolve(core.settings()));
    }
  };

  const onConnection = (socket: Socket): void => {
    connections.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      connections.delete(socket);
      subscribers.delete(socket);
    });
    const reader = new FrameReader(
      MAX_REQUEST_FRAME_BYTES,
      (frame) => {
        const parsed = parseRequestFrame(frame, (offered) => secretsMatch(secret, offered));
        if (!parsed.ok) {
          log(`rolecall agent: refused a request: ${parsed.error.message}`);
          send(socket, { id: parsed.id, ok: false, error: parsed.error });
          if (parsed.close) socket.end();
          return;
        }
        options.onRequest?.();
        void handle(socket, parsed.body, parsed.channel).then((result) =>
          send(socket, result.ok ? { id: parsed.id, ok: true, result: result.value } : { id: parsed.id, ok: false, error: result.error }),
        );
      },
      () => {
        log('rolecall agent: refused a request larger than 1 MiB.');
        send(socket, {
          id: null,
          ok: false,
          error: { code: 'invalid-input', message: 'Rejected an agent request larger than 1 MiB; the connection is closed.' },
        });
        socket.end();
      },
    );
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
  };

  const server = createServer(onConnection);
  await prepareSocketDir(socketPath);
  await removeStaleSocket(socketPath);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // The directory is 0700 already; this keeps the socket itself private as well.
    if (process.platform !== 'win32') await chmod(socketPath, 0o600);
    await writeEndpoint(configDir, { socketPath, pid: process.pid, version: options.version ?? 'unknown', secret });
  } catch (error) {
    unsubscribe();
    server.close();
    throw error;
  }
  server.on('error', (error) => log(`rolecall agent: socket error: ${error.message}`));

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      unsubscribe();
      await removeEndpoint(configDir, secret);
      for (const socket of connections) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // net.Server unlinks its socket file on close; this covers a server that could not.
      await removeStaleSocket(socketPath).catch(() => undefined);
    })();
    return closing;
  };

  return { socketPath, pid: process.pid, close };
};

export type OwnerStart<S extends SessionSource> =
  | {
      readonly status: 'owner';
      readonly core: S;
      readonly server: AgentServer;
      /** Stops the server, then gives up the lock (the caller stops its core). */
      close(): Promise<void>;
    }
  /** Another owner holds the lock; `pid` when its agent.json names one. */
  | { readonly status: 'deferred'; readonly pid?: number };

export type OwnerOptions<S extends SessionSource> = Omit<AgentServerOptions, 'core'> & {
  /** Builds (or hands over) the core, called only once this process holds the lock. */
  readonly openCore: () => Promise<S>;
  readonly lock?: OwnerLockOptions;
  /**
   * How long to keep trying while the lock is held but no live owner names itself (default
   * 2 s). `rolecall agent` waits past the stale bound, so it takes over from a killed owner.
   */
  readonly waitForStaleMs?: number;
};

/**
 * Becomes the owner of a config dir if no other process is, and serves the core on its
 * socket; otherwise reports who is (a second owner defers to the first, and never builds
 * a core that would sync or refresh next to it).
 */
export const startOwner = async <S extends SessionSource>(options: OwnerOptions<S>): Promise<OwnerStart<S>> => {
  const waitMs = options.waitForStaleMs ?? 2_000;
  const deadline = Date.now() + waitMs;
  let lock: OwnerLock | undefined;
  for (;;) {
    lock = await tryBecomeOwner(options.configDir, {
      ...options.lock,
      onLost: (error) => {
        options.log?.(`rolecall agent: another process took over the owner lock (${error.message}).`);
        options.lock?.onLost?.(error);
      },
    });
    if (lock) break;
    // A live owner names itself in agent.json (just after taking the lock: it may take a
    // moment). A dead pid there means a killed owner whose lock goes stale within the bound.
    const endpoint = await readEndpoint(options.configDir);
    if (endpoint && processAlive(endpoint.pid)) return { status: 'deferred', pid: endpoint.pid };
    if (Date.now() >= deadline) return { status: 'deferred' };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  let core: S;
  let server: AgentServer;
  try {
    core = await options.openCore();
    server = await startAgentServer({ ...options, core });
  } catch (error) {
    await lock.release();
    throw error;
  }
  return {
    status: 'owner',
    core,
    server,
    close: async () => {
      await server.close();
      await lock.release();
    },
  };
};
