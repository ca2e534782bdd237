import { CreateTokenCommand, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { RolecallError } from '../model/errors';
import type { Instance } from '../model/instances';
import type { SsoToken } from '../model/tokens';
import type { Clock } from '../ports/clock';
import type { SecretStore } from '../ports/secret-store';
import type { OidcApi } from './clients';
import { awsErrorName, isTransient, toRolecallError } from './error-mapping';
import { deviceCodeGrantType, ensureClientRegistration, forgetClientRegistration, type StoredRegistration } from './registration';
import { ssoTokenFromResponse } from './token-response';

/** What the user must see to approve the sign-in, and the pace of polling. No secret here. */
export interface DeviceCodeView {
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete?: string;
  /** Epoch ms at which the device code expires. */
  readonly expiresAt: number;
  /** Current minimum wait between two CreateToken polls. */
  readonly intervalMs: number;
}

export type DeviceFlowState =
  | { readonly kind: 'registering' }
  | ({ readonly kind: 'awaiting-user' } & DeviceCodeView)
  | ({
      readonly kind: 'polling';
      /** CreateToken calls made so far. */
      readonly polls: number;
      /** Transient failures in a row; sets the backoff of the next poll. */
      readonly transientFailures: number;
    } & DeviceCodeView)
  | { readonly kind: 'signed-in'; readonly tokenExpiresAt: number }
  | { readonly kind: 'denied' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'failed'; readonly error: RolecallError }
  | { readonly kind: 'cancelled' };

export type DeviceFlowEvent =
  | ({ readonly type: 'authorization-started' } & DeviceCodeView)
  | { readonly type: 'poll' }
  | { readonly type: 'pending' }
  | { readonly type: 'slow-down' }
  | { readonly type: 'transient-error' }
  | { readonly type: 'token-issued'; readonly tokenExpiresAt: number }
  | { readonly type: 'denied' }
  | { readonly type: 'code-expired' }
  | { readonly type: 'failed'; readonly error: RolecallError }
  | { readonly type: 'cancel' };

export const initialDeviceFlowState: DeviceFlowState = { kind: 'registering' };

/** RFC 8628 §3.5: on slow_down the interval grows by 5 seconds for this and later polls. */
export const slowDownStepMs = 5000;

/** RFC 8628 §3.2: the interval to use when the server gives none. */
export const defaultIntervalMs = 5000;

/** The shortest wait between polls whatever the server says. */
export const minimumIntervalMs = 200;

export const isTerminal = (state: DeviceFlowState): boolean =>
  state.kind === 'signed-in' ||
  state.kind === 'denied' ||
  state.kind === 'expired' ||
  state.kind === 'failed' ||
  state.kind === 'cancelled';

const codeView = (source: DeviceCodeView): DeviceCodeView => ({
  userCode: source.userCode,
  verificationUri: source.verificationUri,
  ...(source.verificationUriComplete ? { verificationUriComplete: source.verificationUriComplete } : {}),
  expiresAt: source.expiresAt,
  intervalMs: source.intervalMs,
});

const invalid = (state: DeviceFlowState, event: DeviceFlowEvent): never => {
  throw new RolecallError('internal', `The device sign-in cannot handle "${event.type}" while ${state.kind}; start the sign-in again.`);
};

/**
 * The device authorization flow as a pure state machine: registering → awaiting-user →
 * polling → signed-in | denied | expired | failed | cancelled. An event that makes no
 * sense in a state throws (a bug in the driver, not a user error).
 */
export const deviceFlowTransition = (state: DeviceFlowState, event: DeviceFlowEvent): DeviceFlowState => {
  if (isTerminal(state)) return invalid(state, event);
  switch (event.type) {
    case 'cancel':
      return { kind: 'cancelled' };
    case 'failed':
      return { kind: 'failed', error: event.error };
    case 'authorization-started':
      return state.kind === 'registering' ? { kind: 'awaiting-user', ...codeView(event) } : invalid(state, event);
    case 'code-expired':
      return state.kind === 'awaiting-user' || state.kind === 'polling' ? { kind: 'expired' } : invalid(state, event);
    case 'poll':
      if (state.kind === 'awaiting-user') return { kind: 'polling', ...codeView(state), polls: 1, transientFailures: 0 };
      if (state.kind === 'polling') return { ...state, polls: state.polls + 1 };
      return invalid(state, event);
    case 'pending':
      return state.kind === 'polling' ? { ...state, transientFailures: 0 } : invalid(state, event);
    case 'slow-down':
      return state.kind === 'polling'
        ? { ...state, intervalMs: state.intervalMs + slowDownStepMs, transientFailures: 0 }
        : invalid(state, event);
    case 'transient-error':
      return state.kind === 'polling' ? { ...state, transientFailures: state.transientFailures + 1 } : invalid(state, event);
    case 'token-issued':
      return state.kind === 'polling' ? { kind: 'signed-in', tokenExpiresAt: event.tokenExpiresAt } : invalid(state, event);
    case 'denied':
      return state.kind === 'polling' ? { kind: 'denied' } : invalid(state, event);
  }
};

/**
 * How long to wait before the next poll: the interval, or after transient failures an
 * exponential backoff (1 s, 2 s, 4 s … capped at 30 s, with jitter) when that is longer.
 */
export const nextPollDelayMs = (
  state: DeviceCodeView & { readonly transientFailures?: number },
  random: () => number = Math.random,
): number => {
  const failures = state.transientFailures ?? 0;
  if (failures === 0) return state.intervalMs;
  const ceiling = Math.min(30_000, 1000 * 2 ** (failures - 1));
  return Math.max(state.intervalMs, Math.round(ceiling / 2 + (random() * ceiling) / 2));
};

export interface DeviceFlowOptions {
  readonly oidc: OidcApi;
  readonly instance: Instance;
  readonly secrets: SecretStore;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  /** Called with every state, first `registering`; awaiting-user carries the code to show. */
  readonly onState?: (state: DeviceFlowState) => void;
  /** Jitter source for backoff (tests pass a fixed one). */
  readonly random?: () => number;
}

const cancelledError = (cause: unknown): RolecallError => new RolecallError('sign-in-cancelled', 'Sign-in was cancelled.', { cause });

const expiredError = (): RolecallError =>
  new RolecallError('device-code-expired', 'The sign-in code expired before it was approved; start the sign-in again.');

type WaitingState = Extract<DeviceFlowState, { kind: 'awaiting-user' | 'polling' }>;

// The driver's loop only runs between authorization-started and a terminal state.
const waitingState = (state: DeviceFlowState): WaitingState => {
  if (state.kind === 'awaiting-user' || state.kind === 'polling') return state;
  throw new RolecallError('internal', `The device sign-in lost track of its state (${state.kind}); start the sign-in again.`);
};

type Authorization = DeviceCodeView & { readonly deviceCode: string };

const startAuthorization = async (options: DeviceFlowOptions, registration: StoredRegistration): Promise<Authorization> => {
  const requestedAt = options.clock.now();
  const response = await options.oidc.send(
    new StartDeviceAuthorizationCommand({
      clientId: registration.clientId,
      clientSecret: registration.clientSecret,
      startUrl: options.instance.startUrl,
    }),
    options.signal ? { abortSignal: options.signal } : {},
  );
  if (!response.deviceCode || !response.userCode || !response.verificationUri || typeof response.expiresIn !== 'number') {
    throw new RolecallError(
      'internal',
      'IAM Identity Center answered the sign-in request without a device code, user code or expiry; try again.',
    );
  }
  return {
    deviceCode: response.deviceCode,
    userCode: response.userCode,
    verificationUri: response.verificationUri,
    ...(response.verificationUriComplete ? { verificationUriComplete: response.verificationUriComplete } : {}),
    expiresAt: requestedAt + response.expiresIn * 1000,
    // An explicit 0 (the emulator in tests) still leaves a floor so a server can never make us spin.
    intervalMs:
      typeof response.interval === 'number' && response.interval >= 0
        ? Math.max(minimumIntervalMs, response.interval * 1000)
        : defaultIntervalMs,
  };
};

/**
 * Signs in to an instance with the device authorization flow and returns its token. Reports
 * every state through onState (awaiting-user carries the code; opening the browser is the
 * caller's choice). Rejects with a RolecallError: device-code-expired, sign-in-denied,
 * sign-in-cancelled, invalid-client, or what the failure maps to.
 */
export const runDeviceFlow = async (options: DeviceFlowOptions): Promise<SsoToken> => {
  const { oidc, instance, secrets, clock, signal, onState } = options;
  let state: DeviceFlowState = initialDeviceFlowState;
  const step = (event: DeviceFlowEvent): DeviceFlowState => {
    state = deviceFlowTransition(state, event);
    onState?.(state);
    return state;
  };
  const abortOptions = signal ? { abortSignal: signal } : {};
  onState?.(state);

  try {
    if (signal?.aborted) throw signal.reason;
    let registration = await ensureClientRegistration({ oidc, instance, secrets, clock, flow: 'device', ...(signal ? { signal } : {}) });
    let authorization: Authorization;
    try {
      authorization = await startAuthorization(options, registration);
    } catch (error) {
      if (awsErrorName(error) !== 'InvalidClientException' || signal?.aborted) throw error;
      // The cached registration was revoked or made elsewhere (an emulator restart): register afresh once.
      await forgetClientRegistration({ secrets, instanceId: instance.id, flow: 'device' });
      registration = await ensureClientRegistration({ oidc, instance, secrets, clock, flow: 'device', ...(signal ? { signal } : {}) });
      authorization = await startAuthorization(options, registration);
    }
    const { deviceCode, ...view } = authorization;
    step({ type: 'authorization-started', ...view });

    for (;;) {
      const current = waitingState(state);
      const remaining = current.expiresAt - clock.now();
      if (remaining <= 0) {
        step({ type: 'code-expired' });
        throw expiredError();
      }
      await clock.sleep(Math.min(nextPollDelayMs(current, options.random), remaining), signal);
      if (clock.now() >= current.expiresAt) {
        step({ type: 'code-expired' });
        throw expiredError();
      }
      step({ type: 'poll' });
      const requestedAt = clock.now();
      try {
        const response = await oidc.send(
          new CreateTokenCommand({
            clientId: registration.clientId,
            clientSecret: registration.clientSecret,
            grantType: deviceCodeGrantType,
            deviceCode,
          }),
          abortOptions,
        );
        const token = ssoTokenFromResponse({
          response,
          startUrl: instance.startUrl,
          region: instance.region,
          client: registration,
          requestedAt,
        });
        step({ type: 'token-issued', tokenExpiresAt: token.expiresAt });
        return token;
      } catch (error) {
        if (signal?.aborted || error instanceof RolecallError) throw error;
        switch (awsErrorName(error)) {
          case 'AuthorizationPendingException':
            step({ type: 'pending' });
            continue;
          case 'SlowDownException':
            step({ type: 'slow-down' });
            continue;
          case 'ExpiredTokenException':
            step({ type: 'code-expired' });
            throw toRolecallError(error);
          case 'AccessDeniedException':
            step({ type: 'denied' });
            throw toRolecallError(error);
          case 'InvalidClientException':
            await forgetClientRegistration({ secrets, instanceId: instance.id, flow: 'device' });
            throw toRolecallError(error);
        }
        if (isTransient(error)) {
          // A 5xx, a throttle or a dropped connection says nothing about the approval: keep going.
          step({ type: 'transient-error' });
          continue;
        }
        throw error;
      }
    }
  } catch (error) {
    if (isTerminal(state)) throw toRolecallError(error, 'sign in');
    if (signal?.aborted) {
      step({ type: 'cancel' });
      throw cancelledError(error);
    }
    const mapped = toRolecallError(error, 'sign in');
    step({ type: 'failed', error: mapped });
    throw mapped;
  }
};
