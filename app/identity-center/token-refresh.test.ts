import { InternalServerException, InvalidClientException, InvalidGrantException } from '@aws-sdk/client-sso-oidc';
import { describe, expect, it } from 'vitest';
import type { SsoToken } from '../model/tokens';
import { canRefresh, refreshSsoToken } from './token-refresh';
import { ScriptedSender } from './test-support/scripted-sender';
import { AdjustableClock } from '../ports/test-support/adjustable-clock';

const clock = new AdjustableClock({ start: Date.UTC(2025, 5, 1), sleeps: 'step' });
const now = clock.now();

const token: SsoToken = {
  startUrl: 'https://d-1234567890.awsapps.com/start',
  region: 'eu-west-1',
  accessToken: 'old-access',
  expiresAt: now + 60_000,
  refreshToken: 'old-refresh',
  clientId: 'client-1',
  clientSecret: 'secret-1',
  registrationExpiresAt: now + 30 * 86_400_000,
};

describe('canRefresh', () => {
  it('needs a refresh token, client credentials and a live registration', () => {
    expect(canRefresh(token, clock)).toBe(true);
    expect(canRefresh({ ...token, refreshToken: undefined }, clock)).toBe(false);
    expect(canRefresh({ ...token, clientId: undefined }, clock)).toBe(false);
    expect(canRefresh({ ...token, clientSecret: undefined }, clock)).toBe(false);
    expect(canRefresh({ ...token, registrationExpiresAt: undefined }, clock)).toBe(false);
    expect(canRefresh({ ...token, registrationExpiresAt: now }, clock)).toBe(false);
  });
});

describe('refreshSsoToken', () => {
  it("sends the refresh_token grant with the token's client and takes the new tokens and expiry", async () => {
    const oidc = new ScriptedSender([
      { op: 'CreateToken', reply: { accessToken: 'new-access', expiresIn: 3600, refreshToken: 'new-refresh', tokenType: 'Bearer' } },
    ]);
    const refreshed = await refreshSsoToken({ oidc, token, clock });
    expect(oidc.calls[0]!.input).toEqual({
      clientId: 'client-1',
      clientSecret: 'secret-1',
      grantType: 'refresh_token',
      refreshToken: 'old-refresh',
    });
    expect(refreshed).toEqual({ ...token, accessToken: 'new-access', refreshToken: 'new-refresh', expiresAt: now + 3_600_000 });
  });

  it('keeps the old refresh token when AWS does not return a new one', async () => {
    const oidc = new ScriptedSender([{ op: 'CreateToken', reply: { accessToken: 'new-access', expiresIn: 1200 } }]);
    const refreshed = await refreshSsoToken({ oidc, token, clock });
    expect(refreshed.refreshToken).toBe('old-refresh');
    expect(refreshed.expiresAt).toBe(now + 1_200_000);
  });

  it('says sign in again when the grant is no longer valid', async () => {
    const oidc = new ScriptedSender([
      { op: 'CreateToken', reply: new InvalidGrantException({ $metadata: { httpStatusCode: 400 }, message: 'revoked' }) },
    ]);
    await expect(refreshSsoToken({ oidc, token, clock })).rejects.toMatchObject({
      code: 'invalid-grant',
      userMessage: expect.stringMatching(/sign in again/),
    });
  });

  it('says signed out when the client or session is rejected', async () => {
    for (const error of [
      new InvalidClientException({ $metadata: { httpStatusCode: 401 }, message: 'unknown client' }),
      Object.assign(new Error('Session token not found or invalid'), { name: 'UnauthorizedException', $metadata: { httpStatusCode: 401 } }),
    ]) {
      const oidc = new ScriptedSender([{ op: 'CreateToken', reply: error }]);
      await expect(refreshSsoToken({ oidc, token, clock })).rejects.toMatchObject({ code: 'signed-out' });
    }
  });

  it('reports a server failure as retryable later, not as signed out', async () => {
    const oidc = new ScriptedSender([
      { op: 'CreateToken', reply: new InternalServerException({ $metadata: { httpStatusCode: 500 }, message: 'boom' }) },
    ]);
    await expect(refreshSsoToken({ oidc, token, clock })).rejects.toMatchObject({ code: 'service-unavailable' });
  });

  it('does not call AWS when the token cannot be refreshed', async () => {
    const oidc = new ScriptedSender([]);
    await expect(refreshSsoToken({ oidc, token: { ...token, registrationExpiresAt: now - 1 }, clock })).rejects.toMatchObject({
      code: 'signed-out',
    });
    expect(oidc.calls).toHaveLength(0);
  });
});
