import { describe, expect, it } from 'vitest';
import { emptySnapshot, instanceView } from '../../app/model/test-support/snapshot-fixture';
import { formatUntil } from '../../app/model/countdown';
import { nextTickDelay } from './tick';

const now = 1_700_000_000_000;
const role = { instanceId: 'acme', accountId: '111122223333', roleName: 'Developer' };

describe('nextTickDelay', () => {
  it('does not tick when nothing counts down', () => {
    expect(nextTickDelay(emptySnapshot({ instances: [instanceView('acme')] }), now)).toBeUndefined();
  });

  it('ticks when the minute shown changes, at most once a minute', () => {
    const expiresAt = now + 3 * 3_600_000 + 20_000;
    const snapshot = emptySnapshot({ instances: [instanceView('acme', { status: 'signed-in', expiresAt })] });
    const delay = nextTickDelay(snapshot, now)!;
    expect(delay).toBe(20_001);
    expect(formatUntil(expiresAt, now + delay)).not.toBe(formatUntil(expiresAt, now));
    const exactlyOnMinute = emptySnapshot({ instances: [instanceView('acme', { status: 'signed-in', expiresAt: now + 3 * 3_600_000 })] });
    expect(nextTickDelay(exactlyOnMinute, now)).toBeLessThanOrEqual(60_000);
  });

  it('counts down a session only while it is signed in', () => {
    const ended = emptySnapshot({ instances: [instanceView('acme', { status: 'expired', expiresAt: now + 3_600_000 })] });
    expect(nextTickDelay(ended, now)).toBeUndefined();
    const stale = emptySnapshot({ instances: [instanceView('acme', { status: 'signed-in', expiresAt: now - 1 })] });
    expect(nextTickDelay(stale, now)).toBeUndefined();
  });

  it('ticks every second in the last minute of a credential', () => {
    const snapshot = emptySnapshot({ activeCredentials: [{ role, expiresAt: now + 42_250 }] });
    expect(nextTickDelay(snapshot, now)).toBe(251);
    expect(nextTickDelay(snapshot, now + 251)).toBe(1000);
  });

  it('wakes exactly when a session enters the notification lead time', () => {
    const lead = 15 * 60_000;
    const snapshot = emptySnapshot({ instances: [instanceView('acme', { status: 'signed-in', expiresAt: now + lead + 30_000 })] });
    expect(nextTickDelay(snapshot, now)).toBe(30_000);
  });

  it('counts the device code while signing in', () => {
    const snapshot = emptySnapshot({
      instances: [instanceView('acme', { status: 'signing-in', signIn: { flow: 'device', stage: 'polling', expiresAt: now + 5_500 } })],
    });
    expect(nextTickDelay(snapshot, now)).toBe(501);
  });
});
