import { describe, expect, it } from 'vitest';
import { emptySnapshot, instanceView } from '../../app/model/test-support/snapshot-fixture';
import { deriveTrayStatus, trayTitle } from './tray-state';

const now = 1_700_000_000_000;
const minutes = (n: number) => n * 60_000;
const role = { instanceId: 'acme', accountId: '111122223333', roleName: 'Developer' };

describe('deriveTrayStatus', () => {
  it('is signed-out with no instance or no session', () => {
    expect(deriveTrayStatus(emptySnapshot(), now)).toEqual({ state: 'signed-out', tooltip: 'Rolecall — signed out' });
    const expired = emptySnapshot({ instances: [instanceView('acme', { status: 'expired', expiresAt: now - 1 })] });
    expect(deriveTrayStatus(expired, now)).toMatchObject({ state: 'signed-out', tooltip: 'Rolecall — session ended; sign in again' });
  });

  it('says the session ended when the snapshot still calls it signed in but its expiry has passed', () => {
    const stale = emptySnapshot({ instances: [instanceView('acme', { status: 'signed-in', expiresAt: now })] });
    expect(deriveTrayStatus(stale, now)).toEqual({ state: 'signed-out', tooltip: 'Rolecall — session ended; sign in again' });
  });

  it('is awaiting-code while a device code waits, and says the code', () => {
    const snapshot = emptySnapshot({
      instances: [
        instanceView('acme', { status: 'signed-in', expiresAt: now + minutes(300) }),
        instanceView('beta', { status: 'signing-in', signIn: { flow: 'device', stage: 'polling', userCode: 'ABCD-EFGH' } }),
      ],
    });
    const status = deriveTrayStatus(snapshot, now);
    expect(status.state).toBe('awaiting-code');
    expect(status.tooltip).toContain('ABCD-EFGH');
    expect(status.nearestExpiry).toBe(now + minutes(300));
  });

  it('is error when a session failed', () => {
    const snapshot = emptySnapshot({
      instances: [instanceView('acme', { status: 'error', error: 'Sign-in was denied in the browser.' }, 'Acme')],
    });
    expect(deriveTrayStatus(snapshot, now)).toEqual({ state: 'error', tooltip: 'Rolecall — Acme: Sign-in was denied in the browser.' });
  });

  it('is signed-in outside the lead time and expiring inside it', () => {
    const at = (remaining: number) =>
      deriveTrayStatus(emptySnapshot({ instances: [instanceView('acme', { status: 'signed-in', expiresAt: now + remaining })] }), now);
    expect(at(minutes(16))).toEqual({ state: 'signed-in', tooltip: 'Rolecall — signed in · 16m', nearestExpiry: now + minutes(16) });
    expect(at(minutes(15))).toMatchObject({ state: 'expiring', tooltip: 'Rolecall — session ends in 15m' });
  });

  it('turns expiring for a kept-fresh credential, not for an ordinary one', () => {
    const base = {
      instances: [instanceView('acme', { status: 'signed-in', expiresAt: now + minutes(400) })],
      activeCredentials: [{ role, expiresAt: now + minutes(5) }],
    };
    expect(deriveTrayStatus(emptySnapshot(base), now).state).toBe('signed-in');
    const kept = deriveTrayStatus(emptySnapshot({ ...base, keepFresh: [role] }), now);
    expect(kept).toMatchObject({ state: 'expiring', tooltip: 'Rolecall — credentials expire in 5m', nearestExpiry: now + minutes(5) });
  });

  it('turns expiring for a kept-fresh chained role by its name, not for a kept-fresh role it happens to assume', () => {
    const assumed = { instanceId: 'acme', accountId: '444455556666', roleName: 'Deployer' };
    const base = {
      instances: [instanceView('acme', { status: 'signed-in', expiresAt: now + minutes(400) })],
      activeCredentials: [{ role: assumed, chainedRole: 'deployer', expiresAt: now + minutes(5) }],
    };
    expect(deriveTrayStatus(emptySnapshot(base), now).state).toBe('signed-in');
    // The same account and role name kept fresh as an Identity Center role is another credential.
    expect(deriveTrayStatus(emptySnapshot({ ...base, keepFresh: [assumed] }), now).state).toBe('signed-in');
    const kept = deriveTrayStatus(emptySnapshot({ ...base, chainedKeepFresh: ['deployer'] }), now);
    expect(kept).toMatchObject({ state: 'expiring', tooltip: 'Rolecall — credentials expire in 5m', nearestExpiry: now + minutes(5) });
  });

  it('honours the configured lead time', () => {
    const snapshot = emptySnapshot({
      instances: [instanceView('acme', { status: 'signed-in', expiresAt: now + minutes(45) })],
      preferences: { ...emptySnapshot().preferences, notificationLeadMinutes: 60 },
    });
    expect(deriveTrayStatus(snapshot, now).state).toBe('expiring');
  });
});

describe('trayTitle', () => {
  it('shows the nearest expiry, or nothing', () => {
    expect(trayTitle({ state: 'signed-in', tooltip: '', nearestExpiry: now + minutes(47) + 10_000 }, now)).toBe('47m');
    expect(trayTitle({ state: 'signed-out', tooltip: '' }, now)).toBe('');
  });
});
