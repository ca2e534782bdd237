import { describe, expect, it } from 'vitest';
import type { AppSnapshot, SessionView } from '../../app/model/snapshot';
import { emptySnapshot, instanceView } from '../../app/model/test-support/snapshot-fixture';
import { statusReport, statusText } from './status';

const now = Date.UTC(2030, 0, 1);

const snapshotWith = (session: SessionView): AppSnapshot => emptySnapshot({ instances: [instanceView('acme', session, 'Acme')] });

describe('statusReport reads the one session status', () => {
  it('is signed in with an unexpired token, and says when it expires', () => {
    const report = statusReport(snapshotWith({ status: 'signed-in', expiresAt: now + 3_600_000, refreshable: true }), undefined, now);
    expect(report.instances[0]).toMatchObject({ status: 'signed-in', signedIn: true, expiresInSeconds: 3600 });
    expect(statusText(report).join('\n')).toContain('signed in, expires in 1h 0m (refreshable)');
  });

  it('is not signed in while reconnecting: the token has run out and no credentials can be had', () => {
    const report = statusReport(
      snapshotWith({ status: 'reconnecting', expiresAt: now - 1_000, error: 'Could not renew; retrying.' }),
      1,
      now,
    );
    expect(report.instances[0]).toMatchObject({ status: 'reconnecting', signedIn: false });
    expect(statusText(report).join('\n')).not.toContain('expires in');
  });

  it('reads an owner snapshot older than the expiry as expired', () => {
    const report = statusReport(snapshotWith({ status: 'signed-in', expiresAt: now - 1 }), 1, now);
    expect(report.instances[0]).toMatchObject({ status: 'expired', signedIn: false });
    expect(statusText(report).join('\n')).toContain('session expired');
  });
});
