import type {
  EventChannel,
  EventPayloads,
  PreloadApi,
  RequestChannel,
  RequestPayload,
  ResponseTypes,
  RolecallBridge,
} from '../../app/ipc/contract';
import { toBridgeError } from './bridge-error';

/** The bridge over the preload's `window.rolecall`: one method per channel, plus `on`. */
export const electronBridge = (api: PreloadApi): RolecallBridge => ({
  invoke: async <C extends RequestChannel>(channel: C, payload: RequestPayload<C>): Promise<ResponseTypes[C]> => {
    const method = api[channel] as unknown as (input: RequestPayload<C>) => Promise<ResponseTypes[C]>;
    try {
      return await method(payload);
    } catch (error) {
      throw toBridgeError(error);
    }
  },
  on: <E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void) => api.on(channel, listener),
});
