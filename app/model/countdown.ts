/**
 * How Rolecall writes remaining time, everywhere: the tray title and menu, the window's
 * status bar and role list, the CLI's messages. One formatter, so the tray never says
 * "48h 0m" while the window says "2d".
 *
 * The style, and why:
 * - Compact, two units at most ("7h 12m", "2d 3h", "47m", "59s"): it must fit a macOS menu
 *   bar title and a role-list cell.
 * - Above an hour both units always show, the smaller one even when 0 ("1h 0m", "2d 0h"):
 *   a countdown that drops a unit changes width every hour, so the menu bar and the list
 *   jump, and a bare "1h" reads like "about an hour" rather than a countdown.
 * - Days from 24 hours on: sessions can last days (up to 7), and "168h" is hard to read.
 * - Seconds only in the last minute, when a minute granularity would hide that the end is
 *   near; before that, seconds are noise that would repaint the tray every second.
 * - Every unit rounds down, so the text never promises more time than is left, and it never
 *   says "0s" while time is left: the last second reads "1s", then "expired".
 */

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

/** Remaining milliseconds as text: "2d 3h", "7h 12m", "1h 0m", "47m", "59s" or "expired". */
export const formatRemaining = (remainingMs: number): string => {
  if (!Number.isFinite(remainingMs) || remainingMs <= 0) return 'expired';
  if (remainingMs < minute) return `${Math.max(1, Math.floor(remainingMs / second))}s`;
  if (remainingMs < hour) return `${Math.floor(remainingMs / minute)}m`;
  if (remainingMs < day) return `${Math.floor(remainingMs / hour)}h ${Math.floor((remainingMs % hour) / minute)}m`;
  return `${Math.floor(remainingMs / day)}d ${Math.floor((remainingMs % day) / hour)}h`;
};

/** The countdown to an epoch-ms instant, read at `now`. */
export const formatUntil = (expiresAt: number, now: number): string => formatRemaining(expiresAt - now);

/**
 * Milliseconds until `formatUntil(expiresAt, now)` reads differently, or undefined once it
 * reads "expired": so a tray or a view repaints exactly when the text changes (each second in
 * the last minute, each minute below a day, each hour above), and an idle one costs no timer.
 */
export const msUntilTextChanges = (expiresAt: number, now: number): number | undefined => {
  const remaining = expiresAt - now;
  if (!Number.isFinite(remaining) || remaining <= 0) return undefined;
  // Below two seconds the text stays "1s" until it reads "expired".
  if (remaining < 2 * second) return remaining;
  // Each unit divides the next one up, so this also lands on the switch from "1d 0h" to
  // "23h 59m" and from "1m" to "59s". The text is a floor: it changes 1 ms past the boundary.
  const unit = remaining < minute ? second : remaining < day ? minute : hour;
  return (remaining % unit) + 1;
};
