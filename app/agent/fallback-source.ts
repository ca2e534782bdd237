import { requestChannels } from '../ipc/contract';
import type { RequestCaller, RequestChannel, RolecallApi } from '../ipc/contract';
import { isRolecallError } from '../model/errors';
import type { SessionSource } from '../ports/session-source';
import type { CoreEvent } from '../session/core';

/**
 * Calls that are safe to repeat on a local core after the owner died mid-call: reads, and
 * fetches whose repetition costs at most one more AWS call. A change (adding an instance, a
 * sign-in) may already have happened in the owner, so it is not repeated: it rejects with
 * 'owner-gone' and the user runs the command again.
 */
const REPEATABLE_CHANNELS: ReadonlySet<RequestChannel> = new Set(['state:get', 'directory:get', 'directory:refresh']);

const isOwnerGone = (error: unknown): boolean => isRolecallError(error) && error.code === 'owner-gone';

/**
 * A remote owner that, once it stops answering, is replaced by a core of this process (built
 * by `openLocal` on first need): the CLI falls back to working alone without the command
 * noticing.
 */
export interface FallbackSource extends SessionSource {
  /**
   * Switches to the local source now instead of on the next failed call (the desktop app
   * does when its owner goes away, so the tray keeps working); resolves with it.
   */
  takeOver(): Promise<SessionSource>;
}

export const fallBackWhenOwnerGone = (remote: SessionSource, openLocal: () => Promise<SessionSource>): FallbackSource => {
  let local: Promise<SessionSource> | undefined;
  let current: SessionSource = remote;
  const listeners = new Set<(event: CoreEvent) => void>();
  const forward = (event: CoreEvent): void => {
    for (const listener of listeners) listener(event);
  };
  let unsubscribeCurrent: (() => void) | undefined;

  const switchToLocal = (): Promise<SessionSource> => {
    local ??= (async () => {
      unsubscribeCurrent?.();
      await remote.stop().catch(() => undefined);
      const core = await openLocal();
      current = core;
      unsubscribeCurrent = listeners.size > 0 ? core.subscribe(forward) : undefined;
      // The new source's state may differ from the owner's last word: listeners see it at once.
      if (listeners.size > 0) forward({ channel: 'state:changed', payload: core.snapshot() });
      return core;
    })();
    return local;
  };

  const repeatable = async <T>(work: (source: SessionSource) => Promise<T>): Promise<T> => {
    if (local) return work(await local);
    try {
      return await work(remote);
    } catch (error) {
      if (!isOwnerGone(error)) throw error;
      return work(await switchToLocal());
    }
  };

  const api = Object.fromEntries(
    requestChannels.map((channel) => [
      channel,
      (payload: unknown, caller?: RequestCaller) => {
        const call = (source: SessionSource) =>
          (source.api[channel] as (input: unknown, sender?: RequestCaller) => Promise<unknown>)(payload, caller);
        return REPEATABLE_CHANNELS.has(channel) ? repeatable(call) : local ? local.then(call) : call(remote);
      },
    ]),
  ) as unknown as RolecallApi;

  return {
    takeOver: switchToLocal,
    api,
    snapshot: () => current.snapshot(),
    subscribe: (listener) => {
      listeners.add(listener);
      unsubscribeCurrent ??= current.subscribe(forward);
      return () => listeners.delete(listener);
    },
    start: () => current.start(),
    stop: async () => {
      unsubscribeCurrent?.();
      await remote.stop().catch(() => undefined);
      if (local) await (await local).stop();
    },
    signIn: (instanceId, flow) => (local ? local.then((core) => core.signIn(instanceId, flow)) : remote.signIn(instanceId, flow)),
    sync: (instanceId) => repeatable((source) => source.sync(instanceId)),
    directory: (instanceId) => repeatable((source) => source.directory(instanceId)),
    credentials: (ref) => repeatable((source) => source.credentials(ref)),
    formattedCredentials: (ref, format) => repeatable((source) => source.formattedCredentials(ref, format)),
    consoleUrl: (ref, choice) => repeatable((source) => source.consoleUrl(ref, choice)),
    settings: () => current.settings(),
    instances: () => current.instances(),
  };
};
