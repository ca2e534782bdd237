/**
 * Timestamps in the shared SSO token cache. botocore and the AWS CLI write
 * `YYYY-MM-DDTHH:MM:SSZ` (strftime, no fraction); SDK v3 writes `toISOString()` with
 * milliseconds; botocore reads with dateutil, so offsets like `+00:00` also occur.
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Formats epoch ms the way botocore's `_sso_json_dumps` does: UTC, seconds, `Z`. */
export const formatCacheTime = (epochMs: number): string => {
  const d = new Date(epochMs);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
};

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Parses a cache timestamp to epoch ms, or undefined when it is not one. A timestamp
 * without a zone is rejected: botocore compares it with an aware "now" and fails on it.
 */
export const parseCacheTime = (text: string): number | undefined => {
  const match = TIMESTAMP.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s = '0', fraction = '', zone = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, Math.floor(Number(`0.${fraction || '0'}`) * 1000));
  const check = new Date(utc);
  // Date.UTC rolls 2024-02-30 over to March; the cache must not mean a different day.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const upper = zone.toUpperCase();
  if (upper === 'Z' || upper === 'UTC' || upper === 'GMT') return utc;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetHours = Number(digits.slice(0, 2));
  const offsetMinutes = Number(digits.slice(2) || '0');
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  return utc - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
};
