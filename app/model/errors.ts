/**
 * Every failure that reaches a user is a RolecallError: a stable code for programs and
 * tests, and one sentence saying what happened and what to do. Raw AWS errors never reach
 * the UI; `identity-center/error-mapping.ts` turns them into these.
 */
export type RolecallErrorCode =
  // sign-in
  | 'device-code-expired'
  | 'sign-in-denied'
  | 'sign-in-cancelled'
  | 'sign-in-timeout'
  | 'invalid-client'
  | 'invalid-grant'
  | 'signed-out'
  | 'session-expired'
  // portal
  | 'unauthorized'
  | 'throttled'
  | 'not-assigned'
  | 'invalid-request'
  // STS (role chaining)
  /** STS refused AssumeRole: the target role does not trust the caller (or wants another ExternalId). */
  | 'access-denied'
  // transport / service
  | 'network'
  | 'service-unavailable'
  // local input and files
  | 'invalid-input'
  | 'not-found'
  | 'corrupt-file'
  | 'config-file'
  // the agent socket (app/agent)
  /** The session owner stopped answering mid-request: work alone instead. */
  | 'owner-gone'
  /** A request to the owner without its secret. */
  | 'forbidden'
  /** A client of another agent protocol version. */
  | 'protocol-version'
  /** Another Rolecall process held a lock past the wait bound. */
  | 'busy'
  | 'internal';

export class RolecallError extends Error {
  override readonly name = 'RolecallError';
  constructor(
    readonly code: RolecallErrorCode,
    /** One sentence: what happened and what to do. Never contains a secret. */
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(userMessage, options);
  }
}

export const isRolecallError = (value: unknown): value is RolecallError => value instanceof RolecallError;

/** Error codes after which only a new sign-in helps (a refresh with the refresh token was already tried). */
export const SIGN_IN_AGAIN_CODES: ReadonlySet<RolecallErrorCode> = new Set<RolecallErrorCode>([
  'signed-out',
  'session-expired',
  'unauthorized',
  'invalid-grant',
  'invalid-client',
]);

/** Whether only a new sign-in helps after this error. */
export const needsSignInAgain = (error: unknown): boolean => isRolecallError(error) && SIGN_IN_AGAIN_CODES.has(error.code);
