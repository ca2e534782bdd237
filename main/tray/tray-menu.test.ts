import { describe, expect, it } from 'vitest';
import { copyFormats } from '../../app/model/settings';
import type { RoleRef } from '../../app/model/roles';
import { emptySnapshot, instanceView } from '../../app/model/test-support/snapshot-fixture';
import { buildTrayMenu, TRAY_RECENT_LIMIT } from './tray-menu';
import type { MenuItemModel } from './tray-menu';

const now = 1_700_000_000_000;
const dev: RoleRef = { instanceId: 'acme', accountId: '111122223333', roleName: 'Developer' };
const admin: RoleRef = { instanceId: 'acme', accountId: '444455556666', roleName: 'AdministratorAccess' };
const names: Record<string, string> = { '111122223333': 'dev-sandbox', '444455556666': 'prod' };
const lookup = (role: RoleRef) => names[role.accountId];

const flatten = (items: readonly MenuItemModel[]): MenuItemModel[] =>
  items.flatMap((entry) => (entry.kind === 'submenu' ? [entry, ...flatten(entry.items)] : [entry]));
const find = (items: readonly MenuItemModel[], id: string) => flatten(items).find((entry) => entry.id === id);
const labelOf = (items: readonly MenuItemModel[], id: string) => {
  const entry = find(items, id);
  return entry && entry.kind !== 'separator' ? entry.label : undefined;
};

const signedIn = emptySnapshot({
  instances: [instanceView('acme', { status: 'signed-in', expiresAt: now + 7 * 3_600_000 + 12 * 60_000 + 5_000 }, 'Acme')],
  favorites: [dev],
  recents: [admin, dev],
  activeCredentials: [{ role: dev, accountName: 'dev-sandbox', expiresAt: now + 47 * 60_000 + 30_000 }],
});

