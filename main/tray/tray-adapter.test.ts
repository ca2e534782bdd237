import { afterEach, describe, expect, it, vi } from 'vitest';
import { requestChannels } from '../../app/ipc/contract';
import type { RolecallApi } from '../../app/ipc/contract';
import { RolecallError } from '../../app/model/errors';
import type { AppSnapshot } from '../../app/model/snapshot';
import { emptySnapshot, instanceView } from '../../app/model/test-support/snapshot-fixture';
import { DirectoryNames } from './directory-names';
import { toMenuTemplate } from './menu-template';
import { dispatchTrayAction } from './tray-actions';
import { createTrayController } from './tray-controller';
import { trayIconPath } from './tray-icons';
import type { TrayAction } from './tray-menu';

const role = { instanceId: 'acme', accountId: '111122223333', roleName: 'Developer' };

const recordingApi = () => {
  const calls: { channel: string; payload: unknown }[] = [];
  const api = Object.fromEntries(
    requestChannels.map((channel) => [channel, async (payload: unknown) => void calls.push({ channel, payload })]),
  ) as unknown as RolecallApi;
  return { api, calls };
};

describe('dispatchTrayAction', () => {
  it.each<[TrayAction, string, unknown]>([
    [{ type: 'sign-in', instanceId: 'acme' }, 'session:sign-in', { instanceId: 'acme', flow: 'device' }],
    [{ type: 'sign-out', instanceId: 'acme' }, 'session:sign-out', { instanceId: 'acme' }],
    [{ type: 'open-verification', instanceId: 'acme' }, 'session:open-verification', { instanceId: 'acme' }],
    [{ type: 'cancel-sign-in', instanceId: 'acme' }, 'session:cancel-sign-in', { instanceId: 'acme' }],
    [{ type: 'copy', role, format: 'fish' }, 'credentials:copy', { role, format: 'fish' }],
    [{ type: 'copy', role }, 'credentials:copy', { role }],
    [{ type: 'open-console', role }, 'console:open', { role }],
    [{ type: 'refresh' }, 'directory:refresh', {}],
  ])('%j calls %s', async (action, channel, payload) => {
    const { api, calls } = recordingApi();
    await dispatchTrayAction(action, { api, showWindow: vi.fn(), showPreferences: vi.fn(), quit: vi.fn(), reportError: vi.fn() });
    expect(calls).toEqual([{ channel, payload }]);
  });

  it('handles window and app actions without the core', async () => {
    const { api, calls } = recordingApi();
    const deps = { api, showWindow: vi.fn(), showPreferences: vi.fn(), quit: vi.fn(), reportError: vi.fn() };
    await dispatchTrayAction({ type: 'open-window' }, deps);
    await dispatchTrayAction({ type: 'preferences' }, deps);
    await dispatchTrayAction({ type: 'quit' }, deps);
    expect([deps.showWindow.mock.calls.length, deps.showPreferences.mock.calls.length, deps.quit.mock.calls.length]).toEqual([1, 1, 1]);
    expect(calls).toEqual([]);
  });

  it('reports a failed action in one sentence instead of throwing', async () => {
    const { api } = recordingApi();
    api['credentials:copy'] = async () => {
      throw new RolecallError('not-assigned', 'That role is no longer assigned to you.');
    };
    const reportError = vi.fn();
    await dispatchTrayAction({ type: 'copy', role }, { api, showWindow: vi.fn(), showPreferences: vi.fn(), quit: vi.fn(), reportError });
    expect(reportError).toHaveBeenCalledWith('That role is no longer assigned to you.');
  });
});

describe('toMenuTemplate', () => {
  it('keeps ids and dispatches the typed action on click', () => {
    const dispatched: TrayAction[] = [];
    const template = toMenuTemplate(
      [
        { kind: 'item', id: 'status:acme', label: 'Acme: signed out', enabled: false },
        { kind: 'separator', id: 'separator:x' },
        {
          kind: 'submenu',
          id: 'pinned:k',
          label: 'dev · Developer',
          items: [{ kind: 'item', id: 'pinned:k:copy', label: 'Copy', enabled: true, action: { type: 'copy', role } }],
        },
      ],
      (action) => dispatched.push(action),
    );
    expect(template.map((entry) => entry.id)).toEqual(['status:acme', 'separator:x', 'pinned:k']);
    expect(template[0]).toEqual({ id: 'status:acme', label: 'Acme: signed out', enabled: false });
    const sub = template[2]!.submenu as { click: () => void; id: string }[];
    sub[0]!.click();
    expect(dispatched).toEqual([{ type: 'copy', role }]);
  });
});

