import { roleKey } from '../../app/model/roles';
import type { RoleRef } from '../../app/model/roles';
import { groupByAccount } from './fuzzy-search';
import type { ScoredEntry } from './fuzzy-search';
import { searchIndexFor } from './search-index';
import { chainedEntryKey } from './role-entries';
import type { RoleEntry } from './role-entries';

const noChained = { favorites: [], recents: [] } as const;

export type ListSection = 'pinned' | 'recent' | 'accounts';

export type ListRow =
  | { readonly kind: 'section'; readonly key: string; readonly title: string; readonly count: number }
  | {
      readonly kind: 'account';
      readonly key: string;
      readonly accountName: string;
      readonly accountId: string;
      readonly email: string;
      readonly instanceLabel: string;
      /** The user's own name for the account ('' when none). */
      readonly alias: string;
    }
  | {
      readonly kind: 'role';
      /** Unique per row: the same role may sit under Pinned and under its account. */
      readonly key: string;
      readonly entry: RoleEntry;
      readonly section: ListSection;
      /** Index among the selectable rows, for ↑/↓. */
      readonly optionIndex: number;
    };

export type RoleRow = Extract<ListRow, { kind: 'role' }>;

export interface ResultList {
  readonly rows: readonly ListRow[];
  /** Row index of each option, in order: options[activeIndex] is the active row. */
  readonly optionRows: readonly number[];
  readonly matchCount: number;
  readonly searching: boolean;
}

/** How many recent roles the empty search shows above the accounts. */
export const recentLimit = 5;

/**
 * The rows the directory list shows for a query: with no query, Pinned and Recent sections
 * above every account; with one, the matches grouped by account (pinned and recent roles
 * win ties).
 */
/** How the matches are found: searchEntries or an index giving the same (the bench compares them). */
export type Search = (entries: readonly RoleEntry[], query: string, boost?: (entry: RoleEntry) => number) => readonly ScoredEntry[];

const indexedSearch: Search = (entries, query, boost) => searchIndexFor(entries).search(query, boost);

export const buildResultList = (
  entries: readonly RoleEntry[],
  query: string,
  favorites: readonly RoleRef[],
  recents: readonly RoleRef[],
  search: Search = indexedSearch,
  /** Saved chained roles (by name) pinned and recently used: shown after the roles of each section. */
  chained: { readonly favorites: readonly string[]; readonly recents: readonly string[] } = noChained,
): ResultList => {
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
