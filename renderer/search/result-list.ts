import { roleKey } from '../../app/model/roles';
import type { RoleRef } from '../../app/model/roles';
import { parseQuery } from './fuzzy-search';
import type { ScoredEntry } from './fuzzy-search';
import { searchIndexFor } from './search-index';
import type { SearchIndex } from './search-index';
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

/**
 * The rows of the directory list. A letter that matches every role gives ~12,000 rows, of
 * which the window shows ~40: rows are kept compact (entry indices in typed arrays) and a
 * row object is built when asked for, then kept, so a keystroke costs no object per row.
 */
export interface ResultList {
  readonly rowCount: number;
  /** The row at an index (built on first ask, the same object after). */
  rowAt(index: number): ListRow | undefined;
  /** The kind of the row at an index, without building it (the virtualizer's sizes). */
  kindAt(index: number): ListRow['kind'] | undefined;
  /** The index of the row with this key, -1 when none. */
  indexOfKey(key: string): number;
  /** Every row, built on first ask: for tests and small lists; the view asks rowAt. */
  readonly rows: readonly ListRow[];
  /** Row index of each option, in order: optionRows[activeIndex] is the active row. */
  readonly optionRows: Int32Array;
  readonly matchCount: number;
  readonly searching: boolean;
}

/** How many recent roles the empty search shows above the accounts. */
export const recentLimit = 5;

/** How the matches are found: searchEntries or an index giving the same (the bench compares them). */
export type Search = (entries: readonly RoleEntry[], query: string, boost?: (entry: RoleEntry) => number) => readonly ScoredEntry[];

/**
 * The matches grouped by account, as cells: an entry index for a role row, -1 - the
 * account's ordinal for its account row. Accounts come in the order of their best match
 * (the first one seen, since matches arrive best first), roles inside in rank order: the
 * same as the eager list's groupByAccount (test-support), as a counting sort over account ordinals.
 */
const groupCells = (index: SearchIndex, matches: Int32Array): Int32Array => {
  const { accountOf, accountCount } = index;
  const groupOf = new Int32Array(accountCount).fill(-1);
  const ordinals = new Int32Array(Math.min(accountCount, matches.length));
  const sizes = new Int32Array(ordinals.length);
  let groups = 0;
  for (let m = 0; m < matches.length; m += 1) {
    const ordinal = accountOf[matches[m] as number] as number;
    let group = groupOf[ordinal] as number;
    if (group < 0) {
      group = groups;
      groups += 1;
      groupOf[ordinal] = group;
      ordinals[group] = ordinal;
    }
    sizes[group] = (sizes[group] as number) + 1;
  }
  const cells = new Int32Array(matches.length + groups);
  // Where each group's next role goes; its account row sits just before its first role.
  const next = new Int32Array(groups);
  let at = 0;
  for (let group = 0; group < groups; group += 1) {
    cells[at] = -1 - (ordinals[group] as number);
    next[group] = at + 1;
    at += 1 + (sizes[group] as number);
  }
  for (let m = 0; m < matches.length; m += 1) {
    const entry = matches[m] as number;
    const group = groupOf[accountOf[entry] as number] as number;
    const slot = next[group] as number;
    cells[slot] = entry;
    next[group] = slot + 1;
  }
  return cells;
};

/** Every entry under its account, in the entries' order: the empty query's cells, kept per list of entries. */
const allCells = new WeakMap<readonly RoleEntry[], Int32Array>();
const cellsOfAll = (entries: readonly RoleEntry[], index: SearchIndex): Int32Array => {
  let cells = allCells.get(entries);
  if (!cells) {
    cells = groupCells(index, index.rank('').indices);
    allCells.set(entries, cells);
  }
  return cells;
};

class CompactResultList implements ResultList {
  readonly rowCount: number;
  readonly optionRows: Int32Array;
  readonly #entries: readonly RoleEntry[];
  /** Rows above the accounts (sections, pinned and recent roles), built eagerly: a handful. */
  readonly #head: readonly ListRow[];
  readonly #cells: Int32Array;
  /** Option index of each cell, -1 for an account row. */
  readonly #cellOptions: Int32Array;
  readonly #built: (ListRow | undefined)[] = [];
  #all: readonly ListRow[] | undefined;

