import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  clipboard,
  globalShortcut,
  Menu,
  nativeImage,
  Notification,
  protocol,
  safeStorage,
  session,
  shell,
  Tray,
} from 'electron';
import { startOwner } from '../app/agent/agent-server';
import type { OwnerStart } from '../app/agent/agent-server';
import { parseRequest } from '../app/ipc/contract';
import { systemClock } from '../app/ports/clock';
import type { Preferences } from '../app/model/settings';
import { createRolecallCore } from '../app/session/controller';
import type { RolecallController } from '../app/session/controller';
import { resolveConfigDir } from '../app/storage/config-dir';
import { createClipboard, createNotifier, createOpener } from './adapters/desktop-ports';
import { electronStorePath, openElectronStore } from './adapters/electron-stores';
import { SafeStorageSecretStore } from './adapters/safe-storage-secret-store';
import { ElectronSettingsStore } from './adapters/settings-store';
import { APP_INDEX_URL, handleAppProtocol, installCspHeader, isAppUrl, registerAppScheme } from './app-protocol';
import { resolveAppPaths, secretStorageModeFromEnv } from './app-paths';
import { applicationMenuTemplate } from './application-menu';
import { applyDesktopPreferences } from './desktop-preferences';
import { forwardCoreEvents } from './ipc/core-events';
import { installIpcHandlers } from './ipc/electron-ipc';
import { TrustedSenders } from './ipc/trusted-senders';
import { createLog } from './log';
import { createMainWindowController } from './main-window';
import { DirectoryNames } from './tray/directory-names';
import { dispatchTrayAction } from './tray/tray-actions';
import { createTrayController } from './tray/tray-controller';
import { trayIconPath } from './tray/tray-icons';
import { isAllowedExternalUrl } from './url-allowlist';
import { installWebContentsSecurity } from './web-contents-security';
import { getMainWindowOptions } from './window-options';

const log = createLog();
// The bundle is <root>/dist/main/main.cjs.
const paths = resolveAppPaths(join(__dirname, '..', '..'), process.resourcesPath, app.isPackaged);
let quitting = false;
let core: RolecallController | undefined;

// Before `ready`: the renderer's scheme and the lock-down of every future webContents.
registerAppScheme(protocol);
const configuredInstances = () => {
  try {
    return core?.instances() ?? [];
  } catch {
    // Before the core has loaded settings only the fixed AWS hosts are allowed.
    return [];
  }
};
const allowExternal = (url: string): boolean => isAllowedExternalUrl(url, { instances: configuredInstances() });
const opener = createOpener({ shell }, allowExternal, log);
installWebContentsSecurity(app, {
  isAppUrl,
  isAllowedExternalUrl: allowExternal,
  openExternal: (url) => void opener.openExternal(url).catch(() => undefined),
  log,
});

