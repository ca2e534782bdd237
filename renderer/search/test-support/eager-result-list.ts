import { roleKey } from '../../../app/model/roles';
import type { RoleRef } from '../../../app/model/roles';
import { searchEntries } from '../fuzzy-search';
import type { ScoredEntry } from '../fuzzy-search';
import { recentLimit } from '../result-list';
import type { ListRow, ListSection, Search } from '../result-list';
import { chainedEntryKey } from '../role-entries';
import type { RoleEntry } from '../role-entries';

/**
 * The list as buildResultList built it before its rows became compact: every row an object,
 * matches from searchEntries. The tests hold the compact list to it, row for row.
 */

interface AccountGroup {
  /** instanceId/accountId */
  readonly key: string;
  readonly accountName: string;
  readonly accountId: string;
  readonly email: string;
  readonly instanceLabel: string;
  readonly alias: string;
  readonly roles: readonly RoleEntry[];
}

/**
 * Groups ranked matches by account: accounts ordered by their best role, roles inside in
 * rank order. Grouping keeps a user's eye on one account at a time.
 */
const groupByAccount = (matches: readonly ScoredEntry[]): readonly AccountGroup[] => {
  const bucketOf: (RoleEntry[] | undefined)[] = [];
  const order: RoleEntry[][] = [];
  for (const { entry } of matches) {
    let bucket = bucketOf[entry.accountOrdinal];
    if (!bucket) {
      bucket = [];
      bucketOf[entry.accountOrdinal] = bucket;
      // First seen = the account's best match, since matches arrive best first.
      order.push(bucket);
    }
    bucket.push(entry);
  }
  return order.map((roles) => {
    const first = roles[0] as RoleEntry;
    return {
      key: `${first.ref.instanceId}/${first.accountId}`,
      accountName: first.accountName,
      accountId: first.accountId,
      email: first.email,
      instanceLabel: first.instanceLabel,
      alias: first.alias,
      roles,
    };
  });
};

const noChained = { favorites: [], recents: [] } as const;

export interface EagerResultList {
  readonly rows: readonly ListRow[];
  readonly optionRows: readonly number[];
  readonly matchCount: number;
  readonly searching: boolean;
}

export const buildEagerResultList = (
  entries: readonly RoleEntry[],
  query: string,
  favorites: readonly RoleRef[],
  recents: readonly RoleRef[],
  search: Search = searchEntries,
  /** Saved chained roles (by name) pinned and recently used: shown after the roles of each section. */
  chained: { readonly favorites: readonly string[]; readonly recents: readonly string[] } = noChained,
): EagerResultList => {
  const rows: ListRow[] = [];
  const optionRows: number[] = [];
  const addRole = (entry: RoleEntry, section: ListSection): void => {
    optionRows.push(rows.length);
    rows.push({
      kind: 'role',
      key: section === 'accounts' ? entry.key : `${section}:${entry.key}`,
      entry,
      section,
      optionIndex: optionRows.length - 1,
    });
  };
  const favoriteKeys = new Set([...favorites.map(roleKey), ...chained.favorites.map(chainedEntryKey)]);
  const recentKeys = new Set([...recents.map(roleKey), ...chained.recents.map(chainedEntryKey)]);
  const searching = query.trim().length > 0;

  if (!searching) {
    const byKey = new Map(entries.map((entry) => [entry.key, entry]));
    const found = (keys: readonly string[]) => keys.map((key) => byKey.get(key)).filter((entry): entry is RoleEntry => entry !== undefined);
    const pinned = found([...favorites.map(roleKey), ...chained.favorites.map(chainedEntryKey)]);
    const recentOf = (keys: readonly string[]) => found(keys.filter((key) => !favoriteKeys.has(key))).slice(0, recentLimit);
    const recent = [...recentOf(recents.map(roleKey)), ...recentOf(chained.recents.map(chainedEntryKey))];
    if (pinned.length > 0) {
      rows.push({ kind: 'section', key: 'section:pinned', title: 'Pinned', count: pinned.length });
      for (const entry of pinned) addRole(entry, 'pinned');
    }
    if (recent.length > 0) {
      rows.push({ kind: 'section', key: 'section:recent', title: 'Recent', count: recent.length });
      for (const entry of recent) addRole(entry, 'recent');
    }
    if ((pinned.length > 0 || recent.length > 0) && entries.length > 0) {
      rows.push({ kind: 'section', key: 'section:accounts', title: 'All accounts', count: entries.length });
    }
  }

  const boost = (entry: RoleEntry): number => (favoriteKeys.has(entry.key) ? 2 : recentKeys.has(entry.key) ? 1 : 0);
  const matches = search(entries, query, searching ? boost : undefined);
  for (const group of groupByAccount(matches)) {
    rows.push({
      kind: 'account',
      key: `account:${group.key}`,
      accountName: group.accountName,
      accountId: group.accountId,
      email: group.email,
      instanceLabel: group.instanceLabel,
      alias: group.alias,
    });
    for (const entry of group.roles) addRole(entry, 'accounts');
  }
  return { rows, optionRows, matchCount: matches.length, searching };
};
