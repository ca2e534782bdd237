import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryView } from '../../app/ipc/contract';
import type { AppSnapshot } from '../../app/model/snapshot';
import { startEmulatedCore, startTestEmulator } from '../../app/session/test-support/emulated-core';
import type { EmulatedCore, TestEmulator } from '../../app/session/test-support/emulated-core';
import { createRolecallStore } from './store';

/**
 * The search entries (and the index built on them) are rebuilt only when what they are made
 * of changed: the first snapshot after a stored paint usually names the same labels and
 * aliases, and rebuilding 10,000 entries then would land on the user's first keystrokes.
 */

let test: TestEmulator;
let h: EmulatedCore;
let snapshot: AppSnapshot;
let directory: DirectoryView;
beforeAll(async () => {
  test = await startTestEmulator({ directory: { accounts: 10, rolesPerAccount: 2, seed: 5 } });
  h = await startEmulatedCore(test, { label: 'Acme' });
  const api = h.core.api as unknown as Record<string, (payload: unknown) => Promise<unknown>>;
  snapshot = (await api['state:get']!(undefined)) as AppSnapshot;
  directory = (await api['directory:get']!({ instanceId: h.instanceId })) as DirectoryView;
});
afterAll(async () => {
  await h.close();
  await test.close();
});

describe('search entries across snapshots', () => {
  it('keeps the painted entries when the first snapshot names the same labels and aliases', () => {
    const store = createRolecallStore();
    store.getState().paintStored({ directories: [directory], labels: { [h.instanceId]: 'Acme' }, aliases: snapshot.aliases });
    const painted = store.getState().entries;
    expect(painted).toHaveLength(20);
    store.getState().receiveSnapshot(snapshot);
    expect(store.getState().entries).toBe(painted);
  });

  it('rebuilds them when the snapshot renames the instance, with the new label', () => {
    const store = createRolecallStore();
    store.getState().paintStored({ directories: [directory], labels: { [h.instanceId]: 'Old name' }, aliases: snapshot.aliases });
    const painted = store.getState().entries;
    store.getState().receiveSnapshot(snapshot);
    expect(store.getState().entries).not.toBe(painted);
    expect(store.getState().entries.map((entry) => entry.key)).toEqual(painted.map((entry) => entry.key));
    expect(new Set(store.getState().entries.map((entry) => entry.instanceLabel))).toEqual(new Set(['Acme']));
  });
});
