import type { ConsoleBrowser } from '../model/settings';
/** The side effects a shell provides to the core: each shell (Electron, web, CLI) adapts its own. */

export interface Clipboard {
  writeText(text: string): void;
  /** Electron's clipboard reads asynchronously; the CLI's and test doubles answer at once. */
  readText(): string | Promise<string>;
}

export interface Notification {
  readonly title: string;
  readonly body: string;
  /** What clicking the notification does; the shell calls it on click. */
  readonly onClick?: () => void;
}

export interface Notifier {
  notify(notification: Notification): void;
}

export interface Opener {
  /**
   * Opens an https URL (or the loopback emulator) in the user's browser; `browser` names a
   * specific one (the console-browser preference, e.g. "firefox"), else the default.
   */
  openExternal(url: string, options?: { readonly browser?: ConsoleBrowser | null }): Promise<void>;
}
