import { describe, expect, it } from 'vitest';
import { formatRemaining, formatUntil, msUntilTextChanges } from './countdown';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('formatRemaining', () => {
  it.each([
    [0, 'expired'],
    [-5 * s, 'expired'],
    [Number.NaN, 'expired'],
    [Number.POSITIVE_INFINITY, 'expired'],
    [400, '1s'],
    [999, '1s'],
    [s, '1s'],
    [59 * s, '59s'],
    [59 * s + 999, '59s'],
    [m, '1m'],
    [47 * m + 30 * s, '47m'],
    [59 * m + 59 * s, '59m'],
    // Above an hour both units always show: the width stays put as the hours go by.
    [h, '1h 0m'],
    [7 * h + 12 * m + 59 * s, '7h 12m'],
    [23 * h + 59 * m, '23h 59m'],
    // Days from 24 hours on, where the tray used to say "48h 0m" and the window "2d".
    [d, '1d 0h'],
    [26 * h + 5 * m, '1d 2h'],
    [48 * h, '2d 0h'],
    [50 * h, '2d 2h'],
    [7 * d, '7d 0h'],
  ])('%d ms → %s', (ms, text) => expect(formatRemaining(ms)).toBe(text));

  it('counts down to an instant', () => {
    expect(formatUntil(10 * h, 10 * h - 47 * m)).toBe('47m');
    expect(formatUntil(10_000 + 47 * m, 10_000)).toBe('47m');
  });
});

describe('msUntilTextChanges', () => {
  /** The text just before the delay elapses is the old one, and at the delay the new one. */
  const changesExactlyAfter = (remaining: number) => {
    const delay = msUntilTextChanges(remaining, 0)!;
    expect(delay).toBeGreaterThan(0);
    expect(formatRemaining(remaining - delay + 1)).toBe(formatRemaining(remaining));
    expect(formatRemaining(remaining - delay)).not.toBe(formatRemaining(remaining));
    return delay;
  };

  it('waits until the displayed minute changes, never more than a minute', () => {
    const now = 1_000_000;
    const expiresAt = now + 47 * m + 30 * s;
    const delay = msUntilTextChanges(expiresAt, now)!;
    expect(delay).toBe(30 * s + 1);
    expect(formatUntil(expiresAt, now + delay - 1)).toBe('47m');
    expect(formatUntil(expiresAt, now + delay)).toBe('46m');
    expect(changesExactlyAfter(5 * m)).toBe(1);
  });

  it('switches to seconds just as the last minute starts', () => {
    expect(changesExactlyAfter(m)).toBe(1);
    expect(formatRemaining(m - 1)).toBe('59s');
  });

  it('ticks each second in the last minute', () => {
    expect(changesExactlyAfter(30 * s + 500)).toBe(501);
    expect(formatRemaining(30 * s + 500 - 501)).toBe('29s');
    expect(changesExactlyAfter(30 * s)).toBe(1);
  });

  it('holds "1s" until the text reads "expired"', () => {
    expect(changesExactlyAfter(1500)).toBe(1500);
    expect(changesExactlyAfter(400)).toBe(400);
  });

  it('ticks each hour above a day, and lands on the switch to hours and minutes', () => {
    expect(changesExactlyAfter(2 * d + 3 * h + 20 * m)).toBe(20 * m + 1);
    expect(changesExactlyAfter(d + 30 * m)).toBe(30 * m + 1);
    expect(formatRemaining(d + 30 * m - (30 * m + 1))).toBe('23h 59m');
    expect(changesExactlyAfter(h)).toBe(1);
  });

  it('walks a whole session down through every text it shows, once per change', () => {
    let remaining = 2 * d + 5 * h + 17 * m + 3 * s + 250;
    const seen: string[] = [formatRemaining(remaining)];
    for (let step = 0; step < 10_000 && remaining > 0; step += 1) {
      remaining -= msUntilTextChanges(remaining, 0)!;
      seen.push(formatRemaining(remaining));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 3)).toEqual(['2d 5h', '2d 4h', '2d 3h']);
    expect(seen.slice(-4)).toEqual(['3s', '2s', '1s', 'expired']);
    expect(msUntilTextChanges(remaining, 0)).toBeUndefined();
  });

  it('stops once expired', () => {
    expect(msUntilTextChanges(100, 100)).toBeUndefined();
    expect(msUntilTextChanges(100, 200)).toBeUndefined();
  });
});
