import type { StateCreator } from 'zustand/vanilla';
import type { AppSnapshot } from '../../app/model/snapshot';
import type { ConnectionState } from '../bridge/web-bridge';
import type { RolecallState } from './store';

const sameAliases = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
};

export interface SessionSlice {
  /** The core's last snapshot; null until the first one arrives. */
  readonly snapshot: AppSnapshot | null;
  readonly connection: ConnectionState;
  /**
   * Which shell hosts the page: the desktop core opens browser windows itself (sign-in pages),
   * `rolecall web` leaves that to the page, so the words differ.
   */
  readonly shell: 'electron' | 'web';
  receiveSnapshot(snapshot: AppSnapshot): void;
  setConnection(connection: ConnectionState): void;
  setShell(shell: 'electron' | 'web'): void;
}

export const createSessionSlice: StateCreator<RolecallState, [], [], SessionSlice> = (set, get) => ({
  snapshot: null,
  connection: 'connecting',
  shell: 'web',
  receiveSnapshot: (snapshot) => {
    const previous = get().snapshot;
    set({ snapshot });
    // Labels and aliases feed the search entries; instances that left take their directory
    // along. Other snapshots (countdowns, sync progress) leave the entries alone: rebuilding
    // 10,000 of them on every tick would cost a frame each time.
    const labelsChanged =
      !previous ||
      previous.instances.length !== snapshot.instances.length ||
      previous.instances.some(
        (instance, index) => snapshot.instances[index]?.id !== instance.id || snapshot.instances[index]?.label !== instance.label,
      );
    // Saved chained roles are listed too (a short list: comparing it whole costs nothing).
    const chainsChanged = JSON.stringify(previous?.chainedRoles ?? []) !== JSON.stringify(snapshot.chainedRoles ?? []);
    if (labelsChanged || chainsChanged || !sameAliases(previous.aliases, snapshot.aliases)) get().reindexDirectories();
  },
  setConnection: (connection) => set({ connection }),
  setShell: (shell) => set({ shell }),
});
