import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { requestChannels } from '../ipc/request-channels';
import type { RequestChannel, RolecallApi } from '../ipc/contract';
import { RolecallError } from '../model/errors';
import type { RolecallErrorCode } from '../model/errors';
import type { Settings } from '../model/settings';
import type { AppSnapshot } from '../model/snapshot';
import type { SessionSource } from '../ports/session-source';
import type { CoreEvent } from '../session/core';
import { processAlive, readEndpoint } from './endpoint';
import {
  AGENT_PROTOCOL_VERSION,
  FrameReader,
  MAX_RESPONSE_FRAME_BYTES,
  encodeFrame,
  isAgentEvent,
  parseOwnerMessage,
  protocolMismatchMessage,
} from './protocol';
import type { AgentRequestInput } from './protocol';

type Env = Readonly<Record<string, string | undefined>>;

/** A session source that is a remote owner: the same shape as the local core. */
export interface OwnerClient extends SessionSource {
  /** The owner's pid (from agent.json). */
  readonly pid: number;
  readonly socketPath: string;
}

export interface ConnectOptions {
  /** How long the owner may take to answer the first requests (default 1.5 s). */
  readonly timeoutMs?: number;
  /** ROLECALL_NO_AGENT=1 here forces working alone. */
  readonly env?: Env;
  /** The owner speaks another protocol: the one sentence saying which (the caller works alone). */
  readonly onIncompatible?: (message: string) => void;
  /**
   * The connected owner went away (it stopped, crashed or closed the socket); not called when
   * this client stops. A long-lived client (the desktop app) takes over ownership here.
   */
  readonly onGone?: () => void;
  /**
   * Fetch the owner's snapshot when connecting (default true). A one-shot caller that reads
   * only settings (credential-process) skips it: `snapshot()` is then undefined until a
   * `subscribe()` brings one.
   */
  readonly withSnapshot?: boolean;
}

export const ownerGone = (): RolecallError =>
  new RolecallError('owner-gone', 'The running Rolecall owner stopped answering; run the command again (it then works alone).');

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** Read-only channels: everything else may change settings or the snapshot. */
const READS: ReadonlySet<RequestChannel> = new Set(['state:get', 'directory:get']);

/**
 * Connects to the session owner of a config dir, or resolves undefined when none answers
 * (no agent.json, a dead pid, ENOENT, ECONNREFUSED, a timeout, another protocol): the
 * caller then works alone. Once connected, a call whose owner dies rejects with the
 * 'owner-gone' code, so the caller can fall back to working alone.
 */
