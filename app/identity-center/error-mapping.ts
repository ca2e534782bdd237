import { RolecallError } from '../model/errors';

/**
 * Turns what the AWS SDK throws (service exceptions, network failures, timeouts) into a
 * RolecallError with one sentence for the user. Callers that must react to a specific AWS
 * error (polling, backoff, refresh) use the predicates below before mapping.
 */

interface SdkErrorShape {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $fault?: 'client' | 'server';
}

const shape = (error: unknown): SdkErrorShape => (typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {});

/** The AWS error name (e.g. "TooManyRequestsException"), or the Node error code for network failures. */
export const awsErrorName = (error: unknown): string => {
  const { name, code } = shape(error);
  return (name && name !== 'Error' ? name : code) ?? 'Error';
};

export const httpStatusOf = (error: unknown): number | undefined => shape(error).$metadata?.httpStatusCode;

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'TimeoutError',
  'RequestTimeout',
]);

export const isThrottling = (error: unknown): boolean =>
  awsErrorName(error) === 'TooManyRequestsException' || awsErrorName(error) === 'SlowDownException' || httpStatusOf(error) === 429;

export const isUnauthorized = (error: unknown): boolean =>
  awsErrorName(error) === 'UnauthorizedException' || (httpStatusOf(error) === 401 && awsErrorName(error) !== 'InvalidClientException');

export const isNotFound = (error: unknown): boolean => awsErrorName(error) === 'ResourceNotFoundException';

export const isNetworkError = (error: unknown): boolean => {
  const name = awsErrorName(error);
  if (networkCodes.has(name)) return true;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== error && networkCodes.has(awsErrorName(cause));
};

export const isServerError = (error: unknown): boolean => {
  const status = httpStatusOf(error);
  return (status !== undefined && status >= 500) || awsErrorName(error) === 'InternalServerException';
};

/** Worth retrying with backoff: throttling, 5xx, dropped connections. */
export const isTransient = (error: unknown): boolean => isThrottling(error) || isServerError(error) || isNetworkError(error);

const messages: Readonly<Record<string, [RolecallError['code'], string]>> = {
  ExpiredTokenException: ['device-code-expired', 'The sign-in code expired before it was approved; start the sign-in again.'],
  AccessDeniedException: ['sign-in-denied', 'Sign-in was denied in the browser; start the sign-in again if that was a mistake.'],
  InvalidGrantException: ['invalid-grant', 'The sign-in grant is no longer valid; sign in again.'],
  InvalidClientException: [
    'invalid-client',
    "Identity Center no longer recognises this app's registration; sign in again to register afresh.",
  ],
  UnauthorizedClientException: [
    'invalid-client',
    "Identity Center refused this app's registration for that kind of sign-in; sign in again with the device code.",
  ],
  UnsupportedGrantTypeException: [
    'invalid-client',
    'Identity Center does not support that kind of sign-in here; use the device code sign-in.',
  ],
  InvalidScopeException: ['invalid-request', "Identity Center rejected the requested access scope; check the instance's settings."],
  InvalidClientMetadataException: ['invalid-request', 'Identity Center rejected the app registration; check the start URL and region.'],
  InvalidRedirectUriException: [
    'invalid-request',
    'Identity Center rejected the sign-in redirect address; use the device code sign-in instead.',
  ],
  InvalidRequestRegionException: [
    'invalid-request',
    'That start URL belongs to another region; set the Identity Center region the start URL was created in.',
  ],
  UnauthorizedException: ['unauthorized', 'Your Identity Center session is no longer valid; sign in again.'],
  ResourceNotFoundException: ['not-assigned', 'That account or role is no longer assigned to you; refresh the account list.'],
  // GetRoleCredentials for a role that is not (or no longer) assigned: 403 "No access". Not in
  // the service model, so the SDK surfaces it as a generic SSOServiceException with this name.
  ForbiddenException: ['not-assigned', 'That account or role is no longer assigned to you; refresh the account list.'],
  TooManyRequestsException: ['throttled', 'AWS is throttling requests right now; wait a moment and try again.'],
  SlowDownException: ['throttled', 'AWS asked Rolecall to slow down; wait a moment and try again.'],
  InternalServerException: ['service-unavailable', 'AWS IAM Identity Center had an internal error; try again in a minute.'],
};

/**
 * Maps any thrown value to a RolecallError. `what` names the action for messages that need
 * it ("list your accounts", "get credentials for prod / Admin").
 */
export const toRolecallError = (error: unknown, what = 'reach AWS IAM Identity Center'): RolecallError => {
  if (error instanceof RolecallError) return error;
  if ((error as { name?: string } | null)?.name === 'AbortError') {
    return new RolecallError('sign-in-cancelled', 'Cancelled.', { cause: error });
  }
  const name = awsErrorName(error);
  const known = messages[name];
  if (known) return new RolecallError(known[0], known[1], { cause: error });
  if (name === 'InvalidRequestException' || httpStatusOf(error) === 400) {
    const detail = shape(error).message?.replace(/\s+/g, ' ').slice(0, 200);
    return new RolecallError(
      'invalid-request',
      `AWS rejected the request to ${what}${detail ? ` (${detail.replace(/\.$/, '')})` : ''}; check the start URL, region and account.`,
      { cause: error },
    );
  }
  if (isNetworkError(error)) {
    return new RolecallError(
      'network',
      `Could not ${what}: the network or the endpoint is unreachable; check your connection (and VPN or proxy) and try again.`,
      { cause: error },
    );
  }
  if (isServerError(error)) {
    return new RolecallError(
      'service-unavailable',
      `AWS IAM Identity Center failed to answer while trying to ${what} (HTTP ${httpStatusOf(error) ?? '5xx'}); try again in a minute.`,
      { cause: error },
    );
  }
  return new RolecallError(
    'internal',
    `Could not ${what}: ${shape(error).message ?? name}; try again, and run with --debug if it keeps happening.`,
    { cause: error },
  );
};
