import type { DirectoryView } from '../../app/ipc/contract';
import { chainedRoleTarget } from '../../app/model/chained-roles';
import type { RoleRef } from '../../app/model/roles';
import type { SavedChainedRole } from '../../app/model/settings';

/** A role a row acts on: an Identity Center role, or a saved chained role (by its name). */
export type RoleTarget = RoleRef & { readonly chainedRole?: string };

/** One searchable role, with its fields lower-cased once so a keystroke costs no allocation. */
export interface RoleEntry {
  /** roleKey(ref): unique across instances. */
  readonly key: string;
  /** A chained role's: the role it assumes, with chainedRole (its saved name) set. */
  readonly ref: RoleTarget;
  readonly accountName: string;
  readonly accountId: string;
  readonly email: string;
  readonly roleName: string;
  readonly instanceLabel: string;
  /** The user's own name for the account ('' when none): searched like the account name. */
  readonly alias: string;
  readonly lower: {
    readonly accountName: string;
    readonly alias: string;
    readonly email: string;
    readonly roleName: string;
    readonly instanceLabel: string;
  };
  /** Position in the default (alphabetical) order, the final tie-breaker. */
  readonly order: number;
  /** Ordinal of the entry's account (instance + account id), for grouping without string keys. */
  readonly accountOrdinal: number;
}

/** The entry key of a saved chained role: its name, unique among saved chained roles. */
export const chainedEntryKey = (name: string): string => `chained:${name}`;

/** The key of an account in `AppSnapshot.aliases`. */
export const aliasKey = (instanceId: string, accountId: string): string => `${instanceId}/${accountId}`;

type EntryDraft = Omit<RoleEntry, 'order' | 'accountOrdinal'>;

/** A role's or a chained role's entry under `account`, its search fields lower-cased once. */
const entryDraft = (
  key: string,
  ref: RoleTarget,
  roleName: string,
  account: DirectoryView['accounts'][number],
  instanceLabel: string,
  alias: string,
): EntryDraft => ({
  key,
  ref,
  accountName: account.accountName,
  accountId: account.accountId,
  email: account.emailAddress,
  roleName,
  instanceLabel,
  alias,
  lower: {
    accountName: account.accountName.toLowerCase(),
    alias: alias.toLowerCase(),
    email: account.emailAddress.toLowerCase(),
    roleName: roleName.toLowerCase(),
    instanceLabel: instanceLabel.toLowerCase(),
  },
});

/** Flattens directories into entries ordered by account name, account id, role name. */
export const buildRoleEntries = (
  directories: readonly DirectoryView[],
  labelOf: (instanceId: string) => string = (id) => id,
  aliases: Readonly<Record<string, string>> = {},
  chainedRoles: readonly SavedChainedRole[] = [],
): readonly RoleEntry[] => {
  const drafts: EntryDraft[] = [];
  for (const directory of directories) {
    const instanceLabel = labelOf(directory.instanceId);
    for (const account of directory.accounts) {
      const alias = aliases[aliasKey(directory.instanceId, account.accountId)] ?? '';
      // A chained role is listed under its source role's account, found like its roles.
      for (const chain of chainedRoles) {
        if (chain.source.instanceId !== directory.instanceId || chain.source.accountId !== account.accountId) continue;
        const target = chainedRoleTarget(chain);
        const named = chain.name.toLowerCase() === target.roleName.toLowerCase() ? '' : ` (${chain.name})`;
        const roleName = `${target.roleName} via ${chain.source.roleName}${named}`;
        drafts.push(
          entryDraft(chainedEntryKey(chain.name), { ...target, chainedRole: chain.name }, roleName, account, instanceLabel, alias),
        );
      }
      for (const roleName of account.roles) {
        const ref: RoleRef = { instanceId: directory.instanceId, accountId: account.accountId, roleName };
        drafts.push(entryDraft(`${directory.instanceId}/${account.accountId}/${roleName}`, ref, roleName, account, instanceLabel, alias));
      }
    }
  }
  drafts.sort(
    (a, b) =>
      a.lower.accountName.localeCompare(b.lower.accountName) ||
      a.accountId.localeCompare(b.accountId) ||
      a.lower.roleName.localeCompare(b.lower.roleName) ||
      a.instanceLabel.localeCompare(b.instanceLabel),
  );
  const ordinals = new Map<string, number>();
  return drafts.map((draft, order) => {
    const accountKey = `${draft.ref.instanceId}/${draft.accountId}`;
    let accountOrdinal = ordinals.get(accountKey);
    if (accountOrdinal === undefined) {
      accountOrdinal = ordinals.size;
      ordinals.set(accountKey, accountOrdinal);
    }
    return { ...draft, order, accountOrdinal };
  });
};
