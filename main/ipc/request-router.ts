import { isRequestChannel, parseRequest, requestChannels } from '../../app/ipc/contract';
import type { IpcResult, RequestChannel, RolecallApi } from '../../app/ipc/contract';
import { isRolecallError } from '../../app/model/errors';

/** What the router reads from an invoke event: who sent it, from which page. */
export interface InvokeSource {
  readonly sender: { readonly id: number };
  readonly senderFrame: { readonly url: string } | null;
}

/** The slice of Electron's `ipcMain` used here (the real one and the test fake fit). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeSource, payload: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface RouterLog {
  warn(message: string): void;
  error(message: string): void;
}

export interface RouterDeps {
  readonly api: RolecallApi;
  isTrustedSender(id: number): boolean;
  /** Whether a frame URL is our own renderer page (not a navigated-to or injected frame). */
  isAppUrl(url: string): boolean;
  /** The sender asked for its first snapshot: it is listening for events now. */
  onRendererReady(id: number): void;
  readonly log: RouterLog;
}

const failure = (code: string, message: string): IpcResult<never> => ({ ok: false, error: { code, message } });

/**
 * Handles one invoke: checks the sender and its frame, validates the payload against the
 * contract, calls the core, and wraps the outcome in an IpcResult. Logs name the channel
 * and the sender, never the payload (it may hold a start URL or a role the user typed).
 */
export const routeRequest = async (
  channel: string,
  source: InvokeSource,
  payload: unknown,
  deps: RouterDeps,
): Promise<IpcResult<unknown>> => {
  const senderId = source.sender.id;
  if (!isRequestChannel(channel)) {
    deps.log.warn(`IPC: refused unknown channel from webContents ${senderId}.`);
    return failure('invalid-input', 'Unknown request.');
  }
  const frameUrl = source.senderFrame?.url;
  if (!deps.isTrustedSender(senderId) || frameUrl === undefined || !deps.isAppUrl(frameUrl)) {
    deps.log.warn(`IPC: refused "${channel}" from untrusted webContents ${senderId}.`);
    return failure('forbidden', 'This page may not talk to Rolecall.');
  }
  let parsed: unknown;
  try {
    parsed = parseRequest(channel, payload);
  } catch (error) {
    deps.log.warn(`IPC: rejected a malformed "${channel}" request from webContents ${senderId}.`);
    return isRolecallError(error)
      ? failure(error.code, error.userMessage)
      : failure('invalid-input', `Rejected a malformed "${channel}" request.`);
  }
  try {
    const handler = deps.api[channel] as (payload: unknown) => Promise<unknown>;
    const value = await handler(parsed);
    if (channel === 'state:get') deps.onRendererReady(senderId);
    return { ok: true, value };
  } catch (error) {
    if (isRolecallError(error)) return failure(error.code, error.userMessage);
    // An unexpected failure: the view gets a plain sentence, the log the error's kind.
    deps.log.error(`IPC: "${channel}" failed unexpectedly: ${error instanceof Error ? error.name : typeof error}.`);
    return failure('internal', 'Something went wrong inside Rolecall; the log has details.');
  }
};

/**
 * Registers one `ipcMain.handle` per request channel of the contract. The only place that
 * calls `ipcMain.handle`; returns a function that removes the handlers again.
 */
export const registerRequestHandlers = (ipcMain: IpcMainLike, deps: RouterDeps): (() => void) => {
  for (const channel of requestChannels) {
    ipcMain.handle(channel, (event, payload) => routeRequest(channel, event, payload, deps));
  }
  return () => {
    for (const channel of requestChannels) ipcMain.removeHandler(channel satisfies RequestChannel);
  };
};
