import { describe, expect, it } from 'vitest';
import { formatAgo, urgencyOf } from './time';

const s = 1000;
const m = 60 * s;
const h = 60 * m;

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
