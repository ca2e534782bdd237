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
import { parseRequest } from '../app/ipc/contract';
import { systemClock } from '../app/ports/clock';
import type { Preferences } from '../app/model/settings';
import { createRolecallCore } from '../app/session/controller';
import type { RolecallController } from '../app/session/controller';
import type { SessionSource } from '../app/ports/session-source';
import { resolveConfigDir } from '../app/storage/config-dir';
import { createClipboard, createNotifier, createOpener } from './adapters/desktop-ports';
import { electronStorePath, openElectronStore } from './adapters/electron-stores';
import { SafeStorageSecretStore } from './adapters/safe-storage-secret-store';
import { ElectronSettingsStore } from './adapters/settings-store';
import { APP_INDEX_URL, handleAppProtocol, installCspHeader, isAppUrl, registerAppScheme } from './app-protocol';
import { resolveAppPaths, secretStorageModeFromEnv } from './app-paths';
import { applicationMenuTemplate } from './application-menu';
import { launcherPath } from './cli-install';
import { installCliCommand } from './cli-install-run';
import { applyDesktopPreferences } from './desktop-preferences';
import { openDesktopSession } from './desktop-session';
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
let core: SessionSource | undefined;

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
  const desktopClipboard = createClipboard({ clipboard }, log);
  // Built only when this process owns the sessions (now, or after the owner it deferred to exits).
  const openCore = async (): Promise<RolecallController> => {
    const secrets = new SafeStorageSecretStore({
      safeStorage,
      store: openElectronStore(configDir, 'secrets-safe-storage'),
      platform: process.platform,
      mode: secretStorageModeFromEnv(process.env.ROLECALL_SECRET_STORAGE),
      log,
    });
    const own = createRolecallCore(
      {
        settings,
        secrets,
        secretStorage: secrets.status,
        clipboard: desktopClipboard,
        notifier,
        opener,
        clock: systemClock,
        cacheDir: join(configDir, 'cache'),
        env: process.env,
        shell: 'desktop',
      },
      { autoSync: true, watchExpiry: true, openVerification: true },
    );
    await own.start();
    return own;
  };
  // Set once the tray and window are wired: a take-over before then needs no extra work.
  let started = false;
  const desktop = await openDesktopSession({
    configDir,
    openCore,
    clipboard: desktopClipboard,
    opener,
    clock: systemClock,
    notifier,
    version: app.getVersion(),
    log: (line) => log.info(line),
    onRoleChanged: (role) => {
      // A new source (the app's own core after a take-over): its directories are new too.
      if (role.kind !== 'client' && started) for (const instance of controller.snapshot().instances) refreshNames(instance.id);
    },
  });
  const controller = desktop.source;
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
  const installCommand = () =>
    void (
      app.isPackaged
        ? installCliCommand({ platform: process.platform, launcher: launcherPath(process.platform, process.resourcesPath) })
        : Promise.resolve({ ok: false, message: 'Only the installed app ships the rolecall command; in a checkout run npm link.' })
    ).then((outcome) => notifier.notify({ title: 'Rolecall command', body: outcome.message }));
  const menuTemplate = applicationMenuTemplate(process.platform, { openPreferences, installCommand });
  Menu.setApplicationMenu(menuTemplate ? Menu.buildFromTemplate(menuTemplate) : null);
  app.on('second-instance', () => mainWindow.show());
  app.on('activate', () => mainWindow.show());

  await addDemoInstance(controller);

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
  started = true;
  applyPreferences(controller.snapshot().preferences);
  trayController.render();
  mainWindow.ensure();

  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', () => {
    globalShortcut.unregisterAll();
    trayController.dispose();
    void desktop.close();
  });
};

/** `npm run demo` hands the emulator's instance in ROLECALL_DEMO_INSTANCE; add it once. */
const addDemoInstance = async (controller: SessionSource): Promise<void> => {
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
