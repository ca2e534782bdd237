import { LogoutCommand } from '@aws-sdk/client-sso';
import type { PortalLogoutApi } from './clients';
import { isUnauthorized, toRolecallError } from './error-mapping';

/**
 * Ends the session on the AWS side (SSO Logout). A token that is already invalid counts as
 * logged out; any other failure rejects with a RolecallError so the caller can say the
 * server-side session may live on while local tokens are deleted anyway.
 */
export const logoutPortal = async (options: {
  readonly portal: PortalLogoutApi;
  readonly accessToken: string;
  readonly signal?: AbortSignal;
}): Promise<void> => {
  try {
    await options.portal.send(
      new LogoutCommand({ accessToken: options.accessToken }),
      options.signal ? { abortSignal: options.signal } : {},
    );
  } catch (error) {
    if (isUnauthorized(error)) return;
    throw toRolecallError(error, 'sign out of IAM Identity Center');
  }
};