describe('buildTrayMenu', () => {
  it('offers to add an instance when there is none, and always ends with Open, Refresh, Preferences, Quit', () => {
    const menu = buildTrayMenu(emptySnapshot(), now);
    expect(menu.map((entry) => entry.id)).toEqual([
      'no-instance',
      'separator:open-window',
      'open-window',
      'refresh',
      'preferences',
      'separator:quit',
      'quit',
    ]);
    expect(find(menu, 'refresh')).toMatchObject({ enabled: false });
    expect(find(menu, 'quit')).toMatchObject({ action: { type: 'quit' } });
    expect(find(menu, 'no-instance')).toMatchObject({ action: { type: 'open-window' } });
  });

  it('shows each session with its countdown and the matching sign-in or sign-out', () => {
    const menu = buildTrayMenu(signedIn, now, lookup);
    expect(labelOf(menu, 'status:acme')).toBe('Acme: signed in · 7h 12m left');
    expect(find(menu, 'sign-out:acme')).toMatchObject({ label: 'Sign out', action: { type: 'sign-out', instanceId: 'acme' } });
    expect(find(menu, 'sign-in:acme')).toBeUndefined();

    const signedOut = buildTrayMenu(emptySnapshot({ instances: [instanceView('acme'), instanceView('beta')] }), now);
    expect(find(signedOut, 'sign-in:beta')).toMatchObject({ label: 'Sign in beta…', action: { type: 'sign-in', instanceId: 'beta' } });
  });

  it('reads a snapshot whose session ran past its expiry as ended: no "signed in · expired left", no Sign out', () => {
    const stale = emptySnapshot({ instances: [instanceView('acme', { status: 'signed-in', expiresAt: now - 1 }, 'Acme')] });
    const menu = buildTrayMenu(stale, now, lookup);
    expect(labelOf(menu, 'status:acme')).toBe('Acme: session ended');
    expect(find(menu, 'sign-out:acme')).toBeUndefined();
    expect(find(menu, 'sign-in:acme')).toMatchObject({ action: { type: 'sign-in', instanceId: 'acme' } });
    expect(find(menu, 'refresh')).toMatchObject({ enabled: false });
  });

  it('shows the user code while signing in, with a way to cancel', () => {
    const snapshot = emptySnapshot({
      instances: [
        instanceView(
          'acme',
          { status: 'signing-in', signIn: { flow: 'device', stage: 'polling', userCode: 'WXYZ-1234', expiresAt: now + 9 * 60_000 } },
          'Acme',
        ),
      ],
    });
    const menu = buildTrayMenu(snapshot, now);
    expect(labelOf(menu, 'status:acme')).toBe('Acme: signing in · code valid 9m');
    expect(find(menu, 'enter-code:acme')).toMatchObject({
      label: 'Enter code WXYZ-1234 in the browser…',
      action: { type: 'open-verification' },
    });
    expect(find(menu, 'cancel-sign-in:acme')).toMatchObject({ action: { type: 'cancel-sign-in', instanceId: 'acme' } });
  });

  it('lists pinned roles with countdown and a submenu of every copy format and the console', () => {
    const menu = buildTrayMenu(signedIn, now, lookup);
    const pinnedId = 'pinned:acme/111122223333/Developer';
    const pinned = find(menu, pinnedId);
    expect(pinned).toMatchObject({ kind: 'submenu', label: 'dev-sandbox · Developer — 47m' });
    expect(find(menu, `${pinnedId}:copy`)).toMatchObject({ action: { type: 'copy', role: dev, format: 'posix' } });
    for (const format of copyFormats) {
      expect(find(menu, `${pinnedId}:copy-as:${format}`)).toMatchObject({ action: { type: 'copy', role: dev, format } });
    }
    expect(find(menu, `${pinnedId}:console`)).toMatchObject({ action: { type: 'open-console', role: dev } });
  });

  it("labels a role with the user's alias for its account when there is one", () => {
    const menu = buildTrayMenu({ ...signedIn, aliases: { 'acme/111122223333': 'sandbox' } }, now, lookup);
    expect(labelOf(menu, 'pinned:acme/111122223333/Developer')).toBe('sandbox · Developer — 47m');
    expect(labelOf(buildTrayMenu(signedIn, now, lookup), 'pinned:acme/111122223333/Developer')).toBe('dev-sandbox · Developer — 47m');
  });

  it('lists recent roles not already pinned, capped', () => {
    const menu = buildTrayMenu(signedIn, now, lookup);
    expect(find(menu, 'recent:acme/444455556666/AdministratorAccess')).toMatchObject({ label: 'prod · AdministratorAccess' });
    expect(find(menu, 'recent:acme/111122223333/Developer')).toBeUndefined();

    const many = Array.from({ length: 9 }, (_, index) => ({ ...admin, roleName: `Role${index}` }));
    const capped = buildTrayMenu(emptySnapshot({ recents: many }), now).filter((entry) => entry.id.startsWith('recent:'));
    expect(capped).toHaveLength(TRAY_RECENT_LIMIT);
  });

  it('lists live credentials with countdowns, falling back to the account id without a directory', () => {
    const menu = buildTrayMenu(signedIn, now);
    expect(find(menu, 'active:acme/111122223333/Developer')).toMatchObject({
      label: 'dev-sandbox · Developer — 47m',
      action: { type: 'copy', role: dev },
    });
    expect(labelOf(menu, 'recent:acme/444455556666/AdministratorAccess')).toBe('444455556666 · AdministratorAccess');
    const later = buildTrayMenu(signedIn, now + 48 * 60_000);
    expect(find(later, 'active:acme/111122223333/Developer')).toBeUndefined();
  });

  it('keeps ids stable and unique across rebuilds', () => {
    const first = flatten(buildTrayMenu(signedIn, now, lookup)).map((entry) => entry.id);
    const second = flatten(buildTrayMenu(signedIn, now + 61_000, lookup)).map((entry) => entry.id);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });
});
