import { describe, expect, it } from 'vitest';
import { formatCountdown, formatUntil, msUntilTextChanges } from './countdown';

describe('formatCountdown', () => {
  it.each([
    [7 * 3_600_000 + 12 * 60_000 + 59_000, '7h 12m'],
    [3_600_000, '1h 0m'],
    [47 * 60_000 + 30_000, '47m'],
    [60_000, '1m'],
    [59_999, '59s'],
    [59_000, '59s'],
    [1_000, '1s'],
    [999, '0s'],
    [0, 'expired'],
    [-5_000, 'expired'],
    [Number.NaN, 'expired'],
    [26 * 3_600_000 + 5 * 60_000, '26h 5m'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatCountdown(ms)).toBe(text);
  });

  it('counts down to an instant', () => {
    expect(formatUntil(10_000 + 47 * 60_000, 10_000)).toBe('47m');
  });
});

describe('msUntilTextChanges', () => {
  it('waits until the displayed minute changes, never more than a minute', () => {
    const now = 1_000_000;
    const expiresAt = now + 47 * 60_000 + 30_000;
    const delay = msUntilTextChanges(expiresAt, now);
    expect(delay).toBe(30_001);
    expect(formatUntil(expiresAt, now)).toBe('47m');
    expect(formatUntil(expiresAt, now + delay! - 1)).toBe('47m');
    expect(formatUntil(expiresAt, now + delay!)).toBe('46m');
  });

  it('switches to seconds just as the last minute starts', () => {
    const delay = msUntilTextChanges(60_000, 0)!;
    expect(formatCountdown(60_000 - delay)).toBe('59s');
    expect(delay).toBe(1);
  });

  it('ticks each second in the last minute', () => {
    const delay = msUntilTextChanges(30_500, 0)!;
    expect(delay).toBe(501);
    expect(formatCountdown(30_500 - delay)).toBe('29s');
  });

  it('stops once expired', () => {
    expect(msUntilTextChanges(100, 100)).toBeUndefined();
  });
});
