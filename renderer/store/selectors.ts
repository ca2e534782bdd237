import type { AppSnapshot, InstanceView } from '../../app/model/snapshot';
import { roleKey } from '../../app/model/roles';
import { buildResultList } from '../search/result-list';
import { chainedEntryKey } from '../search/role-entries';
import type { ResultList, RoleRow } from '../search/result-list';
import type { RolecallState } from './store';

const noInstances: readonly InstanceView[] = [];
const noRoles: AppSnapshot['favorites'] = [];

export const selectInstances = (state: RolecallState): readonly InstanceView[] => state.snapshot?.instances ?? noInstances;
export const selectPreferences = (state: RolecallState) => state.snapshot?.preferences;
export const selectFavorites = (state: RolecallState) => state.snapshot?.favorites ?? noRoles;
export const selectRecents = (state: RolecallState) => state.snapshot?.recents ?? noRoles;
export const selectKeepFresh = (state: RolecallState) => state.snapshot?.keepFresh ?? noRoles;
const noNames: readonly string[] = [];
export const selectChainedFavorites = (state: RolecallState) => state.snapshot?.chainedFavorites ?? noNames;
export const selectChainedRecents = (state: RolecallState) => state.snapshot?.chainedRecents ?? noNames;
export const selectChainedKeepFresh = (state: RolecallState) => state.snapshot?.chainedKeepFresh ?? noNames;
const noCredentials: AppSnapshot['activeCredentials'] = [];
const noNotices: AppSnapshot['notices'] = [];
export const selectActiveCredentials = (state: RolecallState) => state.snapshot?.activeCredentials ?? noCredentials;
export const selectNotices = (state: RolecallState) => state.snapshot?.notices ?? noNotices;

/** Keys of pinned roles, as a sorted string: stable for `useStore` without a shallow compare. */
export const selectFavoriteKeys = (state: RolecallState): string =>
  [...selectFavorites(state).map(roleKey), ...selectChainedFavorites(state).map(chainedEntryKey)].sort().join('\n');
export const selectKeepFreshKeys = (state: RolecallState): string =>
  [...selectKeepFresh(state).map(roleKey), ...selectChainedKeepFresh(state).map(chainedEntryKey)].sort().join('\n');

/** Instances whose sign-in is in progress. */
export const selectSigningIn = (state: RolecallState): InstanceView[] =>
  selectInstances(state).filter((instance) => instance.session.status === 'signing-in');

/** Instances that need the user to sign in (signed out, expired or failed). */
export const selectNeedsSignIn = (state: RolecallState): InstanceView[] =>
  selectInstances(state).filter((instance) => ['signed-out', 'expired', 'error'].includes(instance.session.status));

interface ListMemo {
  readonly entries: unknown;
  readonly query: string;
  /** The pinned and recent roles (and chained roles) by key: every snapshot brings new arrays of the same roles. */
  readonly shortcuts: string;
  readonly result: ResultList;
}

/**
 * Pinned and recent roles as one string, compared instead of the arrays: a snapshot arrives
 * for every tick of a running sync, each with new (equal) arrays, and rebuilding the list
 * for each would cost the keystrokes typed meanwhile.
 */
let lastShortcuts: { readonly of: readonly unknown[]; readonly key: string } | undefined;
const shortcutsKey = (state: RolecallState): string => {
  const of = [selectFavorites(state), selectRecents(state), selectChainedFavorites(state), selectChainedRecents(state)];
  if (lastShortcuts?.of.every((kept, at) => kept === of[at])) return lastShortcuts.key;
  const key = [
    selectFavorites(state).map(roleKey).join('\n'),
    selectRecents(state).map(roleKey).join('\n'),
    selectChainedFavorites(state).join('\n'),
    selectChainedRecents(state).join('\n'),
  ].join('\u0000');
  lastShortcuts = { of, key };
  return key;
};
/**
 * The last lists built: the list on screen (the deferred query) and the one for what was
 * just typed are both asked for while React catches up, and neither may be rebuilt each time.
 */
let memos: ListMemo[] = [];

/**
 * The result rows for a query (the current one unless given). Memoized on its inputs, so
 * every component selecting it gets the same object until the query or the data changes.
 */
export const selectResultListFor = (state: RolecallState, query: string): ResultList => {
  const shortcuts = shortcutsKey(state);
  const hit = memos.find((memo) => memo.entries === state.entries && memo.query === query && memo.shortcuts === shortcuts);
  if (hit) return hit.result;
  const result = unmemoizedResultList(state, query);
  const memo = { entries: state.entries, query, shortcuts, result };
  // The empty query's list (every role) is where Backspace and Escape return: it keeps its
  // own slot, so typing never evicts it and clearing the box costs no rebuild.
  const empty = memos.find((kept) => kept.query === '' && kept !== memo);
  memos =
    query === ''
      ? [memo, ...memos.filter((kept) => kept.query !== '').slice(0, 2)]
      : [memo, ...memos.filter((kept) => kept !== empty).slice(0, 1), ...(empty ? [empty] : [])];
  return result;
};

const unmemoizedResultList = (state: RolecallState, query: string): ResultList =>
  buildResultList(state.entries, query, selectFavorites(state), selectRecents(state), undefined, {
    favorites: selectChainedFavorites(state),
    recents: selectChainedRecents(state),
  });

/** One-letter queries the directory view rehearses once in idle time (any letters do). */
export const REHEARSED_QUERIES: readonly string[] = ['e', 'a', 'o'];

/**
 * Builds a query's list and throws it away, leaving the memos as they are: run in idle time
 * so the first real keystroke finds the search and list code compiled instead of running
 * it in V8's interpreter (bench:ui's CPU profile: ~5 ms of the first key's 14 ms).
 */
export const rehearseResultList = (state: RolecallState, query: string): void => {
  unmemoizedResultList(state, query);
};

export const selectResultList = (state: RolecallState): ResultList => selectResultListFor(state, state.query);

/** The active option's row, with the index clamped into the current results. */
export const selectActiveRow = (state: RolecallState): RoleRow | undefined => {
  const list = selectResultList(state);
  if (list.optionRows.length === 0) return undefined;
  const index = Math.min(state.activeIndex, list.optionRows.length - 1);
  const row = list.rowAt(list.optionRows[index] ?? -1);
  return row?.kind === 'role' ? row : undefined;
};

/** Aggregate sync progress over all instances: what the progress bar shows. */
export const selectSyncProgress = (state: RolecallState): { syncing: boolean; done: number; total?: number } => {
  const syncing = selectInstances(state).filter((instance) => instance.sync.status === 'syncing');
  if (syncing.length === 0) return { syncing: false, done: 0 };
  const known = syncing.every((instance) => instance.sync.total !== undefined);
  return {
    syncing: true,
    done: syncing.reduce((sum, instance) => sum + instance.sync.done, 0),
    total: known ? syncing.reduce((sum, instance) => sum + (instance.sync.total ?? 0), 0) : undefined,
  };
};
