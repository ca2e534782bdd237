import type { EventChannel, IpcError } from '../ipc/contract';
import { answerError, parseJsonRecord } from '../ipc/wire-json';
import type { AgentRequestInput } from './request-frame';

/**
 * The wire format between the session owner (the desktop app, `rolecall web` or
 * `rolecall agent`) and its thin clients (every other `rolecall` process): newline-delimited
 * JSON frames over a user-private Unix socket (a named pipe on Windows).
 *
 *   client → owner   { v, id, secret, kind, ... }           one request
 *   owner → client   { id, ok: true, result }               its answer
 *   owner → client   { id, ok: false, error: {code, message} }
 *   owner → client   { event, payload }                     a core event (after 'subscribe')
 *
 * Kinds: 'api' carries one request channel of the IPC contract (app/ipc/contract.ts), the
 * same channels and zod schemas the views use; 'subscribe' streams the core's events to
 * this connection; the rest are the privileged calls only the CLI needs (role credentials,
 * which views never receive).
 *
 * This module is what a client loads (every `credential-process` through an owner): framing
 * and constants, no schema. The owner's checks of request frames are in request-frame.ts.
 */

export const AGENT_PROTOCOL_VERSION = 1;

/** A request frame larger than this is refused and its connection closed. */
export const MAX_REQUEST_FRAME_BYTES = 1024 * 1024;
/** Answers can be large (a directory of thousands of accounts); still bounded. */
export const MAX_RESPONSE_FRAME_BYTES = 256 * 1024 * 1024;

export type { AgentRequestInput };

export interface AgentRequest {
  readonly v: number;
  readonly id: number;
  readonly secret: string;
}

export type AgentResponse =
  | { readonly id: number | null; readonly ok: true; readonly result: unknown }
  | { readonly id: number | null; readonly ok: false; readonly error: IpcError };

export interface AgentEvent {
  readonly event: EventChannel;
  readonly payload: unknown;
}

export type OwnerMessage = AgentResponse | AgentEvent;

/** The one sentence a client of another protocol version gets. */
export const protocolMismatchMessage = (clientVersion: unknown, ownerVersion = AGENT_PROTOCOL_VERSION): string =>
  `This client speaks Rolecall agent protocol ${typeof clientVersion === 'number' ? clientVersion : 'unknown'} but the running Rolecall owner speaks protocol ${ownerVersion}; update both to the same version (or set ROLECALL_NO_AGENT=1 to work alone).`;

/** One frame on the wire. */
export const encodeFrame = (message: unknown): string => `${JSON.stringify(message)}\n`;

/**
 * Splits a byte stream into newline-delimited frames, refusing (once, then nothing more)
 * any frame that grows past `maxBytes` before its newline arrives.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private overflowed = false;

  constructor(
    private readonly maxBytes: number,
    private readonly onFrame: (frame: string) => void,
    private readonly onOversized: () => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.overflowed) return;
    let start = 0;
    for (let newline = chunk.indexOf(10, start); newline >= 0; newline = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, newline);
      if (this.buffered + piece.length > this.maxBytes) return this.overflow();
      const frame = this.chunks.length > 0 ? Buffer.concat([...this.chunks, piece]) : piece;
      this.chunks = [];
      this.buffered = 0;
      start = newline + 1;
      if (frame.length > 0) this.onFrame(frame.toString('utf8'));
      if (this.overflowed) return;
    }
    const rest = chunk.subarray(start);
    if (this.buffered + rest.length > this.maxBytes) return this.overflow();
    if (rest.length > 0) {
      this.chunks.push(rest);
      this.buffered += rest.length;
    }
  }

  private overflow(): void {
    this.overflowed = true;
    this.chunks = [];
    this.buffered = 0;
    this.onOversized();
  }
}

/** Reads one owner frame on the client; undefined for anything that is not one. */
export const parseOwnerMessage = (raw: string): OwnerMessage | undefined => {
  const value = parseJsonRecord(raw);
  if (!value) return undefined;
  if (typeof value.event === 'string') return { event: value.event as EventChannel, payload: value.payload };
  if (typeof value.id !== 'number' && value.id !== null) return undefined;
  if (value.ok === true) return { id: value.id, ok: true, result: value.result };
  const error = answerError(value);
  if (error) return { id: value.id, ok: false, error };
  return undefined;
};

export const isAgentEvent = (message: OwnerMessage): message is AgentEvent => 'event' in message;
