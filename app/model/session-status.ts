import type { SessionStatus, SessionView } from './snapshot';

/**
 * "Is this instance signed in", read from a snapshot by every view (tray, window, CLI, agent).
 * The core derives the status once (app/session/session-state.ts, sessionStatus) when it
 * builds a snapshot; a view keeps that snapshot while its countdown ticks, so by the time it
 * renders, a session the snapshot called "signed-in" may have run past its expiry. Read here,
 * it then says "expired", as the core would: the token's expiry is the one fact that changes
 * without a new snapshot. Views must not compare `status` or `expiresAt` themselves.
 */
export const sessionStatusAt = (session: SessionView, now: number): SessionStatus =>
  session.status === 'signed-in' && session.expiresAt !== undefined && session.expiresAt <= now ? 'expired' : session.status;

/** Signed in with an unexpired token at `now`: credentials can be had without a sign-in. */
export const isSignedIn = (session: SessionView, now: number): boolean => sessionStatusAt(session, now) === 'signed-in';

/** When the session's token expires, while it is signed in at `now`; else undefined. */
export const signedInUntil = (session: SessionView, now: number): number | undefined =>
  isSignedIn(session, now) ? session.expiresAt : undefined;
