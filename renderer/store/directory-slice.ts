import type { StateCreator } from 'zustand/vanilla';
import type { DirectoryView } from '../../app/ipc/contract';
import { applyDirectoryDiff } from '../../app/ipc/directory-diff';
import type { DirectoryDiff } from '../../app/ipc/directory-diff';
import { buildRoleEntries } from '../search/role-entries';
import type { RoleEntry } from '../search/role-entries';
import type { StoredDirectories } from '../../app/ipc/stored-directories';
import type { RolecallState } from './store';

export interface DirectorySlice {
  /** Directories by instance id, as `directory:get` returned them. */
  readonly directories: Readonly<Record<string, DirectoryView>>;
  /** Every role of every instance, flattened for search. */
  readonly entries: readonly RoleEntry[];
  receiveDirectory(instanceId: string, directory: DirectoryView | null): void;
  /** Applies a sync's diff; false (and nothing changed) when the held directory is not its base. */
  receiveDiff(instanceId: string, diff: DirectoryDiff): boolean;
  /**
   * Paints directories the page stored on its last load, before the bridge answers (labels
   * and aliases from then too); the first snapshot and the fetches it triggers reconcile them.
   */
  paintStored(stored: StoredDirectories): void;
  /** Rebuilds the entries (after instances were renamed, added or removed, or aliases changed). */
  reindexDirectories(): void;
}

export const createDirectorySlice: StateCreator<RolecallState, [], [], DirectorySlice> = (set, get) => {
  // Labels and aliases of the stored paint, used only until the first snapshot.
  let painted: Pick<StoredDirectories, 'labels' | 'aliases'> = { labels: {}, aliases: {} };
  // What the current entries were built from.
  let built: { readonly views: readonly DirectoryView[]; readonly names: string; readonly entries: readonly RoleEntry[] } | undefined;
  const rebuild = (directories: Readonly<Record<string, DirectoryView>>): Pick<DirectorySlice, 'directories' | 'entries'> => {
    const snapshot = get().snapshot;
    const instances = snapshot?.instances ?? [];
    const known = new Set(instances.map((instance) => instance.id));
    // Before the first snapshot nothing is known to be gone.
    const kept = snapshot ? Object.fromEntries(Object.entries(directories).filter(([id]) => known.has(id))) : directories;
    const labels = snapshot ? new Map(instances.map((instance) => [instance.id, instance.label])) : new Map(Object.entries(painted.labels));
    const aliases = snapshot ? snapshot.aliases : painted.aliases;
    const chainedRoles = snapshot?.chainedRoles ?? [];
    const views = Object.values(kept);
    // The first snapshot after a stored paint names the same labels and aliases the paint
    // used: keep those entries (and so the search index and its warmed scores) instead of
    // rebuilding 10,000 of them while the user starts typing.
    const names = JSON.stringify([views.map((view) => labels.get(view.instanceId) ?? view.instanceId), aliases, chainedRoles]);
    const same =
      built && built.names === names && built.views.length === views.length && built.views.every((view, at) => view === views[at]);
    const entries = same && built ? built.entries : buildRoleEntries(views, (id) => labels.get(id) ?? id, aliases, chainedRoles);
    built = { views, names, entries };
    return { directories: kept, entries };
  };
  return {
    directories: {},
    entries: [],
    receiveDirectory: (instanceId, directory) => {
      const next = { ...get().directories };
      if (directory) next[instanceId] = directory;
      else delete next[instanceId];
      set(rebuild(next));
    },
    receiveDiff: (instanceId, diff) => {
      const held = get().directories[instanceId];
      if ((held?.syncedAt ?? null) !== diff.fromSyncedAt) return false;
      // A sync that changed nothing (the usual case) moves syncedAt and keeps the entries, so
      // the search index, its warmed scores and the lists built on them stay.
      const unchanged = held && diff.added.length === 0 && diff.changed.length === 0 && diff.removed.length === 0 && !diff.order;
      if (unchanged) {
        set({ directories: { ...get().directories, [instanceId]: { ...held, syncedAt: diff.syncedAt } } });
        return true;
      }
      get().receiveDirectory(instanceId, applyDirectoryDiff(held ?? null, instanceId, diff));
      return true;
    },
    paintStored: (stored) => {
      // The bridge was faster: what it gave is newer than anything stored.
      if (get().snapshot || Object.keys(get().directories).length > 0) return;
      painted = { labels: stored.labels, aliases: stored.aliases };
      set(rebuild(Object.fromEntries(stored.directories.map((directory) => [directory.instanceId, directory]))));
    },
    reindexDirectories: () => set(rebuild(get().directories)),
  };
};
