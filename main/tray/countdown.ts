/**
 * Countdown text for the tray and its menu. Minutes are rounded down, so "47m" never
 * promises more time than is left; seconds appear only in the last minute, when a minute
 * granularity would hide that the end is near.
 */
export const formatCountdown = (remainingMs: number): string => {
  if (!Number.isFinite(remainingMs) || remainingMs <= 0) return 'expired';
  if (remainingMs < 60_000) return `${Math.floor(remainingMs / 1000)}s`;
  const totalMinutes = Math.floor(remainingMs / 60_000);
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  return hours > 0 ? `${hours}h ${minutes}m` : `${minutes}m`;
};

/** Countdown to an epoch-ms instant. */
export const formatUntil = (expiresAt: number, now: number): string => formatCountdown(expiresAt - now);

/**
 * Milliseconds until `formatCountdown(expiresAt - now)` shows a different text (at most a
 * minute; at most a second in the last minute), or undefined once it reads "expired".
 */
export const msUntilTextChanges = (expiresAt: number, now: number): number | undefined => {
  const remaining = expiresAt - now;
  if (remaining <= 0) return undefined;
  // The text is a floor of `remaining`: it changes as soon as remaining drops below the
  // current whole second (last minute) or whole minute (before), i.e. 1 ms past it.
  const unit = remaining < 60_000 ? 1000 : 60_000;
  return (remaining % unit) + 1;
};
