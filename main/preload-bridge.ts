import type { EventChannel, EventPayloads, IpcResult, PreloadApi, RequestChannel } from '../app/ipc/contract';

/**
 * The preload's view of the contract, as plain data so the bundle stays free of zod: the
 * `satisfies` clauses fail to compile if a channel is added to or removed from the contract
 * without this list following.
 */
const requestChannelSet = {
  'state:get': true,
  'directory:get': true,
  'instance:add': true,
  'instance:remove': true,
  'session:sign-in': true,
  'session:cancel-sign-in': true,
  'session:open-verification': true,
  'session:sign-out': true,
  'directory:refresh': true,
  'credentials:copy': true,
  'console:open': true,
  'favorites:toggle': true,
  'keep-fresh:toggle': true,
  'preferences:update': true,
  'notices:dismiss': true,
  'aws-config:add-profile': true,
  'aws-config:add-all': true,
  'aws-config:find-setups': true,
  'aws-config:import-setups': true,
  'instance:update': true,
  'aliases:set': true,
  'chained-roles:save': true,
  'chained-roles:remove': true,
} as const satisfies Record<RequestChannel, true>;

const eventChannelSet = {
  'state:changed': true,
  'directory:changed': true,
  'quick-switcher:open': true,
  'view:open': true,
} as const satisfies Record<EventChannel, true>;

export const preloadRequestChannels = Object.keys(requestChannelSet) as RequestChannel[];
export const preloadEventChannels = Object.keys(eventChannelSet) as EventChannel[];

/** The slice of `ipcRenderer` the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

/**
 * A rejection as the view sees it: the IpcError's code and sentence, as a plain object.
 * contextBridge rebuilds a thrown Error from its message alone (dropping `code`), but it
 * clones plain objects whole.
 */
export interface BridgeError {
  readonly name: 'RolecallError';
  readonly code: string;
  readonly message: string;
}

const toError = (code: string, message: string): BridgeError => ({ name: 'RolecallError', code, message });

const unwrap = (channel: RequestChannel, result: unknown): unknown => {
  const envelope = result as Partial<IpcResult<unknown>> | undefined;
  if (envelope?.ok === true) return envelope.value;
  if (envelope?.ok === false && envelope.error) throw toError(String(envelope.error.code), String(envelope.error.message));
  throw toError('internal', `Rolecall sent an unexpected reply to "${channel}".`);
};

/**
 * Builds `window.rolecall`: one method per request channel and `on` for the allow-listed
 * events. Listeners get the payload only, never Electron's event object (which would hand
 * the page `sender`), and unknown event names are refused rather than passed through.
 */
export const createPreloadApi = (ipc: IpcRendererLike): PreloadApi => {
  const methods = Object.fromEntries(
    preloadRequestChannels.map((channel) => [channel, async (payload: unknown) => unwrap(channel, await ipc.invoke(channel, payload))]),
  );
  const on = <E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void): (() => void) => {
    if (!Object.prototype.hasOwnProperty.call(eventChannelSet, channel) || typeof listener !== 'function') {
      throw toError('invalid-input', `"${String(channel)}" is not a Rolecall event.`);
    }
    const wrapped = (_event: unknown, payload: unknown) => listener(payload as EventPayloads[E]);
    ipc.on(channel, wrapped);
    return () => {
      ipc.removeListener(channel, wrapped);
    };
  };
  return Object.freeze({ ...methods, on }) as PreloadApi;
};
