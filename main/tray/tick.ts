import { signedInUntil } from '../../app/model/session-status';
import type { AppSnapshot } from '../../app/model/snapshot';
import { msUntilTextChanges } from '../../app/model/countdown';

/**
 * Milliseconds until the tray (icon, title or menu) next reads differently: a countdown's
 * minute (or, in its last minute, second) changes, or a session enters the notification
 * lead time and the tray turns "expiring". Undefined when nothing counts down, so an idle
 * tray costs no timer at all.
 */
export const nextTickDelay = (snapshot: AppSnapshot, now: number): number | undefined => {
  const leadMs = snapshot.preferences.notificationLeadMinutes * 60_000;
  const countdowns: number[] = [];
  const thresholds: number[] = [];
  for (const instance of snapshot.instances) {
    const { session } = instance;
    const sessionEnds = signedInUntil(session, now);
    if (sessionEnds !== undefined) {
      countdowns.push(sessionEnds);
      thresholds.push(sessionEnds - leadMs);
    }
    if (session.status === 'signing-in' && session.signIn?.expiresAt !== undefined) countdowns.push(session.signIn.expiresAt);
  }
  for (const credential of snapshot.activeCredentials) {
    countdowns.push(credential.expiresAt);
    thresholds.push(credential.expiresAt - leadMs);
  }
  const delays = [
    ...countdowns.map((at) => msUntilTextChanges(at, now)),
    // The expiry itself is a change too ("1s" → "expired", the item disappears).
    ...countdowns.map((at) => (at > now ? at - now : undefined)),
    ...thresholds.map((at) => (at > now ? at - now : undefined)),
  ].filter((delay): delay is number => delay !== undefined && delay > 0);
  return delays.length > 0 ? Math.min(...delays) : undefined;
};
