import { describe, expect, it } from 'vitest';
import { copiedMessage, profileMessage } from './messages';

const role = { instanceId: 'acme', accountId: '111111111111', roleName: 'AdministratorAccess' };

describe('copiedMessage', () => {
  it('names the format, account, role and remaining time', () => {
    const now = 1_000_000;
    expect(
      copiedMessage(
        { format: 'posix', role, accountName: 'prod-payments', expiresAt: now + 59 * 60_000 + 30_000, clearsAfterSeconds: 0 },
        now,
      ),
    ).toBe('Copied export lines for prod-payments / AdministratorAccess (expires in 59m)');
  });
  it('falls back to the account id and mentions the clipboard clearing', () => {
    expect(copiedMessage({ format: 'powershell', role, expiresAt: 3_600_000, clearsAfterSeconds: 30 }, 0)).toBe(
      'Copied PowerShell $Env: lines for 111111111111 / AdministratorAccess (expires in 1h 0m); the clipboard clears in 30s',
    );
  });
});

describe('profileMessage', () => {
  it('names one profile or counts many', () => {
    expect(profileMessage({ path: '/h/.aws/config', profiles: ['prod-admin'] })).toBe('Added profile "prod-admin" to /h/.aws/config');
    expect(profileMessage({ path: '/h/.aws/config', profiles: ['a', 'b'], backupPath: '/h/.aws/config.bak' })).toBe(
      'Added 2 profiles to /h/.aws/config (backup: /h/.aws/config.bak)',
    );
  });
});
