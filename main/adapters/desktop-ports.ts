import open from 'open';
import type { Clipboard, Notification, Notifier, Opener } from '../../app/ports/desktop';
import { RolecallError } from '../../app/model/errors';
import { browserApp } from '../../app/console/browser-app';
import type { ConsoleBrowser } from '../../app/model/settings';

/** The Electron modules the desktop ports adapt, injected so tests can use the fake. */
export interface DesktopElectron {
  /** Electron 45's clipboard is asynchronous (W3C-style). */
  readonly clipboard: { writeText(text: string): Promise<void>; readText(): Promise<string> };
  readonly shell: { openExternal(url: string): Promise<void> };
  readonly Notification: {
    isSupported(): boolean;
    new (options: { title: string; body: string; silent?: boolean }): { on(event: 'click', listener: () => void): unknown; show(): void };
  };
}

export const createClipboard = (electron: Pick<DesktopElectron, 'clipboard'>, log: { warn(message: string): void }): Clipboard => ({
  writeText: (text) => {
    // The port's write is fire-and-forget; a failure is logged (never the text) rather than left unhandled.
    electron.clipboard.writeText(text).catch(() => log.warn('Could not write to the clipboard.'));
  },
  readText: () => electron.clipboard.readText(),
});

/** Notifications that run the core's callback on click; a system without them is not an error. */
export const createNotifier = (electron: Pick<DesktopElectron, 'Notification'>, log: { warn(message: string): void }): Notifier => {
  // Electron drops a notification that nothing references before it is clicked.
  const live = new Set<object>();
  return {
    notify(notification: Notification): void {
      if (!electron.Notification.isSupported()) {
        log.warn(`Notifications are not supported here; not shown: ${notification.title}`);
        return;
      }
      const shown = new electron.Notification({ title: notification.title, body: notification.body });
      live.add(shown);
      shown.on('click', () => {
        live.delete(shown);
        notification.onClick?.();
      });
      shown.show();
      // Forget it eventually even if never clicked.
      setTimeout(() => live.delete(shown), 10 * 60_000).unref?.();
    },
  };
};

/** Opens URLs in the OS browser, but only those the allowlist accepts. */
export const createOpener = (
  electron: Pick<DesktopElectron, 'shell'>,
  isAllowed: (url: string) => boolean,
  log: { warn(message: string): void },
): Opener => ({
  async openExternal(url: string, options?: { readonly browser?: ConsoleBrowser | null }): Promise<void> {
    if (!isAllowed(url)) {
      let host = 'an invalid URL';
      try {
        host = new URL(url).host || new URL(url).protocol;
      } catch {
        // keep the placeholder
      }
      // The host only: query strings can hold sign-in tokens.
      log.warn(`Refused to open ${host} in the browser.`);
      throw new RolecallError('invalid-request', 'Rolecall only opens AWS sign-in, portal and console pages in your browser.');
    }
    if (options?.browser) {
      // A chosen browser (the console-browser preference): the `open` package starts it by name.
      const child = await open(url, { app: { name: browserApp(options.browser) } });
      await new Promise<void>((resolve, reject) => {
        child.once('error', () =>
          reject(
            new RolecallError(
              'invalid-input',
              `Could not start the browser "${options.browser}"; check the console browser in Preferences.`,
            ),
          ),
        );
        child.once('spawn', () => resolve());
      });
      return;
    }
    await electron.shell.openExternal(url);
  },
});
