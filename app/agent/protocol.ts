import { z } from 'zod';
import { isRequestChannel } from '../ipc/contract';
import type { EventChannel, IpcError, RequestChannel } from '../ipc/contract';
import { answerError, parseJsonRecord } from '../ipc/wire-json';
import { roleRefSchema } from '../model/roles';
import { copyFormatSchema } from '../model/settings';

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
 */

export const AGENT_PROTOCOL_VERSION = 1;

/** Error codes after which only a new sign-in helps (the owner already tried its refresh token). */
export const SIGN_IN_AGAIN_CODES: ReadonlySet<string> = new Set([
  'signed-out',
  'session-expired',
  'unauthorized',
  'invalid-grant',
  'invalid-client',
]);

/** A request frame larger than this is refused and its connection closed. */
export const MAX_REQUEST_FRAME_BYTES = 1024 * 1024;
/** Answers can be large (a directory of thousands of accounts); still bounded. */
export const MAX_RESPONSE_FRAME_BYTES = 256 * 1024 * 1024;

const instanceId = z.string().min(1).max(100);

/** What follows `{v, id, secret}` in a request, one shape per kind. */
const bodySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('api'), channel: z.string().max(100), payload: z.unknown().optional() }).strict(),
  z.object({ kind: z.literal('subscribe') }).strict(),
  z.object({ kind: z.literal('credentials'), ref: roleRefSchema.strict() }).strict(),
  z.object({ kind: z.literal('formattedCredentials'), ref: roleRefSchema.strict(), format: copyFormatSchema }).strict(),
  z
    .object({
      kind: z.literal('consoleUrl'),
      ref: roleRefSchema.strict(),
      choice: z
        .object({ region: z.string().max(30).optional(), destination: z.string().url().max(2048).optional() })
        .strict()
        .optional(),
    })
    .strict(),
  z.object({ kind: z.literal('directory'), instanceId }).strict(),
  z.object({ kind: z.literal('sync'), instanceId }).strict(),
  z.object({ kind: z.literal('signIn'), instanceId, flow: z.enum(['device', 'pkce']).default('device') }).strict(),
  z.object({ kind: z.literal('settings') }).strict(),
]);

export type AgentRequestBody = z.output<typeof bodySchema>;
export type AgentRequestKind = AgentRequestBody['kind'];
/** What a client sends before validation (the default flow may be left out). */
export type AgentRequestInput = z.input<typeof bodySchema>;

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

const envelopeSchema = z.looseObject({
  v: z.number(),
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  secret: z.string().max(200),
  kind: z.string().max(40),
});

export type ParsedRequest =
  | { readonly ok: true; readonly id: number; readonly body: AgentRequestBody; readonly channel?: RequestChannel }
  | {
      readonly ok: false;
      readonly id: number | null;
      readonly error: IpcError;
      /** The connection is closed after the answer (no secret: nothing more is heard). */
      readonly close: boolean;
    };

/** The one sentence a client of another protocol version gets. */
export const protocolMismatchMessage = (clientVersion: unknown, ownerVersion = AGENT_PROTOCOL_VERSION): string =>
  `This client speaks Rolecall agent protocol ${typeof clientVersion === 'number' ? clientVersion : 'unknown'} but the running Rolecall owner speaks protocol ${ownerVersion}; update both to the same version (or set ROLECALL_NO_AGENT=1 to work alone).`;

const refuse = (id: number | null, code: string, message: string, close = false): ParsedRequest => ({
  ok: false,
  id,
  error: { code, message },
  close,
});

/**
 * Checks one request frame in order — JSON, envelope, protocol version, secret, then the
 * kind's own schema — so nothing unauthenticated or malformed reaches the core. The
 * payload of an 'api' request is validated later by the contract's own schema (dispatch).
 */
export const parseRequestFrame = (raw: string, secretMatches: (offered: string) => boolean): ParsedRequest => {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return refuse(null, 'invalid-input', 'Rejected an agent request that is not JSON.');
  }
  const idOf = (candidate: unknown): number | null => {
    const id = (candidate as { id?: unknown } | null)?.id;
    return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
  };
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) {
    const v = (value as { v?: unknown } | null)?.v;
    if (typeof v === 'number' && v !== AGENT_PROTOCOL_VERSION)
      return refuse(idOf(value), 'protocol-version', protocolMismatchMessage(v), true);
    return refuse(idOf(value), 'invalid-input', 'Rejected an agent request that is not {v, id, secret, kind, …}.');
  }
  const { v, id, secret, ...rest } = envelope.data;
  if (v !== AGENT_PROTOCOL_VERSION) return refuse(id, 'protocol-version', protocolMismatchMessage(v), true);
  if (!secretMatches(secret)) return refuse(id, 'forbidden', "Refused a request without the Rolecall agent's secret.", true);
  const body = bodySchema.safeParse(rest);
  if (!body.success) {
    const issue = body.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
    return refuse(
      id,
      'invalid-input',
      `Rejected a malformed "${String(rest.kind).slice(0, 40)}" agent request${where}: ${issue?.message ?? 'invalid'}.`,
    );
  }
  if (body.data.kind === 'api') {
    if (!isRequestChannel(body.data.channel))
      return refuse(id, 'invalid-input', `Rejected a request for an unknown channel "${body.data.channel.slice(0, 40)}".`);
    return { ok: true, id, body: body.data, channel: body.data.channel };
  }
  return { ok: true, id, body: body.data };
};

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
