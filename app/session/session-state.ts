import type { SessionStatus, SignInView } from '../model/snapshot';
import type { SsoToken } from '../model/tokens';
import type { InstanceRuntime } from './runtime';

/**
 * An instance's session as a state machine: the only module that writes the session fields
 * of an InstanceRuntime (token, source, expired, retrying, error, sign-in), and the one
 * derived answer to "is this instance signed in" that every reader uses.
 *
 *   signed-out ──sign-in──▶ signing-in ──token──▶ signed-in ◀──adopt/refresh── reconnecting
 *        ▲                      │ fails: error        │ expires, refresh fails
 *        └──── sign-out ────────┴─────────────────────┴──▶ expired (AWS said so) or reconnecting (5xx, network)
 */

/** What the views show; derived, never stored. */
export const sessionStatus = (runtime: InstanceRuntime, now: number): SessionStatus => {
  if (runtime.signIn) return 'signing-in';
  const { token } = runtime;
  if (token && !runtime.expired && token.expiresAt > now) return 'signed-in';
  if (token && !runtime.expired && runtime.retrying) return 'reconnecting';
  if (token || runtime.expired) return 'expired';
  return runtime.sessionError ? 'error' : 'signed-out';
};

/** The access token while the session is signed in and unexpired, else undefined. */
export const liveToken = (runtime: InstanceRuntime, now: number): SsoToken | undefined =>
  sessionStatus(runtime, now) === 'signed-in' ? runtime.token : undefined;

/**
 * The token while no one has said the session is over: live, or expired by time but
 * perhaps renewable (the refresh path needs it). Undefined once signed out or revoked.
 */
export const heldToken = (runtime: InstanceRuntime): SsoToken | undefined => (runtime.expired ? undefined : runtime.token);

/** A token from a sign-in, a refresh, another process or the AWS CLI cache: signed in. */
export const holdToken = (runtime: InstanceRuntime, token: SsoToken, source: 'rolecall' | 'aws-cli-cache'): void => {
  runtime.token = token;
  runtime.tokenSource = source;
  runtime.expired = false;
  runtime.retrying = undefined;
  runtime.sessionError = undefined;
};

/** Renewing failed for a reason worth retrying: the sign-in is kept. */
export const markReconnecting = (runtime: InstanceRuntime, sentence: string): void => {
  runtime.retrying = sentence;
};

/** AWS said the session is over (revoked, expired, refresh token dead): only a new sign-in helps. */
export const markExpired = (runtime: InstanceRuntime, message: string): void => {
  runtime.expired = true;
  runtime.retrying = undefined;
  runtime.sessionError = message;
};

/** Signed out on purpose: nothing of the session is kept. */
export const clearSession = (runtime: InstanceRuntime): void => {
  runtime.token = undefined;
  runtime.tokenSource = undefined;
  runtime.expired = false;
  runtime.retrying = undefined;
  runtime.sessionError = undefined;
  runtime.warnedFor = undefined;
};

export const startSigningIn = (runtime: InstanceRuntime, signIn: NonNullable<InstanceRuntime['signIn']>): void => {
  runtime.signIn = signIn;
  runtime.sessionError = undefined;
};

/** The sign-in's view changed (a code arrived, the browser was opened). */
export const updateSignInView = (runtime: InstanceRuntime, view: SignInView): void => {
  if (runtime.signIn) runtime.signIn.view = view;
};

export type SignInOutcome =
  { readonly outcome: 'signed-in' } | { readonly outcome: 'cancelled' } | { readonly outcome: 'failed'; readonly error: string };

/** The sign-in ended: with a token (hold it next), cancelled by the user, or failed with one sentence. */
export const endSigningIn = (runtime: InstanceRuntime, ended: SignInOutcome): void => {
  runtime.signIn = undefined;
  if (ended.outcome === 'signed-in') runtime.warnedFor = undefined;
  else runtime.sessionError = ended.outcome === 'failed' ? ended.error : undefined;
};

/** The "session ending soon" warning was given for this expiry. */
export const markWarned = (runtime: InstanceRuntime, expiresAt: number): void => {
  runtime.warnedFor = expiresAt;
};
