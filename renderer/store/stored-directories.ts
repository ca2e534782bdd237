import { parseStoredDirectories, serializeStoredDirectories } from '../../app/ipc/stored-directories';
import type { StoredDirectories } from '../../app/ipc/stored-directories';
import type { RolecallStore } from './store';

/** The part of the browser's Storage used here (a Map-backed fake in tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const storedDirectoriesKey = 'rolecall.directories.v2';
/** Where an older page kept them (one object per account): no longer read, and removed on the next write. */
const formerKeys = ['rolecall.directories.v1'];

/** Paints what the last page load stored, if anything valid; returns whether it painted. */
export const paintStoredDirectories = (store: RolecallStore, storage: KeyValueStorage | undefined): boolean => {
  let stored: StoredDirectories | undefined;
  try {
    stored = parseStoredDirectories(storage?.getItem(storedDirectoriesKey) ?? null);
  } catch {
    // Storage disabled (privacy mode, a sandboxed frame): start empty as before.
    return false;
  }
  if (!stored || stored.directories.length === 0) return false;
  store.getState().paintStored(stored);
  return true;
};

/**
 * Writes the directories back whenever the bridge changed them, a moment later (a sync's
 * diff and the snapshot after it make one write, and serializing 10,000 roles never runs
 * inside a keystroke). Only after the first snapshot: until then the store holds what was
 * read. Returns the unsubscribe.
 */
export const keepDirectoriesStored = (
  store: RolecallStore,
  storage: KeyValueStorage,
  schedule: (write: () => void) => void = (write) => void setTimeout(write, 500),
): (() => void) => {
  let pending = false;
  const write = (): void => {
    pending = false;
    const { snapshot, directories } = store.getState();
    if (!snapshot) return;
    const stored: StoredDirectories = {
      directories: Object.values(directories),
      labels: Object.fromEntries(snapshot.instances.map((instance) => [instance.id, instance.label])),
      aliases: snapshot.aliases,
    };
    try {
      for (const key of formerKeys) storage.removeItem(key);
      if (stored.directories.length === 0) storage.removeItem(storedDirectoriesKey);
      else storage.setItem(storedDirectoriesKey, serializeStoredDirectories(stored));
    } catch {
      // Over quota or storage disabled: the next load fetches over the bridge, as before.
    }
  };
  // What was written last: snapshots arrive many times a second (countdowns, sync progress)
  // and must not rewrite 500 KB each time, so only a new directories object or a change of
  // labels or aliases does.
  let writtenDirectories: unknown;
  let writtenNames = '';
  return store.subscribe((state) => {
    if (!state.snapshot || pending) return;
    const names = JSON.stringify([state.snapshot.instances.map((instance) => [instance.id, instance.label]), state.snapshot.aliases]);
    if (state.directories === writtenDirectories && names === writtenNames) return;
    writtenDirectories = state.directories;
    writtenNames = names;
    pending = true;
    schedule(write);
  });
};