  constructor(
    entries: readonly RoleEntry[],
    head: readonly ListRow[],
    cells: Int32Array,
    readonly matchCount: number,
    readonly searching: boolean,
  ) {
    this.#entries = entries;
    this.#head = head;
    this.#cells = cells;
    this.rowCount = head.length + cells.length;
    const headOptions = head.filter((row) => row.kind === 'role').length;
    this.#cellOptions = new Int32Array(cells.length);
    const optionRows = new Int32Array(headOptions + (cells.length - countAccounts(cells)));
    let option = 0;
    head.forEach((row, rowIndex) => {
      if (row.kind === 'role') optionRows[option++] = rowIndex;
    });
    for (let c = 0; c < cells.length; c += 1) {
      if ((cells[c] as number) < 0) {
        this.#cellOptions[c] = -1;
      } else {
        this.#cellOptions[c] = option;
        optionRows[option++] = head.length + c;
      }
    }
    this.optionRows = optionRows;
    // An own, enumerable getter: toEqual compares the rows themselves.
    Object.defineProperty(this, 'rows', { enumerable: true, get: () => this.allRows() });
  }

  declare readonly rows: readonly ListRow[];

  rowAt(index: number): ListRow | undefined {
    if (index < 0 || index >= this.rowCount) return undefined;
    if (index < this.#head.length) return this.#head[index];
    const c = index - this.#head.length;
    let row = this.#built[c];
    if (!row) {
      row = this.buildCell(c);
      this.#built[c] = row;
    }
    return row;
  }

  kindAt(index: number): ListRow['kind'] | undefined {
    if (index < 0 || index >= this.rowCount) return undefined;
    if (index < this.#head.length) return this.#head[index]?.kind;
    return (this.#cells[index - this.#head.length] as number) < 0 ? 'account' : 'role';
  }

  indexOfKey(key: string): number {
    const inHead = this.#head.findIndex((row) => row.key === key);
    if (inHead >= 0) return inHead;
    const cells = this.#cells;
    for (let c = 0; c < cells.length; c += 1) {
      const cell = cells[c] as number;
      const matches = cell >= 0 ? (this.#entries[cell] as RoleEntry).key === key : accountRowKey(this.firstRoleOf(c)) === key;
      if (matches) return this.#head.length + c;
    }
    return -1;
  }

  private allRows(): readonly ListRow[] {
    if (!this.#all) this.#all = Array.from({ length: this.rowCount }, (_, index) => this.rowAt(index) as ListRow);
    return this.#all;
  }

  /** The entry of the role row after an account row: every role of an account carries its fields. */
  private firstRoleOf(c: number): RoleEntry {
    return this.#entries[this.#cells[c + 1] as number] as RoleEntry;
  }

  private buildCell(c: number): ListRow {
    const cell = this.#cells[c] as number;
    if (cell < 0) {
      const first = this.firstRoleOf(c);
      return {
        kind: 'account',
        key: accountRowKey(first),
        accountName: first.accountName,
        accountId: first.accountId,
        email: first.email,
        instanceLabel: first.instanceLabel,
        alias: first.alias,
      };
    }
    const entry = this.#entries[cell] as RoleEntry;
    return { kind: 'role', key: entry.key, entry, section: 'accounts', optionIndex: this.#cellOptions[c] as number };
  }
}

const accountRowKey = (entry: RoleEntry): string => `account:${entry.ref.instanceId}/${entry.accountId}`;

const countAccounts = (cells: Int32Array): number => {
  let accounts = 0;
  for (let c = 0; c < cells.length; c += 1) if ((cells[c] as number) < 0) accounts += 1;
  return accounts;
};

/** A given Search's matches as entry indices (bench:search compares searchEntries with the index). */
const rankedBy = (search: Search, entries: readonly RoleEntry[], query: string, boost: (entry: RoleEntry) => number): Int32Array => {
  const matches = search(entries, query, boost);
  let positions: Map<RoleEntry, number> | undefined;
  const indices = new Int32Array(matches.length);
  matches.forEach(({ entry }, m) => {
    if (entries[entry.order] === entry) indices[m] = entry.order;
    else {
      positions ??= new Map(entries.map((each, index) => [each, index]));
      indices[m] = positions.get(entry) ?? -1;
    }
  });
  return indices;
};

/**
 * The rows the directory list shows for a query: with no query, Pinned and Recent sections
 * above every account; with one, the matches grouped by account (pinned and recent roles
 * win ties).
 */
export const buildResultList = (
  entries: readonly RoleEntry[],
  query: string,
  favorites: readonly RoleRef[],
  recents: readonly RoleRef[],
  /** Finds the matches instead of the entries' search index (bench:search compares the two). */
  search?: Search,
  /** Saved chained roles (by name) pinned and recently used: shown after the roles of each section. */
  chained: { readonly favorites: readonly string[]; readonly recents: readonly string[] } = noChained,
): ResultList => {
  const index = searchIndexFor(entries);
  const favoriteKeys = [...favorites.map(roleKey), ...chained.favorites.map(chainedEntryKey)];
  const recentKeys = [...recents.map(roleKey), ...chained.recents.map(chainedEntryKey)];
  const searching = query.trim().length > 0;

  if (!searching) {
    const head: ListRow[] = [];
    let option = 0;
    const addRole = (entry: RoleEntry, section: ListSection): void => {
      head.push({ kind: 'role', key: `${section}:${entry.key}`, entry, section, optionIndex: option++ });
    };
    const isFavorite = new Set(favoriteKeys);
    const found = (keys: readonly string[]) =>
      keys.map((key) => entries[index.indexOfKey(key)]).filter((entry): entry is RoleEntry => entry !== undefined);
    const pinned = found(favoriteKeys);
    const recentOf = (keys: readonly string[]) => found(keys.filter((key) => !isFavorite.has(key))).slice(0, recentLimit);
    const recent = [...recentOf(recents.map(roleKey)), ...recentOf(chained.recents.map(chainedEntryKey))];
    if (pinned.length > 0) {
      head.push({ kind: 'section', key: 'section:pinned', title: 'Pinned', count: pinned.length });
      for (const entry of pinned) addRole(entry, 'pinned');
    }
    if (recent.length > 0) {
      head.push({ kind: 'section', key: 'section:recent', title: 'Recent', count: recent.length });
      for (const entry of recent) addRole(entry, 'recent');
    }
    if ((pinned.length > 0 || recent.length > 0) && entries.length > 0) {
      head.push({ kind: 'section', key: 'section:accounts', title: 'All accounts', count: entries.length });
    }
    const cells = search
      ? groupCells(
          index,
          rankedBy(search, entries, query, () => 0),
        )
      : cellsOfAll(entries, index);
    return new CompactResultList(entries, head, cells, entries.length, false);
  }

  // Pinned roles win ties over recent ones, recent ones over the rest.
  const boosts = new Map<number, number>();
  for (const key of recentKeys) {
    const at = index.indexOfKey(key);
    if (at >= 0) boosts.set(at, 1);
  }
  for (const key of favoriteKeys) {
    const at = index.indexOfKey(key);
    if (at >= 0) boosts.set(at, 2);
  }
  if (search) {
    const matches = rankedBy(search, entries, query, (entry) => boosts.get(index.indexOfKey(entry.key)) ?? 0);
    return new CompactResultList(entries, [], groupCells(index, matches), matches.length, true);
  }
  const { cells, matchCount } = searchedCells(index, query, boosts);
  return new CompactResultList(entries, [], cells, matchCount, true);
};

interface Searched {
  readonly cells: Int32Array;
  readonly matchCount: number;
}

/** How many searched queries keep their cells per directory: typing on and deleting back returns to them. */
const keptSearches = 24;
const searches = new WeakMap<SearchIndex, Map<string, Searched>>();

/**
 * A query's cells, kept for the last few queries of each directory: the same terms and the
 * same pinned and recent roles give the same ranking, so "prod" after "prod a" + Backspace
 * costs nothing.
 */
const searchedCells = (index: SearchIndex, query: string, boosts: ReadonlyMap<number, number>): Searched => {
  const key = `${parseQuery(query).join(' ')}\u0000${[...boosts].join(';')}`;
  let kept = searches.get(index);
  if (!kept) {
    kept = new Map();
    searches.set(index, kept);
  }
  let found = kept.get(key);
  if (found) {
    // Most recently used goes last, so eviction takes the oldest.
    kept.delete(key);
  } else {
    const matches = index.rank(query, boosts.size > 0 ? (at) => boosts.get(at) ?? 0 : undefined).indices;
    found = { cells: groupCells(index, matches), matchCount: matches.length };
    if (kept.size >= keptSearches) kept.delete(kept.keys().next().value as string);
  }
  kept.set(key, found);
  return found;
};
