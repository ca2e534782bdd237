/**
 * The Identity Center session of one instance, in the shape botocore and the AWS CLI cache
 * use (see PROTOCOL.md), with times as epoch ms. Secret: never logged, never sent over IPC.
 */
export interface SsoToken {
  readonly startUrl: string;
  readonly region: string;
  readonly accessToken: string;
  /** Epoch ms at which the access token stops working. */
  readonly expiresAt: number;
  readonly refreshToken?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** Epoch ms at which the client registration (and so refresh) stops working. */
  readonly registrationExpiresAt?: number;
}

/** A RegisterClient result, cached until it expires. Secret (clientSecret). */
/**
 * Whether `candidate` was issued after `held`. The AWS CLI cache keeps whole seconds, so a
 * different token up to a second "older" than ours is the same refresh seen through it.
 */
export const isNewerToken = (candidate: SsoToken, held: SsoToken | undefined): boolean =>
  !held ||
  candidate.expiresAt > held.expiresAt ||
  (candidate.accessToken !== held.accessToken && candidate.expiresAt >= held.expiresAt - 1_000);

export interface ClientRegistration {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Epoch ms. */
  readonly expiresAt: number;
  /** The scopes and grant types it was registered with, so a change re-registers. */
  readonly scopes: readonly string[];
  readonly grantTypes: readonly string[];
}

/** Role credentials from GetRoleCredentials. Secret. */
export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** Epoch ms. */
  readonly expiration: number;
}