describe('DirectoryNames', () => {
  it('resolves account names per instance and forgets a removed directory', () => {
    const names = new DirectoryNames();
    names.update('acme', {
      instanceId: 'acme',
      syncedAt: 1,
      accounts: [{ accountId: '111122223333', accountName: 'dev-sandbox', emailAddress: 'a@b.c', roles: ['Developer'] }],
    });
    expect(names.lookup(role)).toBe('dev-sandbox');
    expect(names.lookup({ ...role, instanceId: 'beta' })).toBeUndefined();
    names.update('acme', null);
    expect(names.lookup(role)).toBeUndefined();
  });
});

describe('createTrayController', () => {
  afterEach(() => vi.useRealTimers());

  const fakeTray = () => ({
    images: [] as unknown[],
    tooltips: [] as string[],
    titles: [] as string[],
    menus: [] as unknown[],
    handlers: new Map<string, () => void>(),
    setImage(image: unknown) {
      this.images.push(image);
    },
    setToolTip(text: string) {
      this.tooltips.push(text);
    },
    setTitle(text: string) {
      this.titles.push(text);
    },
    setContextMenu(menu: unknown) {
      this.menus.push(menu);
    },
    on(event: string, handler: () => void) {
      this.handlers.set(event, handler);
      return this;
    },
    destroy: vi.fn(),
  });

  it('renders icon, tooltip, macOS title and menu, and ticks the countdown', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const now = Date.now();
    let snapshot: AppSnapshot = emptySnapshot({
      instances: [instanceView('acme', { status: 'signed-in', expiresAt: now + 16 * 60_000 + 30_000 })],
    });
    const tray = fakeTray();
    const templates: unknown[] = [];
    const onClick = vi.fn();
    const controller = createTrayController({
      tray: tray as never,
      buildMenu: (template) => (templates.push(template), { template }) as never,
      loadImage: (path) => {
        const image = { path, template: false, setTemplateImage: (flag: boolean) => void (image.template = flag) };
        return image as never;
      },
      assetsDir: '/assets',
      platform: 'darwin',
      snapshot: () => snapshot,
      now: () => Date.now(),
      lookup: () => undefined,
      dispatch: vi.fn(),
      onClick,
    });
    controller.render();
    expect(tray.images).toMatchObject([{ path: '/assets/tray-signed-inTemplate.png', template: true }]);
    expect(tray.titles).toEqual(['16m']);
    expect(tray.tooltips).toEqual(['Rolecall — signed in · 16m']);
    expect(templates).toHaveLength(1);

    // Just past 30 s the minute shown changes; 60 s later the session enters the 15-minute lead time.
    vi.advanceTimersByTime(30_001 + 15);
    expect(tray.titles.at(-1)).toBe('15m');
    expect(tray.images).toHaveLength(1);
    vi.advanceTimersByTime(60_000);
    expect(tray.images.at(-1)).toMatchObject({ path: '/assets/tray-expiringTemplate.png', template: true });

    // Bursts of state changes become one rebuild.
    snapshot = emptySnapshot();
    const before = templates.length;
    controller.scheduleRender();
    controller.scheduleRender();
    vi.advanceTimersByTime(100);
    expect(templates.length).toBe(before + 1);
    expect(tray.titles.at(-1)).toBe('');

    tray.handlers.get('click')!();
    expect(onClick).toHaveBeenCalledOnce();
    controller.dispose();
    expect(tray.destroy).toHaveBeenCalledOnce();
  });

  it('uses coloured icons and no title off macOS', () => {
    expect(trayIconPath('/assets', 'error', 'linux')).toBe('/assets/tray-error.png');
    expect(trayIconPath('/assets', 'error', 'win32')).toBe('/assets/tray-error.png');
    expect(trayIconPath('/assets', 'error', 'darwin')).toBe('/assets/tray-errorTemplate.png');
  });
});
