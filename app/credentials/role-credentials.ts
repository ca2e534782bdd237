import { GetRoleCredentialsCommand } from '@aws-sdk/client-sso';
import type { SSOClient } from '@aws-sdk/client-sso';
import { toRolecallError } from '../identity-center/error-mapping';
import { RolecallError } from '../model/errors';
import { roleKey } from '../model/roles';
import type { RoleRef } from '../model/roles';
import type { RoleCredentials } from '../model/tokens';
import type { Clock } from '../ports/clock';
import { SingleFlightCache } from './single-flight-cache';

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

export const DEFAULT_CREDENTIALS_SAFETY_MARGIN_MS = 5 * 60_000;

/**
 * Role credentials held in memory only, one entry per role, until shortly before they
 * expire. Concurrent requests for one role share a single GetRoleCredentials call, so a
 * double click or a tray refresh racing a copy never costs two calls (SingleFlightCache).
 */
export class RoleCredentialsCache {
  private readonly cache: SingleFlightCache<RoleCredentials, RoleRef>;
  private readonly onForgetInstance: ((instanceId: string) => void) | undefined;

  constructor(options: RoleCredentialsCacheOptions) {
    this.cache = new SingleFlightCache({
      clock: options.clock,
      marginMs: options.safetyMarginMs ?? DEFAULT_CREDENTIALS_SAFETY_MARGIN_MS,
      ...(options.onChange ? { onChange: options.onChange } : {}),
    });
    this.onForgetInstance = options.onForgetInstance;
  }

  /** Credentials for a role: from memory while comfortably valid, else from GetRoleCredentials. */
  async get(ref: RoleRef, source: RoleCredentialsSource): Promise<RoleCredentials> {
    const tag: RoleRef = { instanceId: ref.instanceId, accountId: ref.accountId, roleName: ref.roleName };
    return this.cache.get(roleKey(ref), tag, () => this.fetch(ref, source));
  }

  /** The held credentials for a role if they have not expired yet (even inside the margin); never calls AWS. */
  peek(ref: RoleRef): RoleCredentials | undefined {
    return this.cache.peek(roleKey(ref));
  }

  /** Roles with unexpired credentials in memory and when they expire, nearest first; no secrets. */
  list(): { readonly ref: RoleRef; readonly expiration: number }[] {
    return this.cache
      .live()
      .map((entry) => ({ ref: entry.tag, expiration: entry.value.expiration }))
      .sort((a, b) => a.expiration - b.expiration);
  }

  /** Drops one role's credentials (and disowns a fetch in progress for it). */
  forget(ref: RoleRef): void {
    this.cache.forget(roleKey(ref));
  }

  /** Drops every credential of one Identity Center instance, e.g. on sign-out; then what was derived from them. */
  forgetInstance(instanceId: string): void {
    this.cache.forgetWhere((ref) => ref.instanceId === instanceId);
    this.onForgetInstance?.(instanceId);
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
