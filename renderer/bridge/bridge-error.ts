import type { IpcError } from '../../app/ipc/contract';

/** A failed bridge call: the core's error code and its one sentence, ready to show. */
export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const fromIpcError = (error: IpcError): BridgeError => new BridgeError(error.code, error.message);

/** Whatever a bridge call rejected with, as a BridgeError (the preload rejects with a plain {code, message}). */
export const toBridgeError = (error: unknown): BridgeError => {
  if (error instanceof BridgeError) return error;
  // The Electron preload rejects with a plain {code, message}: contextBridge keeps plain objects whole.
  if (typeof error === 'object' && error !== null && !(error instanceof Error)) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && typeof message === 'string') return new BridgeError(code, message);
  }
  if (error instanceof Error) {
    const code = typeof (error as { code?: unknown }).code === 'string' ? (error as unknown as { code: string }).code : 'internal';
    return new BridgeError(code, error.message || 'Something went wrong inside Rolecall.');
  }
  return new BridgeError('internal', 'Something went wrong inside Rolecall.');
};
