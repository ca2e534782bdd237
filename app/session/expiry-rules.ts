/**
 * Pure rules for what is due when: refreshing an access token, warning before a session
 * ends, re-fetching kept-fresh credentials, and when to wake up next. The controller asks
 * these on every tick, so they are tested with plain numbers instead of timers.
 */

/** Refresh an access token this long before it expires (botocore uses 15 min, SDK v3 5 min). */
export const TOKEN_REFRESH_WINDOW_MS = 10 * 60_000;
/** Re-fetch kept-fresh role credentials this long before they expire. */
export const CREDENTIALS_REFRESH_WINDOW_MS = 5 * 60_000;
/** A signed-in instance's account list is re-synced in the background once it is this old. */
export const DIRECTORY_RESYNC_AFTER_MS = 12 * 60 * 60_000;

/** Whether an account list synced at `syncedAt` (none: never synced) is due for a sync now. */
export const directoryResyncDue = (syncedAt: number | undefined, now: number): boolean =>
  syncedAt === undefined || now - syncedAt >= DIRECTORY_RESYNC_AFTER_MS;
/** Never sleep longer than this, so clock jumps (suspend/resume) are noticed soon. */
export const MAX_TICK_MS = 60_000;

export interface SessionTiming {
  readonly expiresAt: number;
  readonly refreshable: boolean;
  /** The expiresAt we already warned about, so the warning fires once per session. */
  readonly warnedFor?: number;
}

export type SessionAction = 'none' | 'refresh' | 'warn' | 'expire';

/** What to do about one instance's session now. */
export const sessionActionAt = (session: SessionTiming, now: number, leadMs: number): SessionAction => {
  const remaining = session.expiresAt - now;
  if (session.refreshable && remaining <= TOKEN_REFRESH_WINDOW_MS) return 'refresh';
  if (remaining <= 0) return 'expire';
  if (!session.refreshable && remaining <= leadMs && session.warnedFor !== session.expiresAt) return 'warn';
  return 'none';
};

/** Whether kept-fresh credentials expiring at `expiration` should be fetched again now. */
export const credentialsDue = (expiration: number | undefined, now: number): boolean =>
  expiration === undefined || expiration - now <= CREDENTIALS_REFRESH_WINDOW_MS;

/** When to wake next, and whether something was already due and not done (a failed refresh, a race). */
export interface WakePlan {
  readonly delayMs: number;
  readonly pastDue: boolean;
}

/**
 * Milliseconds until the next moment one of the rules above can change its answer. A moment
 * already past (its action failed, or time jumped during a tick) is retried after
 * `pastDueRetryMs`, which the caller backs off, so a failing refresh never busy-loops.
 */
export const nextWakeDelay = (
  sessions: readonly SessionTiming[],
  credentialExpirations: readonly number[],
  now: number,
  leadMs: number,
  pastDueRetryMs = MAX_TICK_MS,
  /** Other moments something becomes due (a directory re-sync). */
  otherMoments: readonly number[] = [],
): WakePlan => {
  const moments: number[] = [...otherMoments];
  for (const session of sessions) {
    if (session.refreshable) moments.push(session.expiresAt - TOKEN_REFRESH_WINDOW_MS);
    else {
      moments.push(session.expiresAt);
      if (session.warnedFor !== session.expiresAt) moments.push(session.expiresAt - leadMs);
    }
  }
  for (const expiration of credentialExpirations) moments.push(expiration - CREDENTIALS_REFRESH_WINDOW_MS);
  const delays = moments.map((at) => at - now);
  const pastDue = delays.some((delay) => delay <= 0);
  const candidates = delays.map((delay) => (delay > 0 ? delay : pastDueRetryMs));
  return { delayMs: Math.max(250, Math.min(MAX_TICK_MS, ...candidates)), pastDue };
};