export const connectToOwner = async (configDir: string, options: ConnectOptions = {}): Promise<OwnerClient | undefined> => {
  if (options.env?.ROLECALL_NO_AGENT === '1') return undefined;
  const endpoint = await readEndpoint(configDir);
  if (!endpoint || !processAlive(endpoint.pid)) return undefined;
  if (endpoint.protocol !== AGENT_PROTOCOL_VERSION) {
    options.onIncompatible?.(protocolMismatchMessage(AGENT_PROTOCOL_VERSION, endpoint.protocol));
    return undefined;
  }
  const timeoutMs = options.timeoutMs ?? 1500;

  const socket: Socket | undefined = await new Promise((resolve) => {
    const candidate = connect(endpoint.socketPath);
    const timer = setTimeout(() => {
      candidate.destroy();
      resolve(undefined);
    }, timeoutMs);
    candidate.once('connect', () => {
      clearTimeout(timer);
      resolve(candidate);
    });
    candidate.once('error', () => {
      clearTimeout(timer);
      candidate.destroy();
      resolve(undefined);
    });
  });
  if (!socket) return undefined;

  const pending = new Map<number, Pending>();
  const listeners = new Set<(event: CoreEvent) => void>();
  let nextId = 1;
  let gone = false;
  let connected = false;
  let snapshot: AppSnapshot | undefined;
  let settings: Settings | undefined;

  const fail = (): void => {
    if (gone) return;
    gone = true;
    for (const call of pending.values()) call.reject(ownerGone());
    pending.clear();
    socket.destroy();
    if (connected) options.onGone?.();
  };
  socket.on('error', fail);
  socket.on('close', fail);
  const reader = new FrameReader(
    MAX_RESPONSE_FRAME_BYTES,
    (frame) => {
      const message = parseOwnerMessage(frame);
      if (!message) return;
      if (isAgentEvent(message)) {
        const event = { channel: message.event, payload: message.payload } as CoreEvent;
        if (event.channel === 'state:changed') snapshot = event.payload;
        for (const listener of listeners) listener(event);
        return;
      }
      if (message.id === null) return;
      const call = pending.get(message.id);
      if (!call) return;
      pending.delete(message.id);
      if (message.ok) call.resolve(message.result);
      else call.reject(new RolecallError(message.error.code as RolecallErrorCode, message.error.message));
    },
    fail,
  );
  socket.on('data', (chunk: Buffer) => reader.push(chunk));

  const call = <T>(body: AgentRequestInput): Promise<T> => {
    if (gone) return Promise.reject(ownerGone());
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      socket.write(encodeFrame({ v: AGENT_PROTOCOL_VERSION, id, secret: endpoint.secret, ...body }));
    });
  };

  /** The settings and snapshot mirrors that settings()/snapshot() answer synchronously from. */
  const refresh = async (): Promise<void> => {
    const [nextSettings, nextSnapshot] = await Promise.all([
      call<Settings>({ kind: 'settings' }),
      call<AppSnapshot>({ kind: 'api', channel: 'state:get' }),
    ]);
    settings = nextSettings;
    snapshot = nextSnapshot;
  };

  const refreshSettings = async (): Promise<void> => {
    settings = await call<Settings>({ kind: 'settings' });
  };

  /** A call that may change state: the mirrors are fresh when it resolves. */
  const changing = async <T>(body: AgentRequestInput): Promise<T> => {
    try {
      return await call<T>(body);
    } finally {
      await refresh().catch(() => undefined);
    }
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      (options.withSnapshot === false ? refreshSettings() : refresh()).then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  } catch (error) {
    if (error instanceof RolecallError && error.code === 'protocol-version') options.onIncompatible?.(error.userMessage);
    fail();
    return undefined;
  }
  connected = true;

  const api = Object.fromEntries(
    requestChannels.map((channel) => [
      channel,
      (payload: unknown) => (READS.has(channel) ? call({ kind: 'api', channel, payload }) : changing({ kind: 'api', channel, payload })),
    ]),
  ) as unknown as RolecallApi;

  let subscribed: Promise<void> | undefined;
  const ensureSubscribed = (): void => {
    subscribed ??= call<AppSnapshot>({ kind: 'subscribe' }).then(
      (current) => {
        snapshot = current;
      },
      () => undefined,
    );
  };

  return {
    pid: endpoint.pid,
    socketPath: endpoint.socketPath,
    api,
    snapshot: () => snapshot as AppSnapshot,
    subscribe: (listener) => {
      listeners.add(listener);
      ensureSubscribed();
      return () => listeners.delete(listener);
    },
    // The owner started its core long ago; a client only connects and disconnects.
    start: async () => undefined,
    stop: async () => {
      gone = true;
      for (const waiting of pending.values()) waiting.reject(ownerGone());
      pending.clear();
      socket.end();
      socket.destroy();
    },
    signIn: (instanceId, flow = 'device') => changing<void>({ kind: 'signIn', instanceId, flow }),
    sync: (instanceId) => changing({ kind: 'sync', instanceId }),
    directory: (instanceId) => call({ kind: 'directory', instanceId }),
    credentials: (ref) => call({ kind: 'credentials', ref }),
    formattedCredentials: (ref, format) => call({ kind: 'formattedCredentials', ref, format }),
    consoleUrl: (ref, choice) => call({ kind: 'consoleUrl', ref, ...(choice ? { choice } : {}) }),
    settings: () => settings as Settings,
    instances: () => (settings as Settings).instances,
  };
};
