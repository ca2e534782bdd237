import { setMaxListeners } from 'node:events';
import { ListAccountRolesCommand, ListAccountsCommand } from '@aws-sdk/client-sso';
import type { SSOClient } from '@aws-sdk/client-sso';
import { isNotFound, isUnauthorized, toRolecallError } from '../identity-center/error-mapping';
import { RolecallError } from '../model/errors';
import type { Account, AccountWithRoles, Directory } from '../model/roles';
import { systemClock } from '../ports/clock';
import type { Clock } from '../ports/clock';
import { AdaptiveLimiter } from './adaptive-limiter';

/** The service maximum for maxResults on ListAccounts and ListAccountRoles. */
export const maxPageSize = 100;

export interface SyncProgress {
  /** Accounts whose roles are settled (listed, dropped or failed). */
  readonly done: number;
  /** Known once every page of accounts is in. */
  readonly total?: number;
  readonly accountsSeen: number;
}

export interface SyncStats {
  /** Portal calls sent by this sync, retries included. */
  readonly calls: number;
  readonly throttled: number;
  readonly retries: number;
  readonly seconds: number;
}

export interface SyncResult {
  readonly directory: Directory;
  readonly stats: SyncStats;
  /** Accounts that answered ResourceNotFound: no longer assigned, left out of the directory. */
  readonly dropped: readonly string[];
}

export interface SyncOptions {
  /** An SSO portal client created with `maxAttempts: 1`, so throttling reaches the limiter. */
  readonly portal: Pick<SSOClient, 'send'>;
  readonly accessToken: string;
  readonly instanceId: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: SyncProgress) => void;
  /** Keep one limiter per instance across syncs so the learned rate carries over. */
  readonly limiter?: AdaptiveLimiter;
  readonly pageSize?: number;
  /** The last directory: roles of an account that cannot be listed now are kept from it. */
  readonly previous?: Directory;
  readonly clock?: Clock;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
const byName = (a: AccountWithRoles, b: AccountWithRoles): number =>
  collator.compare(a.accountName, b.accountName) || a.accountId.localeCompare(b.accountId);

const cancelled = (reason: unknown): RolecallError =>
  new RolecallError('sign-in-cancelled', 'The account list refresh was cancelled.', { cause: reason });

/** Pages through a paginated operation; a repeated page token means a broken server, not an endless list. */
const paginate = async (fetchPage: (nextToken: string | undefined) => Promise<string | undefined>): Promise<void> => {
  const seen = new Set<string>();
  let nextToken = await fetchPage(undefined);
  while (nextToken) {
    if (seen.has(nextToken)) {
      throw new RolecallError(
        'service-unavailable',
        'IAM Identity Center returned the same page twice while listing; try again in a minute.',
      );
    }
    seen.add(nextToken);
    nextToken = await fetchPage(nextToken);
  }
};

/**
 * Lists every account and its roles (ListAccounts and ListAccountRoles, all pages), role
 * listing starting as soon as the first page of accounts arrives, every call through the
 * adaptive limiter. The `portal` client MUST be created with `maxAttempts: 1`: the SDK's
 * own retries would hide throttling from the limiter, which then could not learn the rate.
 *
 * Per-account problems do not fail the sync: ResourceNotFound drops the account (in
 * `dropped`); any other error, after the limiter's retries, lists it in `failedAccounts`
 * with its roles from `previous` when known. UnauthorizedException rejects the whole sync
 * at once with RolecallError('unauthorized'); aborting `signal` rejects promptly and sends
 * no further calls.
 */
