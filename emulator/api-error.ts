/**
 * Errors the emulator answers with, shaped exactly as the real services shape them: the
 * error name in `x-amzn-errortype`, and a JSON body whose members are the ones the service
 * model declares for that exception (OIDC: `error` + `error_description`; portal: `message`).
 */

export type OidcErrorName =
  | 'AccessDeniedException'
  | 'AuthorizationPendingException'
  | 'ExpiredTokenException'
  | 'InternalServerException'
  | 'InvalidClientException'
  | 'InvalidClientMetadataException'
  | 'InvalidGrantException'
  | 'InvalidRedirectUriException'
  | 'InvalidRequestException'
  | 'InvalidScopeException'
  | 'SlowDownException'
  | 'UnauthorizedClientException'
  | 'UnsupportedGrantTypeException';

export type PortalErrorName =
  | 'InvalidRequestException'
  | 'UnauthorizedException'
  | 'ForbiddenException'
  | 'ResourceNotFoundException'
  | 'TooManyRequestsException'
  | 'InternalServerException';

const oidcStatus: Readonly<Record<OidcErrorName, number>> = {
  AccessDeniedException: 400,
  AuthorizationPendingException: 400,
  ExpiredTokenException: 400,
  InternalServerException: 500,
  InvalidClientException: 401,
  InvalidClientMetadataException: 400,
  InvalidGrantException: 400,
  InvalidRedirectUriException: 400,
  InvalidRequestException: 400,
  InvalidScopeException: 400,
  SlowDownException: 400,
  UnauthorizedClientException: 400,
  UnsupportedGrantTypeException: 400,
};

// The OAuth 2.0 error codes (RFC 6749 / 8628) the service puts in the `error` member.
const oidcCode: Readonly<Record<OidcErrorName, string>> = {
  AccessDeniedException: 'access_denied',
  AuthorizationPendingException: 'authorization_pending',
  ExpiredTokenException: 'expired_token',
  InternalServerException: 'server_error',
  InvalidClientException: 'invalid_client',
  InvalidClientMetadataException: 'invalid_client_metadata',
  InvalidGrantException: 'invalid_grant',
  InvalidRedirectUriException: 'invalid_redirect_uri',
  InvalidRequestException: 'invalid_request',
  InvalidScopeException: 'invalid_scope',
  SlowDownException: 'slow_down',
  UnauthorizedClientException: 'unauthorized_client',
  UnsupportedGrantTypeException: 'unsupported_grant_type',
};

const portalStatus: Readonly<Record<PortalErrorName, number>> = {
  InvalidRequestException: 400,
  UnauthorizedException: 401,
  // Not in the service model, but what the real portal answers for an unassigned role.
  ForbiddenException: 403,
  ResourceNotFoundException: 404,
  TooManyRequestsException: 429,
  InternalServerException: 500,
};

/** A wire-level error: status, error type header and JSON body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    readonly body: Readonly<Record<string, unknown>>,
    /** `query-xml`: an STS-style `<ErrorResponse>` (body members Type, Message, Namespace). */
    readonly format: 'json' | 'query-xml' = 'json',
  ) {
    super(`${errorType}: ${JSON.stringify(body)}`);
    this.name = 'ApiError';
  }
}

/** An SSO OIDC exception with the members its model declares. */
export const oidcError = (name: OidcErrorName, description: string): ApiError =>
  new ApiError(oidcStatus[name], name, { error: oidcCode[name], error_description: description });

/** An SSO portal exception (body member `message`). */
export const portalError = (name: PortalErrorName, message: string): ApiError => new ApiError(portalStatus[name], name, { message });

/** Which API family an operation belongs to decides the error body shape. */
export type ApiFamily = 'oidc' | 'portal' | 'federation' | 'sts';

export const stsNamespace = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** An STS (query protocol) error: `<ErrorResponse>` XML with Type Sender or Receiver. */
export const stsError = (status: number, code: string, message: string, type: 'Sender' | 'Receiver' = 'Sender'): ApiError =>
  new ApiError(status, code, { Type: type, Message: message, Namespace: stsNamespace }, 'query-xml');

/** Throttling answer; the OIDC model has no 429 exception, so it also carries the OAuth members. */
export const throttledError = (family: ApiFamily): ApiError =>
  family === 'sts'
    ? stsError(400, 'Throttling', 'Rate exceeded')
    : family === 'oidc'
      ? new ApiError(429, 'TooManyRequestsException', { error: 'slow_down', error_description: 'Rate exceeded', message: 'Rate exceeded' })
      : portalError('TooManyRequestsException', 'Rate exceeded');

/** Injected server failure, shaped for the family. */
export const internalError = (family: ApiFamily): ApiError =>
  family === 'sts'
    ? stsError(500, 'InternalFailure', 'An internal error occurred (injected by the emulator)', 'Receiver')
    : family === 'oidc'
      ? oidcError('InternalServerException', 'An internal error occurred (injected by the emulator)')
      : portalError('InternalServerException', 'An internal error occurred (injected by the emulator)');
