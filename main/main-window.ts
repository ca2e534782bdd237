import type { BrowserWindow } from 'electron';
import type { TrustedSenders } from './ipc/trusted-senders';

export interface MainWindowDeps {
  readonly create: () => BrowserWindow;
  readonly url: string;
  readonly senders: TrustedSenders;
  /** Closing the window hides it, except while the app quits. */
  readonly isQuitting: () => boolean;
  readonly log: { warn(message: string): void };
}

/**
 * The one main window: created hidden at start (so the renderer is warm when the tray
 * opens it), trusted for IPC while it lives, hidden rather than closed, recreated if it
 * was destroyed.
 */
export const createMainWindowController = (deps: MainWindowDeps) => {
  let window: BrowserWindow | undefined;

  const ensure = (): BrowserWindow => {
    if (window && !window.isDestroyed()) return window;
    const created = deps.create();
    const contents = created.webContents;
    deps.senders.trust(contents);
    // A reload starts a new page that must ask for state before it gets events.
    contents.on('did-start-loading', () => deps.senders.markNotReady(contents.id));
    contents.on('render-process-gone', (_event, details) => deps.log.warn(`Renderer stopped (${details.reason}).`));
    created.on('close', (event) => {
      if (deps.isQuitting()) return;
      event.preventDefault();
      created.hide();
    });
    void created.loadURL(deps.url).catch((error: unknown) => deps.log.warn(`Could not load the window: ${(error as Error).message}`));
    window = created;
    return created;
  };

  return {
    ensure,
    show(): BrowserWindow {
      const shown = ensure();
      if (shown.isMinimized()) shown.restore();
      shown.show();
      shown.focus();
      return shown;
    },
    toggle(): void {
      const current = ensure();
      if (current.isVisible() && current.isFocused()) current.hide();
      else this.show();
    },
  };
};
