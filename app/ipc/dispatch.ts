import { isRolecallError } from '../model/errors';
import { parseRequest } from './contract';
import type { IpcError, IpcResult, RequestChannel, RolecallApi } from './contract';

/** Turns whatever a handler threw into what may cross the wire: a code and one sentence. */
export const toIpcError = (error: unknown): IpcError =>
  isRolecallError(error)
    ? { code: error.code, message: error.userMessage }
    : { code: 'internal', message: 'Something went wrong inside Rolecall; the details are in its log.' };

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * One request of the IPC contract from an untrusted sender: validated against the channel's
 * zod schema, handed to the core, and the outcome wrapped in an IpcResult. The web bridge and
 * the agent socket both dispatch through here; `log` hears about malformed requests and
 * unexpected failures (never the payload).
 */
export const dispatchRequest = async (
  api: RolecallApi,
  channel: RequestChannel,
  payload: unknown,
  log: (line: string) => void = () => undefined,
): Promise<IpcResult<unknown>> => {
  try {
    const valid = parseRequest(channel, payload);
    const handler = api[channel] as (input: typeof valid) => Promise<unknown>;
    return { ok: true, value: await handler(valid) };
  } catch (error) {
    const ipcError = toIpcError(error);
    if (ipcError.code === 'invalid-input' || ipcError.code === 'internal') {
      log(`"${channel}" failed: ${ipcError.code === 'internal' ? describe(error) : ipcError.message}`);
    }
    return { ok: false, error: ipcError };
  }
};
