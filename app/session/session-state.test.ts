import { describe, expect, it } from 'vitest';
import { isSignedIn, sessionStatusAt } from '../model/session-status';
import { defaultSettings } from '../model/settings';
import type { SsoToken } from '../model/tokens';
import { newRuntime } from './runtime';
import {
  clearSession,
  endSigningIn,
  heldToken,
  holdToken,
  liveToken,
  markExpired,
  markReconnecting,
  sessionStatus,
  startSigningIn,
} from './session-state';
import { buildSnapshot } from './snapshot-builder';
import { acmeInstance } from '../model/test-support/instance-fixture';

const now = 1_000_000;
const instance = acmeInstance;
const token = (expiresAt: number): SsoToken => ({ startUrl: instance.startUrl, region: instance.region, accessToken: 'a', expiresAt });

describe('the session state machine', () => {
  it('walks signed-out → signing-in → signed-in → reconnecting → signed-in → expired → signed-out', () => {
    const runtime = newRuntime(instance);
    expect(sessionStatus(runtime, now)).toBe('signed-out');
    startSigningIn(runtime, { abort: new AbortController(), view: { flow: 'device', stage: 'registering' }, done: Promise.resolve() });
    expect(sessionStatus(runtime, now)).toBe('signing-in');
    endSigningIn(runtime, { outcome: 'signed-in' });
    holdToken(runtime, token(now + 1), 'rolecall');
    expect(sessionStatus(runtime, now)).toBe('signed-in');
    expect(liveToken(runtime, now)).toBeDefined();

    // Expired by time, renewal failed for a retryable reason: kept, not live, still held for the refresh.
    markReconnecting(runtime, 'Could not renew; retrying.');
    expect(sessionStatus(runtime, now + 2)).toBe('reconnecting');
    expect(liveToken(runtime, now + 2)).toBeUndefined();
    expect(heldToken(runtime)).toBeDefined();
    holdToken(runtime, token(now + 10), 'rolecall');
    expect(sessionStatus(runtime, now + 2)).toBe('signed-in');

    markExpired(runtime, 'Your Acme session has ended; sign in again.');
    expect(sessionStatus(runtime, now)).toBe('expired');
    expect(heldToken(runtime)).toBeUndefined();
    clearSession(runtime);
    expect(sessionStatus(runtime, now)).toBe('signed-out');
  });

  it('a failed sign-in is an error with its sentence; a cancelled one leaves none', () => {
    const runtime = newRuntime(instance);
    const signIn = {
      abort: new AbortController(),
      view: { flow: 'device' as const, stage: 'registering' as const },
      done: Promise.resolve(),
    };
    startSigningIn(runtime, signIn);
    endSigningIn(runtime, { outcome: 'failed', error: 'The sign-in was denied.' });
    expect(sessionStatus(runtime, now)).toBe('error');
    expect(runtime.sessionError).toBe('The sign-in was denied.');
    startSigningIn(runtime, signIn);
    endSigningIn(runtime, { outcome: 'cancelled' });
    expect(sessionStatus(runtime, now)).toBe('signed-out');
  });
});

describe('the one status, read from a snapshot later', () => {
  const snapshotAt = (runtime: ReturnType<typeof newRuntime>, at: number) =>
    buildSnapshot({
      settings: defaultSettings(),
      runtimes: [runtime],
      activeCredentials: [],
      secretStorage: { mode: 'memory-only' },
      notices: [],
      now: at,
    }).instances[0]!.session;

  it('agrees with the core at any later time, as the views tick between snapshots', () => {
    const signedIn = newRuntime(instance);
    holdToken(signedIn, token(now + 60_000), 'rolecall');
    const revoked = newRuntime(instance);
    holdToken(revoked, token(now + 60_000), 'rolecall');
    markExpired(revoked, 'Your Acme session has ended; sign in again.');
    const signedOut = newRuntime(instance);
    for (const runtime of [signedIn, revoked, signedOut]) {
      const session = snapshotAt(runtime, now);
      for (const later of [now, now + 59_999, now + 60_000, now + 3_600_000]) {
        expect(sessionStatusAt(session, later)).toBe(sessionStatus(runtime, later));
        expect(isSignedIn(session, later)).toBe(liveToken(runtime, later) !== undefined);
      }
    }
  });
});
