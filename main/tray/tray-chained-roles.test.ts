import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseRequest } from '../../app/ipc/contract';
import { saveChainedRole, startChainingEmulator } from '../../app/session/test-support/chained-roles';
import { startEmulatedCore } from '../../app/session/test-support/emulated-core';
import type { EmulatedCore, TestEmulator } from '../../app/session/test-support/emulated-core';
import { CHAIN_SOURCE_ACCOUNT as PROD, CHAIN_TARGET_ACCOUNT as SHARED } from '../../emulator/test-support/chaining-directory';
import { dispatchTrayAction } from './tray-actions';
import { buildTrayMenu } from './tray-menu';
import type { MenuItemModel, TrayAction } from './tray-menu';

/**
 * The tray over the real desktop core and the emulator's STS: a saved chained role pinned
 * and used shows under Pinned, Recent and Active credentials like any role, with its own
 * countdown, and its items copy it (onto the desktop's clipboard) and open its console.
 */

let emu: TestEmulator;
let h: EmulatedCore;
beforeAll(async () => {
  emu = await startChainingEmulator();
  h = await startEmulatedCore(emu, { shell: 'desktop' });
  await saveChainedRole(h);
});
afterAll(async () => {
  await h?.close();
  await emu?.close();
});

const flatten = (items: readonly MenuItemModel[]): MenuItemModel[] =>
  items.flatMap((entry) => (entry.kind === 'submenu' ? [entry, ...flatten(entry.items)] : [entry]));
const byId = (menu: readonly MenuItemModel[], id: string): MenuItemModel => {
  const found = flatten(menu).find((entry) => entry.id === id);
  if (!found)
    throw new Error(
      `no tray item ${id}; ids: ${flatten(menu)
        .map((entry) => entry.id)
        .join(', ')}`,
    );
  return found;
};
const actionOf = (entry: MenuItemModel): TrayAction => {
  if (entry.kind !== 'item' || !entry.action) throw new Error(`${entry.id} has no action`);
  return entry.action;
};
const lookup = (role: { accountId: string }) => ({ [PROD]: 'prod', [SHARED]: 'shared' })[role.accountId];

describe('chained roles in the tray', () => {
  it('pinned, recent and active like any role, each with its own countdown, copying and opening it by name', async () => {
    const deps = { api: h.core.api, showWindow: vi.fn(), showPreferences: vi.fn(), quit: vi.fn(), reportError: vi.fn() };
    await h.core.api['favorites:toggle'](parseRequest('favorites:toggle', { chainedRole: 'deployer' }));

    // Pinned before it was ever used: no countdown yet.
    let menu = buildTrayMenu(h.core.snapshot(), emu.clock.now(), lookup);
    const pinned = byId(menu, 'pinned:chained/deployer');
    expect(pinned).toMatchObject({ kind: 'submenu', label: 'shared · Deployer (chained: deployer)' });

    // The source role's credentials were fetched ten minutes before the chain assumed its own.
    await h.core.api['credentials:copy']({ role: { instanceId: h.instanceId, accountId: PROD, roleName: 'AdministratorAccess' } });
    emu.clock.advance(10 * 60_000);

    // Its "Copy credentials" item copies the chained role, onto this process's clipboard.
    await dispatchTrayAction(actionOf(byId(menu, 'pinned:chained/deployer:copy')), deps);
    expect(deps.reportError).not.toHaveBeenCalled();
    expect(h.clipboard.at(-1)).toMatch(/AWS_ACCESS_KEY_ID='?ASIA/);

    menu = buildTrayMenu(h.core.snapshot(), emu.clock.now(), lookup);
    // STS gives whole seconds: just under the chained hour.
    expect(byId(menu, 'pinned:chained/deployer')).toMatchObject({ label: 'shared · Deployer (chained: deployer) — 59m' });
    // The active entry is the chained role's own (the source role's credentials have theirs).
    const active = byId(menu, 'active:chained/deployer');
    expect(active).toMatchObject({ label: 'shared · Deployer (chained: deployer) — 59m' });
    expect(actionOf(active)).toEqual({
      type: 'copy',
      role: { instanceId: h.instanceId, accountId: SHARED, roleName: 'Deployer' },
      chainedRole: 'deployer',
    });
    expect(byId(menu, `active:${h.instanceId}/${PROD}/AdministratorAccess`)).toMatchObject({ label: 'prod · AdministratorAccess — 49m' });

    // Twenty minutes on, the countdown reads the chained session's own time left.
    emu.clock.advance(20 * 60_000);
    menu = buildTrayMenu(h.core.snapshot(), emu.clock.now(), lookup);
    expect(byId(menu, 'active:chained/deployer')).toMatchObject({ label: 'shared · Deployer (chained: deployer) — 39m' });

    // Unpinned, it is recent (it was used), and its console opens as the chained role.
    await h.core.api['favorites:toggle']({ chainedRole: 'deployer' });
    menu = buildTrayMenu(h.core.snapshot(), emu.clock.now(), lookup);
    expect(flatten(menu).some((entry) => entry.id.startsWith('pinned:chained/'))).toBe(false);
    await dispatchTrayAction(actionOf(byId(menu, 'recent:chained/deployer:console')), deps);
    expect(deps.reportError).not.toHaveBeenCalled();
    const html = await (await fetch(h.opened.at(-1)!)).text();
    expect(html).toContain(`id="account-id">${SHARED}<`);
    expect(html).toContain('id="role-name">Deployer<');

    // Removed, it leaves every section.
    await h.core.api['chained-roles:remove']({ name: 'deployer' });
    menu = buildTrayMenu(h.core.snapshot(), emu.clock.now(), lookup);
    expect(flatten(menu).some((entry) => entry.id.includes('chained/deployer') && !entry.id.startsWith('active:'))).toBe(false);
  });
});
