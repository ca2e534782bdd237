import type { MenuItemConstructorOptions } from 'electron';

export interface ApplicationMenuActions {
  /** Shows the window on the preferences (the macOS convention, Cmd+,). */
  openPreferences(): void;
}

/**
 * macOS routes Cmd+C/V/X/A through the application menu: without an Edit menu the user
 * could not paste a start URL or copy a device code. The app menu is spelled out (not
 * default) only to put "Preferences…" (Cmd+,) where Mac users look for it. Elsewhere the
 * window needs no menu: the tray has Preferences.
 */
export const applicationMenuTemplate = (platform: NodeJS.Platform, actions: ApplicationMenuActions): MenuItemConstructorOptions[] | null =>
  platform === 'darwin'
    ? [
        {
          id: 'app',
          role: 'appMenu',
          submenu: [
            { role: 'about' },
            { type: 'separator' },
            { id: 'preferences', label: 'Preferences…', accelerator: 'Command+,', click: () => actions.openPreferences() },
            { type: 'separator' },
            { role: 'services' },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
        { role: 'editMenu' },
        { role: 'windowMenu' },
      ]
    : null;
