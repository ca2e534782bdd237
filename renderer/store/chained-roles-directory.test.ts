import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChainingEmulator } from '../../app/session/test-support/chained-roles';
import { startEmulatedCore, waitUntil } from '../../app/session/test-support/emulated-core';
import type { EmulatedCore, TestEmulator } from '../../app/session/test-support/emulated-core';
import {
  CHAIN_SOURCE_ACCOUNT as PROD,
  CHAIN_TARGET_ACCOUNT as SHARED,
  deployerArn as deployer,
} from '../../emulator/test-support/chaining-directory';
import type { RoleRow } from '../search/result-list';
import { createActions } from './actions';
import { selectFavoriteKeys, selectKeepFreshKeys, selectResultListFor } from './selectors';
import { createRolecallStore } from './store';
import { bridgeTo } from './test-support/core-bridge';

/**
 * Saved chained roles in the page, over the real core against the emulator's STS: listed
 * under their source role's account, found by search, copied and opened like any role
 * (the page's clipboard and window), counted down in the snapshot, removed from the menu's action.
 */

let emu: TestEmulator;
let h: EmulatedCore;
beforeAll(async () => {
  emu = await startChainingEmulator();
  h = await startEmulatedCore(emu, { shell: 'web' });
});
afterAll(async () => {
  await h?.close();
  await emu?.close();
});

const roleRows = (rows: ReturnType<typeof selectResultListFor>['rows']): RoleRow[] =>
  rows.filter((row): row is RoleRow => row.kind === 'role');

describe('chained roles in the directory', () => {
  it('lists a saved chained role under its source account, finds it by search, copies and opens it, and removes it', async () => {
    const store = createRolecallStore();
    const written: string[] = [];
    const opened: string[] = [];
    const actions = createActions(store, bridgeTo(h.core), {
      writeClipboard: async (text) => void written.push(text),
      readClipboard: async () => written.at(-1) ?? '',
      openUrl: (url) => void opened.push(url),
      now: () => emu.clock.now(),
      setTimer: () => undefined,
    });
    const disconnect = actions.connect();
    try {
      await waitUntil(() => store.getState().entries.length === 3 || undefined, 'the three roles');
      const source = { instanceId: h.instanceId, accountId: PROD, roleName: 'AdministratorAccess' };
      expect(await actions.saveChainedRole(source, { name: 'shared-deployer', roleArn: deployer })).toEqual({ ok: true });

      // Listed under prod (the source's account), after its roles in name order.
      const all = await waitUntil(() => {
        const rows = selectResultListFor(store.getState(), '').rows;
        return roleRows(rows).some((row) => row.entry.ref.chainedRole) ? rows : undefined;
      }, 'the chained role in the list');
      const prodAt = all.findIndex((row) => row.kind === 'account' && row.accountId === PROD);
      const sharedAt = all.findIndex((row) => row.kind === 'account' && row.accountId === SHARED);
      const chainedAt = all.findIndex((row) => row.kind === 'role' && row.entry.ref.chainedRole === 'shared-deployer');
      expect(prodAt).toBeLessThan(chainedAt);
      expect(sharedAt > chainedAt || sharedAt < prodAt).toBe(true);
      const chained = all[chainedAt] as RoleRow;
      expect(chained.entry).toMatchObject({
        accountName: 'prod',
        accountId: PROD,
        roleName: 'Deployer via AdministratorAccess (shared-deployer)',
        ref: { instanceId: h.instanceId, accountId: SHARED, roleName: 'Deployer', chainedRole: 'shared-deployer' },
      });

      // Search finds it by its name or its target role, like any role.
      for (const query of ['shared-deployer', 'deployer via']) {
        const found = roleRows(selectResultListFor(store.getState(), query).rows);
        expect(found[0]?.entry.ref.chainedRole).toBe('shared-deployer');
      }

      // Enter copies it (what the row and Enter call): the page's clipboard gets the chained keys.
      await actions.copy(chained.entry.ref);
      expect(written.at(-1)).toMatch(/AWS_ACCESS_KEY_ID='?ASIA/);
      const active = await waitUntil(
        () => store.getState().snapshot?.activeCredentials.find((entry) => entry.chainedRole === 'shared-deployer'),
        'the chained countdown',
      );
      expect(active.role).toMatchObject({ accountId: SHARED, roleName: 'Deployer' });
      expect(active.expiresAt).toBeGreaterThan(emu.clock.now() + 3500_000);
      expect(store.getState().toasts.at(-1)).toMatchObject({ kind: 'success' });

      // Ctrl/⌘ Enter opens the console as the chained role.
      await actions.openConsole(chained.entry.ref);
      const html = await (await fetch(opened.at(-1)!)).text();
      expect(html).toContain(`id="account-id">${SHARED}<`);
      expect(html).toContain('id="role-name">Deployer<');

      // "Pin in the tray" pins it by name; removing it unpins it too.
      await actions.toggleFavorite(chained.entry.ref);
      expect(h.core.snapshot()).toMatchObject({ chainedFavorites: ['shared-deployer'], chainedRecents: ['shared-deployer'] });
      expect(h.core.snapshot().favorites).toEqual([]);
      // The empty search shows it under Pinned (with the star's key), like a pinned role.
      const pinnedRows = await waitUntil(() => {
        const rows = roleRows(selectResultListFor(store.getState(), '').rows).filter((row) => row.section === 'pinned');
        return rows.length > 0 ? rows : undefined;
      }, 'the chained role pinned');
      expect(pinnedRows.map((row) => row.key)).toEqual(['pinned:chained:shared-deployer']);
      expect(selectFavoriteKeys(store.getState())).toBe('chained:shared-deployer');
      // Unpinned, it is under Recent (it was copied and opened).
      await actions.toggleFavorite(chained.entry.ref);
      const recentRows = await waitUntil(() => {
        const rows = roleRows(selectResultListFor(store.getState(), '').rows).filter((row) => row.section === 'recent');
        return rows.some((row) => row.entry.ref.chainedRole) ? rows : undefined;
      }, 'the chained role recent');
      expect(recentRows.at(-1)?.key).toBe('recent:chained:shared-deployer');
      await actions.toggleFavorite(chained.entry.ref);

      // "Keep credentials fresh" marks it by name; the menu's check mark reads the row's key.
      await actions.toggleKeepFresh(chained.entry.ref);
      expect(h.core.snapshot()).toMatchObject({ keepFresh: [], chainedKeepFresh: ['shared-deployer'] });
      await waitUntil(() => selectKeepFreshKeys(store.getState()) === chained.entry.key || undefined, 'the keep-fresh mark');

      await actions.removeChainedRole('shared-deployer');
      await waitUntil(() => !store.getState().entries.some((entry) => entry.ref.chainedRole) || undefined, 'the chained role gone');
      expect(h.core.snapshot()).toMatchObject({ chainedRoles: [], chainedFavorites: [], chainedRecents: [], chainedKeepFresh: [] });
    } finally {
      disconnect();
    }
  });
});
