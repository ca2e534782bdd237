/**
 * How Rolecall writes remaining time: "7h 12m", "47m", "59s", "expired". Minutes round
 * down so a countdown never promises more than is left.
 */

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

export const formatRemaining = (ms: number): string => {
  if (!Number.isFinite(ms) || ms <= 0) return 'expired';
  if (ms < minute) return `${Math.max(1, Math.floor(ms / second))}s`;
  if (ms < hour) return `${Math.floor(ms / minute)}m`;
  if (ms < day) {
    const minutes = Math.floor((ms % hour) / minute);
    return minutes === 0 ? `${Math.floor(ms / hour)}h` : `${Math.floor(ms / hour)}h ${minutes}m`;
  }
  const hours = Math.floor((ms % day) / hour);
  return hours === 0 ? `${Math.floor(ms / day)}d` : `${Math.floor(ms / day)}d ${hours}h`;
};

/** Remaining time until `expiresAt`, formatted. */
export const formatCountdown = (expiresAt: number, now: number): string => formatRemaining(expiresAt - now);

/**
 * How long until the formatted countdown changes: each second in the last minute, else at
 * the next minute boundary of the remaining time.
 */
export const nextTickIn = (remainingMs: number): number => {
  if (remainingMs <= 0) return Number.POSITIVE_INFINITY;
  if (remainingMs <= minute) return remainingMs % second || second;
  // Land just past the boundary so the new value is already the lower one.
  return (remainingMs % minute || minute) + 1;
};

export type Urgency = 'ok' | 'soon' | 'imminent' | 'expired';

/** How worried the UI should look: amber under `soonMs`, red in the last minute. */
export const urgencyOf = (remainingMs: number, soonMs = 15 * minute): Urgency => {
  if (remainingMs <= 0) return 'expired';
  if (remainingMs <= minute) return 'imminent';
  if (remainingMs <= soonMs) return 'soon';
  return 'ok';
};

/** "just now", "5m ago", "3h ago", "2d ago": when something last happened. */
export const formatAgo = (at: number, now: number): string => {
  const elapsed = now - at;
  if (elapsed < minute) return 'just now';
  if (elapsed < hour) return `${Math.floor(elapsed / minute)}m ago`;
  if (elapsed < day) return `${Math.floor(elapsed / hour)}h ago`;
  return `${Math.floor(elapsed / day)}d ago`;
};
