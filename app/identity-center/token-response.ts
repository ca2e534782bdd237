import type { CreateTokenCommandOutput } from '@aws-sdk/client-sso-oidc';
import { RolecallError } from '../model/errors';
import type { SsoToken } from '../model/tokens';

/** The client a token was issued to; refresh needs it again. */
export interface TokenClient {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Epoch ms at which the registration (and so refresh) stops working. */
  readonly expiresAt: number;
}

/**
 * Builds the SsoToken from a CreateToken answer. The expiry is the one AWS returned,
 * counted from when the request was sent (never later than the real expiry); a token
 * without one is refused rather than given an assumed lifetime.
 */
export const ssoTokenFromResponse = (options: {
  readonly response: Pick<CreateTokenCommandOutput, 'accessToken' | 'expiresIn' | 'refreshToken'>;
  readonly startUrl: string;
  readonly region: string;
  readonly client: TokenClient;
  /** Epoch ms at which CreateToken was sent. */
  readonly requestedAt: number;
  /** Kept when the answer carries no new refresh token (refresh grants may not rotate it). */
  readonly previousRefreshToken?: string;
}): SsoToken => {
  const { response, client } = options;
  if (!response.accessToken || typeof response.expiresIn !== 'number' || response.expiresIn <= 0) {
    throw new RolecallError('internal', 'IAM Identity Center answered without an access token or its lifetime; try signing in again.');
  }
  const refreshToken = response.refreshToken ?? options.previousRefreshToken;
  return {
    startUrl: options.startUrl,
    region: options.region,
    accessToken: response.accessToken,
    expiresAt: options.requestedAt + response.expiresIn * 1000,
    ...(refreshToken ? { refreshToken } : {}),
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    registrationExpiresAt: client.expiresAt,
  };
};
