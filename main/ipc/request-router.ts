import { isRequestChannel, requestChannels } from '../../app/ipc/contract';
import type { IpcResult, RequestChannel, RolecallApi } from '../../app/ipc/contract';
import { dispatchRequest } from '../../app/ipc/dispatch';

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
 * Handles one invoke: the Electron-only part (the channel is ours, the sender is our window
 * and its frame our page) is checked here, then the one dispatcher (app/ipc/dispatch)
 * validates the payload, calls the core and shapes the outcome, as for every transport.
 * Logs name the channel and the sender, never the payload (it may hold a start URL or a
 * role the user typed).
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
  const result = await dispatchRequest(deps.api, channel, payload, {
    malformed: () => deps.log.warn(`IPC: rejected a malformed "${channel}" request from webContents ${senderId}.`),
    // The error's kind only: an unexpected error's message may quote what the user typed.
    failed: (_, error) => deps.log.error(`IPC: "${channel}" failed unexpectedly: ${error instanceof Error ? error.name : typeof error}.`),
  });
  if (result.ok && channel === 'state:get') deps.onRendererReady(senderId);
  return result;
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
