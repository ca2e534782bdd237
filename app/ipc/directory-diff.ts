import type { AccountWithRoles } from '../model/roles';
import type { DirectoryView } from './contract';

/**
 * What a sync changed in one instance's directory, as it travels to views that already hold
 * the directory it started from. A 10,000-role directory is ~500 KB of JSON; a sync that
 * changes nothing sends a few dozen bytes instead.
 */
export interface DirectoryDiff {
  /** The `syncedAt` of the directory this applies to; null when the view is to have had none. */
  readonly fromSyncedAt: number | null;
  readonly syncedAt: number;
  /** Accounts new in this sync, whole. */
  readonly added: readonly AccountWithRoles[];
  /** Accounts whose name, email or roles changed, whole. */
  readonly changed: readonly AccountWithRoles[];
  /** Ids of accounts no longer listed. */
  readonly removed: readonly string[];
  /** The account ids in their new order, only when applying the rest would not give that order. */
  readonly order?: readonly string[];
}

const sameAccount = (a: AccountWithRoles, b: AccountWithRoles): boolean =>
  a.accountName === b.accountName &&
  a.emailAddress === b.emailAddress &&
  a.roles.length === b.roles.length &&
  a.roles.every((role, index) => role === b.roles[index]);

/** Applies a diff to the directory it was made from (the caller checks fromSyncedAt). */
export const applyDirectoryDiff = (base: DirectoryView | null, instanceId: string, diff: DirectoryDiff): DirectoryView => {
  const removed = new Set(diff.removed);
  const changed = new Map(diff.changed.map((account) => [account.accountId, account]));
  const kept = (base?.accounts ?? []).filter((account) => !removed.has(account.accountId));
  let accounts = [...kept.map((account) => changed.get(account.accountId) ?? account), ...diff.added];
  if (diff.order) {
    const byId = new Map(accounts.map((account) => [account.accountId, account]));
    accounts = diff.order.flatMap((id) => byId.get(id) ?? []);
  }
  return { instanceId, accounts, syncedAt: diff.syncedAt };
};

/** The diff that turns `previous` (what views hold) into `next`. */
export const diffDirectories = (previous: DirectoryView | undefined, next: DirectoryView): DirectoryDiff => {
  const before = new Map((previous?.accounts ?? []).map((account) => [account.accountId, account]));
  const after = new Set(next.accounts.map((account) => account.accountId));
  const added: AccountWithRoles[] = [];
  const changed: AccountWithRoles[] = [];
  for (const account of next.accounts) {
    const old = before.get(account.accountId);
    if (!old) added.push(account);
    else if (!sameAccount(old, account)) changed.push(account);
  }
  const removed = [...before.keys()].filter((id) => !after.has(id));
  const diff: DirectoryDiff = { fromSyncedAt: previous ? previous.syncedAt : null, syncedAt: next.syncedAt, added, changed, removed };
  // Views keep the core's order (search ranks ties by it): send it only when it moved.
  const applied = applyDirectoryDiff(previous ?? null, next.instanceId, diff).accounts;
  const inOrder =
    applied.length === next.accounts.length && applied.every((account, index) => account.accountId === next.accounts[index]?.accountId);
  return inOrder ? diff : { ...diff, order: next.accounts.map((account) => account.accountId) };
};
