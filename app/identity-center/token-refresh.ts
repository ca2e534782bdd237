import { CreateTokenCommand } from '@aws-sdk/client-sso-oidc';
import { RolecallError } from '../model/errors';
import type { SsoToken } from '../model/tokens';
import type { Clock } from '../ports/clock';
import type { OidcApi } from './clients';
import { awsErrorName, toRolecallError } from './error-mapping';
import { ssoTokenFromResponse } from './token-response';

/** Whether the token can be extended without the browser: a refresh token and a live client registration. */
export const canRefresh = (token: SsoToken, clock: Pick<Clock, 'now'>): boolean =>
  Boolean(token.refreshToken && token.clientId && token.clientSecret) &&
  token.registrationExpiresAt !== undefined &&
  token.registrationExpiresAt > clock.now();

// Answers that mean the refresh token, its client or the session is dead: only a new sign-in helps.
const signedOutErrors = new Set([
  'InvalidClientException',
  'UnauthorizedClientException',
  'UnauthorizedException',
  'AccessDeniedException',
  'ExpiredTokenException',
]);

/**
 * Extends a session with the refresh_token grant, keeping the old refresh token when AWS
 * does not rotate it. Rejects with invalid-grant or signed-out when only a new sign-in
 * helps; with network / service-unavailable / throttled when trying later may.
 */
export const refreshSsoToken = async (options: {
  readonly oidc: OidcApi;
  readonly token: SsoToken;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
}): Promise<SsoToken> => {
  const { oidc, token, clock, signal } = options;
  if (
    !canRefresh(token, clock) ||
    !token.refreshToken ||
    !token.clientId ||
    !token.clientSecret ||
    token.registrationExpiresAt === undefined
  ) {
    throw new RolecallError(
      'signed-out',
      'This session cannot be extended (no refresh token, or the app registration expired); sign in again.',
    );
  }
  const client = { clientId: token.clientId, clientSecret: token.clientSecret, expiresAt: token.registrationExpiresAt };
  const requestedAt = clock.now();
  try {
    const response = await oidc.send(
      new CreateTokenCommand({
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        grantType: 'refresh_token',
        refreshToken: token.refreshToken,
      }),
      signal ? { abortSignal: signal } : {},
    );
    return ssoTokenFromResponse({
      response,
      startUrl: token.startUrl,
      region: token.region,
      client,
      requestedAt,
      previousRefreshToken: token.refreshToken,
    });
  } catch (error) {
    if (error instanceof RolecallError) throw error;
    const name = awsErrorName(error);
    if (name === 'InvalidGrantException') {
      throw new RolecallError('invalid-grant', 'Your IAM Identity Center session can no longer be extended; sign in again.', {
        cause: error,
      });
    }
    if (signedOutErrors.has(name)) {
      throw new RolecallError('signed-out', 'IAM Identity Center no longer accepts this session; sign in again.', { cause: error });
    }
    throw toRolecallError(error, 'extend your IAM Identity Center session');
  }
};
