import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, backoffDelayMs } from './backoff';

describe('backoff', () => {
  it('doubles the ceiling per attempt up to the cap', () => {
    const options = { baseMs: 100, capMs: 1_000 };
    expect([1, 2, 3, 4, 5, 40].map((attempt) => backoffCeilingMs(attempt, options))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('stays within [0, ceiling] for any attempt and random value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, unit) => {
        const options = { baseMs: 50, capMs: 3_000, random: () => unit };
        const delay = backoffDelayMs(attempt, options);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(backoffCeilingMs(attempt, options));
        expect(delay).toBeLessThanOrEqual(3_000);
      }),
    );
  });

  it('uses the injected randomness (full jitter, not a fixed delay)', () => {
    const options = { baseMs: 100, capMs: 10_000 };
    expect(backoffDelayMs(3, { ...options, random: () => 0 })).toBe(0);
    expect(backoffDelayMs(3, { ...options, random: () => 0.5 })).toBe(200);
    expect(backoffDelayMs(3, { ...options, random: () => 0.999 })).toBe(399);
  });
});
