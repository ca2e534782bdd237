import { TooManyRequestsException, UnauthorizedException } from '@aws-sdk/client-sso';
import { describe, expect, it } from 'vitest';
import { logoutPortal } from './logout';
import { ScriptedSender } from './test-support/scripted-sender';

describe('logoutPortal', () => {
  it('calls Logout with the access token', async () => {
    const portal = new ScriptedSender([{ op: 'Logout', reply: {} }]);
    await logoutPortal({ portal, accessToken: 'access-1' });
    expect(portal.calls).toEqual([expect.objectContaining({ op: 'Logout', input: { accessToken: 'access-1' } })]);
  });

  it('treats an already invalid token as logged out', async () => {
    const portal = new ScriptedSender([
      { op: 'Logout', reply: new UnauthorizedException({ $metadata: { httpStatusCode: 401 }, message: 'dead' }) },
    ]);
    await expect(logoutPortal({ portal, accessToken: 'access-1' })).resolves.toBeUndefined();
  });

  it('reports other failures as RolecallErrors', async () => {
    const portal = new ScriptedSender([
      { op: 'Logout', reply: new TooManyRequestsException({ $metadata: { httpStatusCode: 429 }, message: 'slow' }) },
    ]);
    await expect(logoutPortal({ portal, accessToken: 'access-1' })).rejects.toMatchObject({ name: 'RolecallError', code: 'throttled' });
  });
});
