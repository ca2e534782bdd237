import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The main window's options, pure so the security settings are unit-tested.
 *
 * A normal, resizable window rather than a popover anchored to the tray:
 * tray geometry is unreliable on Linux (many panels report no bounds, some have no tray at
 * all), a popover that hides on blur loses the device code the user is copying into the
 * browser, and a 10,000-role directory deserves a window that can be resized and kept open
 * beside a terminal. The tray menu already is the "quick" surface.
 */
export interface WindowOptionsContext {
  readonly platform: NodeJS.Platform;
  /** DevTools are opt-in (ROLECALL_DEVTOOLS=1): a user talked into pasting into a console is an attack too. */
  readonly devTools: boolean;
}

export const getMainWindowOptions = (
  preloadPath: string,
  context: WindowOptionsContext = { platform: process.platform, devTools: false },
): BrowserWindowConstructorOptions => ({
  width: 900,
  height: 640,
  minWidth: 520,
  minHeight: 420,
  show: false,
  title: 'Rolecall',
  // Paints a neutral background before the renderer's first frame, so opening is not a white flash in dark mode.
  backgroundColor: '#1e1e1e',
  autoHideMenuBar: true,
  ...(context.platform === 'darwin' ? { titleBarStyle: 'default' as const } : {}),
  webPreferences: {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    disableDialogs: false,
    devTools: context.devTools,
  },
});