const start = async (): Promise<void> => {
  await app.whenReady();
  if (process.platform === 'darwin') app.dock?.hide();
  handleAppProtocol(protocol, paths.rendererDir);
  installCspHeader(session.defaultSession);

  const notifier = createNotifier({ Notification }, log);
  const configDir = await resolveConfigDir(process.env);
  const settings = new ElectronSettingsStore({
    path: electronStorePath(configDir, 'settings'),
    open: () => openElectronStore(configDir, 'settings'),
    onCorrupt: (report) => {
      log.warn(`Settings file was corrupt (${report.reason}); moved to ${report.movedTo}.`);
      notifier.notify({ title: 'Rolecall settings were reset', body: report.message });
    },
  });
  const secrets = new SafeStorageSecretStore({
    safeStorage,
    store: openElectronStore(configDir, 'secrets-safe-storage'),
    platform: process.platform,
    mode: secretStorageModeFromEnv(process.env.ROLECALL_SECRET_STORAGE),
    log,
  });

  const controller = createRolecallCore(
    {
      settings,
      secrets,
      secretStorage: secrets.status,
      clipboard: createClipboard({ clipboard }, log),
      notifier,
      opener,
      clock: systemClock,
      cacheDir: join(configDir, 'cache'),
      env: process.env,
      shell: 'desktop',
    },
    { autoSync: true, watchExpiry: true, openVerification: true },
  );
  core = controller;

  const senders = new TrustedSenders();
  installIpcHandlers({
    api: controller.api,
    isTrustedSender: (id) => senders.isTrusted(id),
    isAppUrl,
    onRendererReady: (id) => senders.markReady(id),
    log,
  });
  forwardCoreEvents(controller, senders);

  const devTools = process.env.ROLECALL_DEVTOOLS === '1';
  const mainWindow = createMainWindowController({
    create: () => new BrowserWindow(getMainWindowOptions(paths.preload, { platform: process.platform, devTools })),
    url: APP_INDEX_URL,
    senders,
    isQuitting: () => quitting,
    log,
  });

  const openQuickSwitcher = () => {
    mainWindow.show();
    senders.broadcast('quick-switcher:open', undefined);
  };
  // The page may still be loading (the window is created hidden): TrustedSenders queues the
  // event until the renderer has asked for its first snapshot.
  const openPreferences = () => {
    mainWindow.show();
    senders.broadcast('view:open', { view: 'preferences' });
  };
  const menuTemplate = applicationMenuTemplate(process.platform, { openPreferences });
  Menu.setApplicationMenu(menuTemplate ? Menu.buildFromTemplate(menuTemplate) : null);
  app.on('second-instance', () => mainWindow.show());
  app.on('activate', () => mainWindow.show());

  await controller.start();
  await addDemoInstance(controller);
  // Not awaited: the tray need not wait for the socket.
  const owner = becomeSessionOwner(controller, configDir, notifier);

  const names = new DirectoryNames();
  const trayController = createTrayController({
    tray: new Tray(nativeImage.createFromPath(trayIconPath(paths.assetsDir, 'signed-out', process.platform))),
    buildMenu: (template) => Menu.buildFromTemplate(template),
    loadImage: (path) => nativeImage.createFromPath(path),
    assetsDir: paths.assetsDir,
    platform: process.platform,
    snapshot: () => controller.snapshot(),
    now: () => systemClock.now(),
    lookup: names.lookup,
    dispatch: (action) =>
      void dispatchTrayAction(action, {
        api: controller.api,
        showWindow: () => mainWindow.show(),
        showPreferences: openPreferences,
        quit: () => app.quit(),
        reportError: (message) => notifier.notify({ title: 'Rolecall', body: message }),
      }),
    onClick: () => {
      // macOS opens the menu on click; elsewhere a click is the quickest way to the window.
      if (process.platform !== 'darwin') mainWindow.toggle();
    },
  });

  let applied: Pick<Preferences, 'launchAtLogin' | 'globalShortcut'> | undefined;
  const applyPreferences = (preferences: Preferences) => {
    const problem = applyDesktopPreferences(
      applied,
      preferences,
      {
        setLaunchAtLogin: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled }),
        registerShortcut: (accelerator, onPress) => globalShortcut.register(accelerator, onPress),
        unregisterShortcuts: () => globalShortcut.unregisterAll(),
      },
      openQuickSwitcher,
    );
    applied = { launchAtLogin: preferences.launchAtLogin, globalShortcut: preferences.globalShortcut };
    if (problem) notifier.notify({ title: 'Rolecall shortcut', body: problem });
  };

  const refreshNames = (instanceId: string) =>
    void controller.api['directory:get']({ instanceId }).then(
      (view) => {
        names.update(instanceId, view);
        trayController.scheduleRender();
      },
      () => names.update(instanceId, null),
    );
  controller.subscribe((event) => {
    if (event.channel === 'state:changed') {
      applyPreferences(event.payload.preferences);
      trayController.scheduleRender();
    } else if (event.channel === 'directory:changed') refreshNames(event.payload.instanceId);
  });
  for (const instance of controller.snapshot().instances) refreshNames(instance.id);
  applyPreferences(controller.snapshot().preferences);
  trayController.render();
  mainWindow.ensure();

  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', () => {
    globalShortcut.unregisterAll();
    trayController.dispose();
    void owner.then((started) => (started?.status === 'owner' ? started.close() : undefined)).finally(() => void controller.stop());
  });
};

/**
 * The desktop app is the session owner while it runs: `rolecall` commands ask it over the
 * agent socket instead of refreshing on their own. When another owner (a `rolecall agent` or
 * `rolecall web` started first) holds the lock, the app keeps its own core, which the
 * cross-process locks keep safe; making main a client of that owner is left for later.
 */
const becomeSessionOwner = async (
  controller: RolecallController,
  configDir: string,
  notifier: ReturnType<typeof createNotifier>,
): Promise<OwnerStart<RolecallController> | undefined> => {
  try {
    const owner = await startOwner({
      configDir,
      openCore: async () => controller,
      notifier,
      version: app.getVersion(),
      log: (line) => log.info(line),
    });
    if (owner.status === 'deferred')
      log.info(`Another Rolecall owner${owner.pid ? ` (pid ${owner.pid})` : ''} serves this config dir; the app works alongside it.`);
    return owner;
  } catch (error) {
    log.warn(`Could not serve the agent socket: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
};

/** `npm run demo` hands the emulator's instance in ROLECALL_DEMO_INSTANCE; add it once. */
const addDemoInstance = async (controller: RolecallController): Promise<void> => {
  const raw = process.env.ROLECALL_DEMO_INSTANCE;
  if (!raw) return;
  try {
    const instance = parseRequest('instance:add', JSON.parse(raw));
    if (controller.instances().some((known) => known.startUrl === instance.startUrl)) return;
    await controller.api['instance:add'](instance);
  } catch (error) {
    log.warn(`Could not add the demo instance: ${error instanceof Error ? error.message : 'invalid value'}`);
  }
};

// A tray app keeps running with no window open.
app.on('window-all-closed', () => undefined);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start().catch((error: unknown) => {
    log.error(`Rolecall could not start: ${error instanceof Error ? error.message : String(error)}`);
    app.exit(1);
  });
}
