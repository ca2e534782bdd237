import type { RolecallCore } from '../../app/session/core';
import type { TrustedSenders } from './trusted-senders';

/** Forwards every core event to the trusted renderers; returns the unsubscribe. */
export const forwardCoreEvents = (core: Pick<RolecallCore, 'subscribe'>, senders: TrustedSenders): (() => void) =>
  core.subscribe((event) => senders.broadcast(event.channel, event.payload));
