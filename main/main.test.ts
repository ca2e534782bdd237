import { afterAll, describe, expect, it, vi } from 'vitest';
import { requestChannels } from '../app/ipc/contract';
import type { FakeElectron, FakeWebContents } from './testing/fake-electron';

// The whole main process wired against the Electron fake and the real core: the pieces are
// unit-tested elsewhere; this checks main.ts puts them together as intended.
const fake = await vi.hoisted(async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/rolecall-main-`);
  process.env.ROLECALL_HOME = `${dir}/rolecall`;
  process.env.HOME = `${dir}/home`;
  process.env.AWS_CONFIG_FILE = `${dir}/home/.aws/config`;
  // electron-store loads the real `electron` package, which needs a dist path to resolve here.
  process.env.ELECTRON_OVERRIDE_DIST_PATH = '/nonexistent-electron-dist';
  process.env.ROLECALL_DEMO_INSTANCE = JSON.stringify({
    startUrl: 'http://127.0.0.1:9/start',
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    label: 'Demo',
  });
  delete process.env.ROLECALL_SECRET_STORAGE;
  return { electron: undefined as unknown as FakeElectron, dir };
});

vi.mock('electron', async () => {
  const { createFakeElectron } = await import('./testing/fake-electron');
  fake.electron = createFakeElectron();
  return fake.electron;
});

await import('./main');
const electron = fake.electron;
await vi.waitFor(() => expect(electron.Tray.all).toHaveLength(1), { timeout: 10_000 });
const window = electron.BrowserWindow.all[0]!;
const contents = window.webContents as FakeWebContents;

afterAll(() => {
  electron.app.emit('before-quit');
  electron.app.emit('will-quit');
});

describe('main process', () => {
  it('registers the app scheme before ready and serves the renderer through it', () => {
    expect(electron.protocol.privileged).toEqual([
      { scheme: 'rolecall', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(electron.protocol.handlers.has('rolecall')).toBe(true);
    expect(electron.session.defaultSession.headersListener).not.toBeNull();
  });

  it('creates one hidden, sandboxed window on the app page, locked down by the global hook', () => {
    expect(electron.BrowserWindow.all).toHaveLength(1);
    expect(window.visible).toBe(false);
    expect(window.loaded).toBe('rolecall://app/index.html');
    expect(window.options).toMatchObject({ webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false } });
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.navigate('will-navigate', 'https://evil.example/')).toBe(true);
  });

  it('answers the window over IPC and nobody else, with the demo instance added', async () => {
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual([...requestChannels].sort());
    const result = (await electron.ipcMain.invoke('state:get', undefined, contents)) as {
      ok: boolean;
      value: { instances: { label: string }[] };
    };
    expect(result.ok).toBe(true);
    expect(result.value.instances.map((instance) => instance.label)).toEqual(['Demo']);
    const stranger = new (contents.constructor as new () => FakeWebContents)();
    stranger.url = 'rolecall://app/index.html';
    expect(await electron.ipcMain.invoke('state:get', undefined, stranger)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('shows the tray in the signed-out state with a menu to sign in', () => {
    const tray = electron.Tray.all[0]!;
    expect(tray.tooltip).toBe('Rolecall — signed out');
    expect((tray.image as { path: string }).path).toMatch(/assets\/tray-signed-out(Template)?\.png$/);
    const ids = ((tray.menu as { template: { id: string }[] }).template ?? []).map((item) => item.id);
    expect(ids).toContain('quit');
    expect(ids.some((id) => id.startsWith('sign-in:'))).toBe(true);
  });

  it('hides instead of closing, and a second launch shows the window', () => {
    let prevented = false;
    window.emit('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    electron.app.emit('second-instance');
    expect(window.visible).toBe(true);
  });

  it('pushes state changes to the window once it has asked for state', async () => {
    const before = contents.sent.length;
    await electron.ipcMain.invoke('preferences:update', { notificationLeadMinutes: 30 }, contents);
    await vi.waitFor(() => expect(contents.sent.length).toBeGreaterThan(before));
    expect(contents.sent.at(-1)).toMatchObject({ channel: 'state:changed', payload: { preferences: { notificationLeadMinutes: 30 } } });
  });

  it('registers the global shortcut from preferences and opens the quick switcher with it', async () => {
    await electron.ipcMain.invoke('preferences:update', { globalShortcut: 'CommandOrControl+Shift+R' }, contents);
    await vi.waitFor(() => expect(electron.globalShortcut.registered.has('CommandOrControl+Shift+R')).toBe(true));
    electron.globalShortcut.registered.get('CommandOrControl+Shift+R')!();
    expect(contents.sent.at(-1)).toEqual({ channel: 'quick-switcher:open', payload: undefined });
  });

  it("the tray's Preferences… shows the window and asks the page for the preferences (view:open)", async () => {
    window.hide();
    // A fresh state change rebuilds the tray menu; take the newest one.
    const tray = electron.Tray.all[0]!;
    const template = (tray.menu as { template: { id: string; click?: () => void }[] }).template;
    const item = template.find((entry) => entry.id === 'preferences');
    expect(item?.click).toBeTypeOf('function');
    item!.click!();
    await vi.waitFor(() => expect(contents.sent.at(-1)).toEqual({ channel: 'view:open', payload: { view: 'preferences' } }));
    expect(window.visible).toBe(true);
  });

  it('is the session owner: CLI processes reach its core over the agent socket', async () => {
    const { connectToOwner } = await import('../app/agent/agent-client');
    const configDir = process.env.ROLECALL_HOME!;
    let client: Awaited<ReturnType<typeof connectToOwner>>;
    await vi.waitFor(async () => {
      client = await connectToOwner(configDir);
      expect(client).toBeDefined();
    });
    expect(client!.pid).toBe(process.pid);
    expect(client!.instances().map((instance) => instance.label)).toEqual(['Demo']);
    expect(client!.snapshot().instances.map((instance) => instance.label)).toEqual(['Demo']);
    await client!.stop();
  });

  it('applies launch at login when it is switched on', async () => {
    await electron.ipcMain.invoke('preferences:update', { launchAtLogin: true }, contents);
    await vi.waitFor(() => expect(electron.app.loginItems).toContainEqual({ openAtLogin: true }));
  });
});
