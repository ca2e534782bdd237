import type { StateCreator } from 'zustand/vanilla';
import type { AppSnapshot } from '../../app/model/snapshot';
import type { ConnectionState } from '../bridge/web-bridge';
import type { RolecallState } from './store';

export interface SessionSlice {
  /** The core's last snapshot; null until the first one arrives. */
  readonly snapshot: AppSnapshot | null;
  readonly connection: ConnectionState;
  receiveSnapshot(snapshot: AppSnapshot): void;
  setConnection(connection: ConnectionState): void;
}

export const createSessionSlice: StateCreator<RolecallState, [], [], SessionSlice> = (set, get) => ({
  snapshot: null,
  connection: 'connecting',
  receiveSnapshot: (snapshot) => {
    const previous = get().snapshot;
    set({ snapshot });
    // Labels feed the search entries; instances that left take their directory along.
    const labelsChanged =
      !previous ||
      previous.instances.length !== snapshot.instances.length ||
      previous.instances.some((instance, index) => snapshot.instances[index]?.id !== instance.id || snapshot.instances[index]?.label !== instance.label);
    if (labelsChanged) get().reindexDirectories();
  },
  setConnection: (connection) => set({ connection }),
});
