import { z } from 'zod';
import { isRequestChannel } from '../ipc/contract';
import type { IpcError, RequestChannel } from '../ipc/contract';
import { roleRefSchema } from '../model/roles';
import { copyFormatSchema } from '../model/settings';
import { AGENT_PROTOCOL_VERSION, protocolMismatchMessage } from './protocol';

/**
 * The owner's side of the agent protocol (protocol.ts): the schemas every request frame is
 * checked against before anything reaches the core. Clients never load this module.
 */

const strictRoleRef = z.strictObject(roleRefSchema.shape);

const instanceId = z.string().min(1).max(100);

/** What follows `{v, id, secret}` in a request, one shape per kind. */
const bodySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('api'), channel: z.string().max(100), payload: z.unknown().optional() }).strict(),
  z.object({ kind: z.literal('subscribe') }).strict(),
  z.object({ kind: z.literal('credentials'), ref: strictRoleRef }).strict(),
  z.object({ kind: z.literal('formattedCredentials'), ref: strictRoleRef, format: copyFormatSchema }).strict(),
  z
    .object({
      kind: z.literal('consoleUrl'),
      ref: strictRoleRef,
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
