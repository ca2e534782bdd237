import { oidcError } from './api-error';
import type { RegisteredClient } from './clients';
import { normalizeUserCode, randomToken, randomUserCode } from './secrets';

/** The RFC 8628 device authorization grant: codes, the user's decision, and polling rules. */

type DeviceStatus = 'pending' | 'approved' | 'denied' | 'consumed';

interface DeviceAuthorization {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly clientId: string;
  readonly expiresAt: number;
  intervalMs: number;
  lastPolledAt: number | undefined;
  status: DeviceStatus;
}

export interface StartedDeviceAuthorization {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete: string;
  readonly expiresIn: number;
  readonly interval: number;
}

/** What happened to a user's Allow/Deny. */
export type DecisionResult = 'approved' | 'denied' | 'unknown' | 'expired' | 'already-decided';

export interface DeviceCodeSettings {
  readonly ttlSeconds: number;
  readonly intervalSeconds: number;
  readonly autoApprove: boolean;
}

// RFC 8628 §3.5: each slow_down adds 5 seconds to the interval.
const slowDownStepMs = 5000;

export class DeviceCodes {
  readonly #byDeviceCode = new Map<string, DeviceAuthorization>();
  readonly #byUserCode = new Map<string, DeviceAuthorization>();

  constructor(
    private readonly now: () => number,
    private readonly settings: DeviceCodeSettings,
  ) {}

  /** StartDeviceAuthorization for an authenticated client; `verificationUri` is the /device page. */
  start(client: RegisteredClient, verificationUri: string): StartedDeviceAuthorization {
    this.#prune();
    let userCode = randomUserCode();
    while (this.#byUserCode.has(userCode)) userCode = randomUserCode();
    const auth: DeviceAuthorization = {
      deviceCode: randomToken(48),
      userCode,
      clientId: client.clientId,
      expiresAt: this.now() + this.settings.ttlSeconds * 1000,
      intervalMs: this.settings.intervalSeconds * 1000,
      lastPolledAt: undefined,
      status: this.settings.autoApprove ? 'approved' : 'pending',
    };
    this.#byDeviceCode.set(auth.deviceCode, auth);
    this.#byUserCode.set(userCode, auth);
    return {
      deviceCode: auth.deviceCode,
      userCode,
      verificationUri,
      verificationUriComplete: `${verificationUri}?user_code=${encodeURIComponent(userCode)}`,
      expiresIn: this.settings.ttlSeconds,
      interval: this.settings.intervalSeconds,
    };
  }

  /** Whether a typed user code names a live, undecided request. */
  describe(typedUserCode: string): 'pending' | 'unknown' | 'expired' | 'already-decided' {
    const auth = this.#byUserCode.get(normalizeUserCode(typedUserCode));
    if (!auth) return 'unknown';
    if (this.now() >= auth.expiresAt) return 'expired';
    return auth.status === 'pending' ? 'pending' : 'already-decided';
  }

  /** Records the user's Allow or Deny for a user code. */
  decide(typedUserCode: string, allow: boolean): DecisionResult {
    const auth = this.#byUserCode.get(normalizeUserCode(typedUserCode));
    if (!auth) return 'unknown';
    if (this.now() >= auth.expiresAt) return 'expired';
    if (auth.status !== 'pending') return 'already-decided';
    const decision = allow ? 'approved' : 'denied';
    auth.status = decision;
    return decision;
  }

  /** One CreateToken poll with the device_code grant; returns when the code may be exchanged (and consumes it). */
  poll(client: RegisteredClient, deviceCode: unknown): void {
    if (typeof deviceCode !== 'string' || deviceCode === '')
      throw oidcError('InvalidRequestException', 'deviceCode is required for the device_code grant');
    const auth = this.#byDeviceCode.get(deviceCode);
    if (!auth || auth.clientId !== client.clientId || auth.status === 'consumed')
      throw oidcError('InvalidGrantException', 'Invalid grant provided');
    const now = this.now();
    if (now >= auth.expiresAt) throw oidcError('ExpiredTokenException', 'The device code has expired');
    const last = auth.lastPolledAt;
    auth.lastPolledAt = now;
    if (last !== undefined && now - last < auth.intervalMs) {
      auth.intervalMs += slowDownStepMs;
      throw oidcError('SlowDownException', 'Client is polling too fast; add 5 seconds to the interval');
    }
    if (auth.status === 'denied') throw oidcError('AccessDeniedException', 'The user denied the authorization request');
    if (auth.status === 'pending') throw oidcError('AuthorizationPendingException', 'Authorization is still pending');
    auth.status = 'consumed';
  }

  /** User codes still waiting for a decision, oldest first. */
  pending(): string[] {
    const now = this.now();
    return [...this.#byUserCode.values()].filter((a) => a.status === 'pending' && now < a.expiresAt).map((a) => a.userCode);
  }

  revokeAll(): void {
    this.#byDeviceCode.clear();
    this.#byUserCode.clear();
  }

  // Expired codes are kept for a while so late polls still get ExpiredTokenException, then dropped.
  #prune(): void {
    const cutoff = this.now() - 3600_000;
    for (const auth of this.#byDeviceCode.values()) {
      if (auth.expiresAt < cutoff) {
        this.#byDeviceCode.delete(auth.deviceCode);
        this.#byUserCode.delete(auth.userCode);
      }
    }
  }
}
