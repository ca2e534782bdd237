/**
 * How the window grades and describes time, beside the one countdown formatter
 * (app/model/countdown.ts), which the window and the tray share.
 */

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

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