export const syncDirectory = async (options: SyncOptions): Promise<SyncResult> => {
  const clock = options.clock ?? systemClock;
  const limiter = options.limiter ?? new AdaptiveLimiter({ clock });
  const pageSize = Math.min(maxPageSize, Math.max(1, options.pageSize ?? maxPageSize));
  const { portal, accessToken, signal: outer } = options;
  if (outer?.aborted) throw cancelled(outer.reason);

  const before = limiter.stats();
  const startedAt = clock.now();
  const controller = new AbortController();
  const signal = controller.signal;
  // Every queued call listens on this signal (thousands in a large sync): that is not a leak.
  setMaxListeners(0, signal);
  let fatal: RolecallError | undefined;
  const stop = (error: RolecallError) => {
    fatal ??= error;
    controller.abort(error);
  };
  const onOuterAbort = () => stop(cancelled(outer?.reason));
  outer?.addEventListener('abort', onOuterAbort, { once: true });

  const accounts = new Map<string, Account>();
  const roles = new Map<string, readonly string[]>();
  const failed: { accountId: string; message: string }[] = [];
  const dropped: string[] = [];
  let done = 0;
  let total: number | undefined;
  const report = () => options.onProgress?.({ done, total, accountsSeen: accounts.size });

  const listRoles = async (accountId: string): Promise<readonly string[]> => {
    const names = new Set<string>();
    await paginate(async (nextToken) => {
      const page = await limiter.run(
        (callSignal) =>
          portal.send(new ListAccountRolesCommand({ accessToken, accountId, maxResults: pageSize, nextToken }), {
            abortSignal: callSignal,
          }),
        { signal },
      );
      for (const role of page.roleList ?? []) if (role.roleName) names.add(role.roleName);
      return page.nextToken || undefined;
    });
    return [...names].sort(collator.compare);
  };

  const settleAccount = async (account: Account): Promise<void> => {
    try {
      roles.set(account.accountId, await listRoles(account.accountId));
    } catch (error) {
      if (signal.aborted) return;
      if (isUnauthorized(error)) return stop(toRolecallError(error));
      if (isNotFound(error)) dropped.push(account.accountId);
      else
        failed.push({
          accountId: account.accountId,
          message: toRolecallError(error, `list the roles in account ${account.accountId}`).userMessage,
        });
    } finally {
      if (!signal.aborted) {
        done += 1;
        report();
      }
    }
  };

  const listEverything = async (): Promise<void> => {
    const settling: Promise<void>[] = [];
    try {
      await paginate(async (nextToken) => {
        // Account pages jump the queue: each one unlocks a hundred role listings.
        const page = await limiter.run(
          (callSignal) =>
            portal.send(new ListAccountsCommand({ accessToken, maxResults: pageSize, nextToken }), { abortSignal: callSignal }),
          { signal, urgent: true },
        );
        for (const entry of page.accountList ?? []) {
          if (!entry.accountId || accounts.has(entry.accountId)) continue;
          const account: Account = {
            accountId: entry.accountId,
            accountName: entry.accountName ?? entry.accountId,
            emailAddress: entry.emailAddress ?? '',
          };
          accounts.set(account.accountId, account);
          settling.push(settleAccount(account));
        }
        report();
        return page.nextToken || undefined;
      });
    } catch (error) {
      if (!signal.aborted) stop(isUnauthorized(error) ? toRolecallError(error) : toRolecallError(error, 'list your accounts'));
      return;
    }
    total = accounts.size;
    report();
    await Promise.all(settling);
  };

  const abandoned = new Promise<never>((_, reject) => {
    const onAbort = () => reject(fatal ?? cancelled(signal.reason));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  // The race rejects at once on abort; the work itself settles quietly behind it.
  abandoned.catch(() => undefined);
  try {
    await Promise.race([listEverything(), abandoned]);
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
  }
  if (fatal) throw fatal;

  const previousAccounts = new Map(options.previous?.accounts.map((account) => [account.accountId, account]));
  const failedIds = new Set(failed.map(({ accountId }) => accountId));
  const droppedIds = new Set(dropped);
  const listed: AccountWithRoles[] = [];
  for (const account of accounts.values()) {
    if (droppedIds.has(account.accountId)) continue;
    const found = roles.get(account.accountId);
    const kept = failedIds.has(account.accountId) ? (previousAccounts.get(account.accountId)?.roles ?? []) : [];
    listed.push({ ...account, roles: found ?? kept });
  }
  listed.sort(byName);

  const after = limiter.stats();
  return {
    directory: {
      instanceId: options.instanceId,
      accounts: listed,
      syncedAt: clock.now(),
      failedAccounts: failed.sort((a, b) => a.accountId.localeCompare(b.accountId)),
    },
    stats: {
      calls: after.calls - before.calls,
      throttled: after.throttled - before.throttled,
      retries: after.retries - before.retries,
      seconds: (clock.now() - startedAt) / 1_000,
    },
    dropped: dropped.sort(),
  };
};
