import { parseRequest } from '../../../app/ipc/contract';
import type { EventChannel, RequestChannel, RolecallBridge } from '../../../app/ipc/contract';
import type { RolecallCore } from '../../../app/session/core';
import { BridgeError } from '../../bridge/bridge-error';

/**
 * The page's bridge straight onto a real core, in this process: requests are parsed as the
 * shells parse them, and a core error reaches the store as the BridgeError the preload or
 * `rolecall web` would raise (code and one-sentence message).
 */
export const bridgeTo = (core: RolecallCore): RolecallBridge => ({
  invoke: async (channel, payload) => {
    try {
      return (await (core.api[channel as RequestChannel] as (input: unknown) => Promise<unknown>)(parseRequest(channel, payload))) as never;
    } catch (error) {
      const e = error as { code?: string; userMessage?: string; message: string };
      throw new BridgeError(e.code ?? 'internal', e.userMessage ?? e.message);
    }
  },
  on: (channel, listener) =>
    core.subscribe((event) => event.channel === (channel as EventChannel) && (listener as (p: unknown) => void)(event.payload)),
});
