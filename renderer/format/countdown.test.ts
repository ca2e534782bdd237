import { describe, expect, it } from 'vitest';
import { formatAgo, formatCountdown, formatRemaining, nextTickIn, urgencyOf } from './countdown';

const s = 1000;
const m = 60 * s;
const h = 60 * m;

describe('formatRemaining', () => {
  it.each([
    [0, 'expired'],
    [-5 * s, 'expired'],
    [Number.NaN, 'expired'],
    [400, '1s'],
    [59 * s + 999, '59s'],
    [60 * s, '1m'],
    [59 * m + 59 * s, '59m'],
    [h, '1h'],
    [7 * h + 12 * m + 30 * s, '7h 12m'],
    [23 * h + 59 * m, '23h 59m'],
    [24 * h, '1d'],
    [50 * h, '2d 2h'],
  ])('%d ms → %s', (ms, text) => expect(formatRemaining(ms)).toBe(text));

  it('formats a countdown from an expiry and a clock', () => {
    expect(formatCountdown(10 * h, 10 * h - 47 * m)).toBe('47m');
  });
});

describe('nextTickIn', () => {
  it('ticks each second in the last minute', () => {
    expect(nextTickIn(30 * s)).toBe(s);
    expect(nextTickIn(30 * s + 250)).toBe(250);
  });
  it('ticks when the minute shown changes, otherwise', () => {
    expect(nextTickIn(5 * m + 20 * s)).toBe(20 * s + 1);
    expect(formatRemaining(5 * m + 20 * s - nextTickIn(5 * m + 20 * s))).toBe('4m');
    expect(nextTickIn(5 * m)).toBe(m + 1);
  });
  it('stops ticking once expired', () => {
    expect(nextTickIn(0)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('urgencyOf and formatAgo', () => {
  it('grades remaining time', () => {
    expect(urgencyOf(2 * h)).toBe('ok');
    expect(urgencyOf(10 * m)).toBe('soon');
    expect(urgencyOf(30 * s)).toBe('imminent');
    expect(urgencyOf(0)).toBe('expired');
    expect(urgencyOf(20 * m, 30 * m)).toBe('soon');
  });
  it('says how long ago', () => {
    expect(formatAgo(1000, 1000 + 10 * s)).toBe('just now');
    expect(formatAgo(0, 5 * m)).toBe('5m ago');
    expect(formatAgo(0, 3 * h + m)).toBe('3h ago');
    expect(formatAgo(0, 49 * h)).toBe('2d ago');
  });
});
