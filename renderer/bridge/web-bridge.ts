import type { EventChannel, EventPayloads, RequestChannel, RequestPayload, ResponseTypes, RolecallBridge } from '../../app/ipc/contract';
import { isBridgeEvent, parseServerMessage } from '../../app/ipc/bridge-protocol';
import { BridgeError, fromIpcError } from './bridge-error';

/** The part of the browser's WebSocket the bridge uses (the `ws` package's matches too). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface WebBridgeOptions {
  readonly createSocket?: (url: string) => SocketLike;
  /** First reconnect delay; doubles up to maxDelayMs, with jitter. */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  /** How long a request made before the first connection may wait for it. */
  readonly queueTimeoutMs?: number;
  readonly random?: () => number;
}

export interface WebBridge extends RolecallBridge {
  readonly connection: () => ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  /** Closes for good: no reconnect, pending calls fail. */
  close(): void;
}

const openState = 1;

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: BridgeError) => void;
  /** The serialized request while it waits for a connection; undefined once sent. */
  message?: string;
  timer?: ReturnType<typeof setTimeout>;
}

const disconnected = (): BridgeError =>
  new BridgeError(
    'disconnected',
    'Lost the connection to Rolecall; it reconnects by itself. If this lasts, restart `rolecall web` and open its new URL.',
  );

/**
 * The page's bridge over the `rolecall web` WebSocket: invoke → a promise answered by id,
 * events fanned out to listeners, and reconnection with exponential backoff (the server
 * sends a fresh snapshot on every connect, so nothing is missed for long).
 */
export const webBridge = (url: string, options: WebBridgeOptions = {}): WebBridge => {
  const createSocket = options.createSocket ?? ((target: string) => new WebSocket(target) as SocketLike);
  const minDelay = options.minDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 5_000;
  const queueTimeout = options.queueTimeoutMs ?? 15_000;
  const random = options.random ?? Math.random;

  const listeners = new Map<EventChannel, Set<(payload: never) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let socket: SocketLike | undefined;
  let state: ConnectionState = 'connecting';
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  // The server greets every connection with the state (a `state:changed`) and pushes every
  // change after it, so the last one received is the current state: `state:get` is answered
  // from it, without a round trip or one more snapshot built by the server. A call before
  // the greeting waits for it, like a request in flight (or a queued one, before the socket opens).
  let greeted: { readonly state: unknown } | undefined;
  const greetingWaits = new Set<Pending>();

  const setState = (next: ConnectionState): void => {
    if (state === next) return;
    state = next;
    for (const listener of connectionListeners) listener(next);
  };

  const flush = (): void => {
    if (!socket || socket.readyState !== openState) return;
    for (const request of pending.values()) {
      if (request.message === undefined) continue;
      socket.send(request.message);
      request.message = undefined;
      clearTimeout(request.timer);
    }
  };

  const onMessage = (data: unknown): void => {
    if (typeof data !== 'string') return;
    const message = parseServerMessage(data);
    if (!message) return;
    if (isBridgeEvent(message)) {
      if (message.event === 'state:changed') {
        greeted = { state: message.payload };
        for (const wait of greetingWaits) {
          clearTimeout(wait.timer);
          wait.resolve(message.payload);
        }
        greetingWaits.clear();
      }
      for (const listener of listeners.get(message.event) ?? []) (listener as (payload: unknown) => void)(message.payload);
      return;
    }
    if (message.id === null) return;
    const request = pending.get(message.id);
    if (!request) return;
    pending.delete(message.id);
    if (message.result.ok) request.resolve(message.result.value);
    else request.reject(fromIpcError(message.result.error));
  };

  const connect = (): void => {
    const current = createSocket(url);
    socket = current;
    current.addEventListener('open', () => {
      if (socket !== current) return;
      attempt = 0;
      setState('open');
      flush();
      for (const wait of greetingWaits) {
        wait.message = undefined;
        clearTimeout(wait.timer);
      }
    });
    current.addEventListener('message', (event) => {
      if (socket === current) onMessage(event.data);
    });
    current.addEventListener('close', () => {
      if (socket !== current || state === 'closed') return;
      // Requests already sent will never be answered on a new socket.
      for (const [id, request] of pending) {
        if (request.message !== undefined) continue;
        pending.delete(id);
        request.reject(disconnected());
      }
      greeted = undefined;
      for (const wait of greetingWaits) {
        if (wait.message !== undefined) continue;
        greetingWaits.delete(wait);
        wait.reject(disconnected());
      }
      setState('reconnecting');
      const delay = Math.min(maxDelay, minDelay * 2 ** attempt);
      attempt += 1;
      reconnectTimer = setTimeout(connect, delay / 2 + (random() * delay) / 2);
    });
    // 'error' is always followed by 'close', which does the work.
    current.addEventListener('error', () => undefined);
  };

  const currentState = (): Promise<unknown> => {
    if (greeted) return Promise.resolve(greeted.state);
    return new Promise((resolve, reject) => {
      const open = socket?.readyState === openState;
      // message marks a wait made before the socket opened (bounded like a queued request).
      const wait: Pending = { resolve, reject, ...(open ? {} : { message: 'state:get' }) };
      if (!open)
        wait.timer = setTimeout(() => {
          if (!greetingWaits.delete(wait)) return;
          reject(disconnected());
        }, queueTimeout);
      greetingWaits.add(wait);
    });
  };

  connect();

  return {
    invoke: <C extends RequestChannel>(channel: C, payload: RequestPayload<C>): Promise<ResponseTypes[C]> => {
      // Only the first connection queues calls: while reconnecting, the page already shows
      // it is disconnected, and a click should fail now rather than fire much later.
      if (state === 'closed' || state === 'reconnecting') return Promise.reject(disconnected());
      if (channel === 'state:get') return currentState() as Promise<ResponseTypes[C]>;
      const id = nextId;
      nextId += 1;
      return new Promise<ResponseTypes[C]>((resolve, reject) => {
        const request: Pending = {
          resolve: resolve as (value: unknown) => void,
          reject,
          message: JSON.stringify({ id, channel, payload }),
        };
        request.timer = setTimeout(() => {
          if (request.message === undefined) return;
          pending.delete(id);
          reject(disconnected());
        }, queueTimeout);
        pending.set(id, request);
        flush();
      });
    },
    on: <E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void) => {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
      }
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    connection: () => state,
    onConnectionChange: (listener) => {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    close: () => {
      setState('closed');
      clearTimeout(reconnectTimer);
      for (const request of [...pending.values(), ...greetingWaits]) {
        clearTimeout(request.timer);
        request.reject(disconnected());
      }
      pending.clear();
      greetingWaits.clear();
      socket?.close(1000, 'page closed');
    },
  };
};
