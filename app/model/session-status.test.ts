import { describe, expect, it } from 'vitest';
import { isSignedIn, sessionStatusAt, signedInUntil } from './session-status';
import type { SessionView } from './snapshot';

const now = 1_000_000;

describe('sessionStatusAt', () => {
  it('keeps the status the core derived while the token is unexpired', () => {
    const session: SessionView = { status: 'signed-in', expiresAt: now + 1 };
    expect(sessionStatusAt(session, now)).toBe('signed-in');
    expect(isSignedIn(session, now)).toBe(true);
    expect(signedInUntil(session, now)).toBe(now + 1);
  });

  it('reads a snapshot whose signed-in session ran past its expiry as expired', () => {
    const session: SessionView = { status: 'signed-in', expiresAt: now };
    expect(sessionStatusAt(session, now)).toBe('expired');
    expect(sessionStatusAt(session, now + 60_000)).toBe('expired');
    expect(isSignedIn(session, now)).toBe(false);
    expect(signedInUntil(session, now)).toBeUndefined();
  });

  it.each<SessionView>([
    { status: 'reconnecting', expiresAt: now - 1 },
    { status: 'expired', expiresAt: now + 3_600_000 },
    { status: 'signing-in' },
    { status: 'signed-out' },
    { status: 'error', error: 'The sign-in was denied.' },
  ])('is not signed in while %o, whatever the clock says', (session) => {
    expect(sessionStatusAt(session, now)).toBe(session.status);
    expect(isSignedIn(session, now)).toBe(false);
    expect(signedInUntil(session, now)).toBeUndefined();
  });
});
