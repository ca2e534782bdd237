import { describe, expect, it } from 'vitest';
import { CREDENTIALS_REFRESH_WINDOW_MS, MAX_TICK_MS, TOKEN_REFRESH_WINDOW_MS, credentialsDue, nextWakeDelay, sessionActionAt } from './expiry-rules';

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
    expect(nextWakeDelay([], [], 0, lead)).toBe(MAX_TICK_MS);
    expect(nextWakeDelay([{ expiresAt: 16 * minute, refreshable: false }], [], 0, lead)).toBe(minute);
    expect(nextWakeDelay([{ expiresAt: 10 * minute + 5_000, refreshable: true }], [], 0, lead)).toBe(5_000);
    expect(nextWakeDelay([], [CREDENTIALS_REFRESH_WINDOW_MS + 2_000], 0, lead)).toBe(2_000);
  });

  it('never busy-loops on moments already past', () => {
    expect(nextWakeDelay([{ expiresAt: -minute, refreshable: false, warnedFor: -minute }], [], 0, lead)).toBe(MAX_TICK_MS);
  });
});
