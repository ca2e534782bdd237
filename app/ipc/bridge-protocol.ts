import { z } from 'zod';
import { isRequestChannel } from './contract';
import type { EventChannel, IpcError, IpcResult, RequestChannel } from './contract';
import { answerError, isRecord, parseJsonRecord } from './wire-json';

/**
 * The wire format of the web bridge: the IPC contract carried over one WebSocket. Shared by
 * the server (web/server) and the page (renderer/bridge/web-bridge), so it stays pure.
 *
 *   page → server   { id, channel, payload }
 *   server → page   { id, result: IpcResult }      (the answer to request `id`)
 *   server → page   { event, payload }             (a core event, pushed to every page)
 */

/** The WebSocket's path relative to the page's session path (`/s/<id>/bridge`). */
export const bridgeEndpoint = 'bridge';

/** Large enough for any request in the contract; a page never needs to send more. */
export const maxClientMessageBytes = 64 * 1024;

export interface BridgeRequest {
  readonly id: number;
  readonly channel: RequestChannel;
  readonly payload: unknown;
}

export interface BridgeResponse {
  /** null when the message was too broken to carry a usable id. */
  readonly id: number | null;
  readonly result: IpcResult<unknown>;
}

export interface BridgeEvent {
  readonly event: EventChannel;
  readonly payload: unknown;
}

export type ServerMessage = BridgeResponse | BridgeEvent;

const envelopeSchema = z
  .object({
    id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    channel: z.string().max(100),
    payload: z.unknown().optional(),
  })
  .strict();

export type ParsedClientMessage =
  { readonly ok: true; readonly request: BridgeRequest } | { readonly ok: false; readonly id: number | null; readonly error: IpcError };

const invalid = (id: number | null, message: string): ParsedClientMessage => ({
  ok: false,
  id,
  error: { code: 'invalid-input', message },
});

/** Checks the envelope of a page's message; the payload itself is validated by parseRequest. */
export const parseClientMessage = (raw: string): ParsedClientMessage => {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return invalid(null, 'Rejected a bridge message that is not JSON.');
  }
  const parsed = envelopeSchema.safeParse(value);
  if (!parsed.success) {
    const id = typeof (value as { id?: unknown } | null)?.id === 'number' ? (value as { id: number }).id : null;
    return invalid(Number.isSafeInteger(id) ? id : null, 'Rejected a bridge message that is not {id, channel, payload}.');
  }
  const { id, channel, payload } = parsed.data;
  if (!isRequestChannel(channel)) return invalid(id, `Rejected a request for an unknown channel "${channel.slice(0, 40)}".`);
  return { ok: true, request: { id, channel, payload } };
};

const isIpcResult = (value: unknown): value is IpcResult<unknown> =>
  isRecord(value) && (value.ok === true || answerError(value) !== undefined);

/** Reads a server message on the page; undefined for anything that is not one. */
export const parseServerMessage = (raw: string): ServerMessage | undefined => {
  const value = parseJsonRecord(raw);
  if (!value) return undefined;
  if (typeof value.event === 'string') return { event: value.event as EventChannel, payload: value.payload };
  if ((typeof value.id === 'number' || value.id === null) && isIpcResult(value.result)) {
    return { id: value.id, result: value.result };
  }
  return undefined;
};

export const isBridgeEvent = (message: ServerMessage): message is BridgeEvent => 'event' in message;
