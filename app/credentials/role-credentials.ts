import { GetRoleCredentialsCommand } from '@aws-sdk/client-sso';
import type { SSOClient } from '@aws-sdk/client-sso';
import { toRolecallError } from '../identity-center/error-mapping';
import { RolecallError } from '../model/errors';
import { roleKey } from '../model/roles';
import type { RoleRef } from '../model/roles';
import type { RoleCredentials } from '../model/tokens';
import type { Clock } from '../ports/clock';

/** What a fetch needs: the instance's portal client and its current access token. */
export interface RoleCredentialsSource {
  readonly portal: Pick<SSOClient, 'send'>;
  readonly accessToken: string;
}

export interface RoleCredentialsCacheOptions {
  readonly clock: Clock;
  /** Credentials are fetched again once less than this remains (default 5 minutes). */
  readonly safetyMarginMs?: number;
  /** Called after the set of held credentials changes (fetched, forgotten), for countdowns. */
  readonly onChange?: () => void;
  /** Called on forgetInstance (sign-out): credentials derived from these (chained roles) go too. */
  readonly onForgetInstance?: (instanceId: string) => void;
}

interface InFlight {
  readonly ref: RoleRef;
  readonly promise: Promise<RoleCredentials>;
}

export const DEFAULT_CREDENTIALS_SAFETY_MARGIN_MS = 5 * 60_000;

/**
 * Role credentials held in memory only, one entry per role, until shortly before they
 * expire. Concurrent requests for one role share a single GetRoleCredentials call, so a
 * double click or a tray refresh racing a copy never costs two calls.
 */
export class RoleCredentialsCache {
  private readonly entries = new Map<string, { readonly ref: RoleRef; readonly credentials: RoleCredentials }>();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly clock: Clock;
  private readonly marginMs: number;
  private readonly onChange: (() => void) | undefined;
  private readonly onForgetInstance: ((instanceId: string) => void) | undefined;

  constructor(options: RoleCredentialsCacheOptions) {
    this.clock = options.clock;
    this.marginMs = options.safetyMarginMs ?? DEFAULT_CREDENTIALS_SAFETY_MARGIN_MS;
    this.onChange = options.onChange;
    this.onForgetInstance = options.onForgetInstance;
  }

  /** Credentials for a role: from memory while comfortably valid, else from GetRoleCredentials. */
  async get(ref: RoleRef, source: RoleCredentialsSource): Promise<RoleCredentials> {
    const key = roleKey(ref);
    const held = this.entries.get(key);
    if (held && held.credentials.expiration - this.clock.now() > this.marginMs) return held.credentials;
    const pending = this.inFlight.get(key);
    if (pending) return pending.promise;

    const flight: InFlight = {
      ref,
      promise: this.fetch(ref, source).then(
        (credentials) => {
          // A forget() while the call was running wins: the answer is returned, not kept.
          if (this.inFlight.get(key) === flight) {
            this.inFlight.delete(key);
            this.entries.set(key, { ref: { instanceId: ref.instanceId, accountId: ref.accountId, roleName: ref.roleName }, credentials });
            this.onChange?.();
          }
          return credentials;
        },
        (error: unknown) => {
          if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
          throw error;
        },
      ),
    };
    this.inFlight.set(key, flight);
    return flight.promise;
  }

  /** The held credentials for a role if they have not expired yet (even inside the margin); never calls AWS. */
  peek(ref: RoleRef): RoleCredentials | undefined {
    const held = this.entries.get(roleKey(ref));
    return held && held.credentials.expiration > this.clock.now() ? held.credentials : undefined;
  }

  /** Roles with unexpired credentials in memory and when they expire, nearest first; no secrets. */
  list(): { readonly ref: RoleRef; readonly expiration: number }[] {
    const now = this.clock.now();
    const live: { ref: RoleRef; expiration: number }[] = [];
    for (const [key, entry] of this.entries) {
      if (entry.credentials.expiration <= now) this.entries.delete(key);
      else live.push({ ref: entry.ref, expiration: entry.credentials.expiration });
    }
    return live.sort((a, b) => a.expiration - b.expiration);
  }

  /** Drops one role's credentials (and disowns a fetch in progress for it). */
  forget(ref: RoleRef): void {
    const key = roleKey(ref);
    const had = this.entries.delete(key);
    this.inFlight.delete(key);
    if (had) this.onChange?.();
  }

  /** Drops every credential of one Identity Center instance, e.g. on sign-out. */
  forgetInstance(instanceId: string): void {
    let had = false;
    for (const [key, entry] of this.entries) {
      if (entry.ref.instanceId !== instanceId) continue;
      this.entries.delete(key);
      had = true;
    }
    for (const [key, flight] of this.inFlight) if (flight.ref.instanceId === instanceId) this.inFlight.delete(key);
    this.onForgetInstance?.(instanceId);
    if (had) this.onChange?.();
  }

  private async fetch(ref: RoleRef, source: RoleCredentialsSource): Promise<RoleCredentials> {
    const what = `get credentials for ${ref.roleName} in account ${ref.accountId}`;
    let answer;
    try {
      answer = await source.portal.send(
        new GetRoleCredentialsCommand({ accessToken: source.accessToken, accountId: ref.accountId, roleName: ref.roleName }),
      );
    } catch (error) {
      throw toRolecallError(error, what);
    }
    const credentials = answer.roleCredentials;
    const { accessKeyId, secretAccessKey, sessionToken, expiration } = credentials ?? {};
    if (!accessKeyId || !secretAccessKey || !sessionToken || typeof expiration !== 'number' || !Number.isFinite(expiration)) {
      throw new RolecallError(
        'service-unavailable',
        `AWS IAM Identity Center returned incomplete credentials when asked to ${what}; try again.`,
      );
    }
    return { accessKeyId, secretAccessKey, sessionToken, expiration };
  }
}
