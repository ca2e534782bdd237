import { describe, expect, it } from 'vitest';
import {
  CREDENTIALS_REFRESH_WINDOW_MS,
  MAX_TICK_MS,
  TOKEN_REFRESH_WINDOW_MS,
  credentialsDue,
  nextWakeDelay,
  sessionActionAt,
} from './expiry-rules';

const minute = 60_000;
const lead = 15 * minute;

describe('sessionActionAt', () => {
  it('refreshes a refreshable token inside the refresh window and never warns for it', () => {
    expect(sessionActionAt({ expiresAt: 60 * minute, refreshable: true }, 0, lead)).toBe('none');
    expect(sessionActionAt({ expiresAt: 60 * minute, refreshable: true }, 60 * minute - TOKEN_REFRESH_WINDOW_MS, lead)).toBe('refresh');
    expect(sessionActionAt({ expiresAt: 60 * minute, refreshable: true }, 61 * minute, lead)).toBe('refresh');
  });

  it('warns once inside the lead time for a session that cannot be refreshed, then expires it', () => {
    const session = { expiresAt: 60 * minute, refreshable: false };
    expect(sessionActionAt(session, 44 * minute, lead)).toBe('none');
    expect(sessionActionAt(session, 45 * minute, lead)).toBe('warn');
    expect(sessionActionAt({ ...session, warnedFor: 60 * minute }, 50 * minute, lead)).toBe('none');
    expect(sessionActionAt({ ...session, warnedFor: 60 * minute }, 60 * minute, lead)).toBe('expire');
  });

  it('warns again for a new session with a different expiry', () => {
    expect(sessionActionAt({ expiresAt: 120 * minute, refreshable: false, warnedFor: 60 * minute }, 110 * minute, lead)).toBe('warn');
  });
});

describe('credentialsDue', () => {
  it('is due when missing or inside the window', () => {
    expect(credentialsDue(undefined, 0)).toBe(true);
    expect(credentialsDue(60 * minute, 0)).toBe(false);
    expect(credentialsDue(60 * minute, 60 * minute - CREDENTIALS_REFRESH_WINDOW_MS)).toBe(true);
  });
});

describe('nextWakeDelay', () => {
  it('sleeps until the nearest moment something becomes due, capped', () => {
    expect(nextWakeDelay([], [], 0, lead)).toEqual({ delayMs: MAX_TICK_MS, pastDue: false });
    expect(nextWakeDelay([{ expiresAt: 16 * minute, refreshable: false }], [], 0, lead).delayMs).toBe(minute);
    expect(nextWakeDelay([{ expiresAt: 10 * minute + 5_000, refreshable: true }], [], 0, lead).delayMs).toBe(5_000);
    expect(nextWakeDelay([], [CREDENTIALS_REFRESH_WINDOW_MS + 2_000], 0, lead).delayMs).toBe(2_000);
  });

  it('retries a moment already past after the given delay instead of busy-looping', () => {
    const pastRefresh = [{ expiresAt: 5 * minute, refreshable: true }];
    expect(nextWakeDelay(pastRefresh, [], 0, lead, 4_000)).toEqual({ delayMs: 4_000, pastDue: true });
    expect(nextWakeDelay(pastRefresh, [], 0, lead, 0)).toEqual({ delayMs: 250, pastDue: true });
    expect(nextWakeDelay(pastRefresh, [], 0, lead)).toEqual({ delayMs: MAX_TICK_MS, pastDue: true });
  });
});
