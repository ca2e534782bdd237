import { isRolecallError } from '../model/errors';
import { parseRequest } from './contract';
import type { IpcError, IpcResult, RequestCaller, RequestChannel, RolecallApi } from './contract';

/** What a view is told when something unexpected failed: one sentence, no internals. */
export const internalErrorSentence = 'Something went wrong inside Rolecall; the details are in its log.';

/** Turns whatever a handler threw into what may cross the wire: a code and one sentence. */
export const toIpcError = (error: unknown): IpcError =>
  isRolecallError(error) ? { code: error.code, message: error.userMessage } : { code: 'internal', message: internalErrorSentence };

/**
 * What a transport hears from the dispatcher, so each shell words its own log (the Electron
 * router names the sender, the web server its prefix). Never given the payload: it may hold a
 * start URL or a role the user typed.
 */
export interface DispatchLog {
  /** The payload failed the channel's zod schema; `sentence` is what the sender was told. */
  malformed(channel: RequestChannel, sentence: string): void;
  /** The handler threw something that is not a RolecallError (a bug, or an unmapped failure). */
  failed(channel: RequestChannel, error: unknown): void;
}

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** A DispatchLog that writes one line per event, e.g. `"instance:add" failed: invalid-input …`. */
export const lineLog = (write: (line: string) => void): DispatchLog => ({
  malformed: (channel, sentence) => write(`"${channel}" failed: ${sentence}`),
  failed: (channel, error) => write(`"${channel}" failed: ${describe(error)}`),
});

const quiet: DispatchLog = { malformed: () => undefined, failed: () => undefined };

/**
 * One request of the IPC contract from an untrusted sender: validated against the channel's
 * zod schema, handed to the core, and the outcome wrapped in an IpcResult. Every transport
 * dispatches through here (the Electron router, the web bridge, the agent socket), so they
 * validate alike and fail with the same error shape; what is theirs (sender and frame checks
 * in Electron, framing and request ids on a socket) stays in the transport, and so does who
 * the sender is (`caller`: the agent socket's clients are 'client', every other sender a 'view').
 */
export const dispatchRequest = async (
  api: RolecallApi,
  channel: RequestChannel,
  payload: unknown,
  log: DispatchLog | ((line: string) => void) = quiet,
  caller: RequestCaller = 'view',
): Promise<IpcResult<unknown>> => {
  const events = typeof log === 'function' ? lineLog(log) : log;
  let valid: unknown;
  try {
    valid = parseRequest(channel, payload);
  } catch (error) {
    const ipcError: IpcError = isRolecallError(error)
      ? toIpcError(error)
      : { code: 'invalid-input', message: `Rejected a malformed "${channel}" request.` };
    events.malformed(channel, ipcError.message);
    return { ok: false, error: ipcError };
  }
  try {
    const handler = api[channel] as (input: unknown, sender: RequestCaller) => Promise<unknown>;
    return { ok: true, value: await handler(valid, caller) };
  } catch (error) {
    const ipcError = toIpcError(error);
    if (ipcError.code === 'internal') events.failed(channel, error);
    return { ok: false, error: ipcError };
  }
};
