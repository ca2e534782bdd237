import type { MenuItemConstructorOptions } from 'electron';
import { offersCliInstall } from './cli-install';

export interface ApplicationMenuActions {
  /** Shows the window on the preferences (the macOS convention, Cmd+,). */
  openPreferences(): void;
  /** "Install the rolecall command" (as VS Code's "Install 'code' command in PATH"). */
  installCommand(): void;
}

/** Menu item ids: stable, so tests and the glue find the items. */
export const ApplicationMenuId = {
  app: 'app',
  preferences: 'preferences',
  installCommand: 'install-cli',
} as const;

const installItem = (platform: NodeJS.Platform, actions: ApplicationMenuActions): MenuItemConstructorOptions => ({
  id: ApplicationMenuId.installCommand,
  label: platform === 'win32' ? 'Add the rolecall command to PATH' : 'Install the rolecall command',
  click: () => actions.installCommand(),
});

/**
 * macOS routes Cmd+C/V/X/A through the application menu: without an Edit menu the user
 * could not paste a start URL or copy a device code. The app menu is spelled out (not
 * default) to put "Preferences…" (Cmd+,) where Mac users look for it, and "Install the
 * rolecall command". Windows gets one menu for that command (the window hides its menu bar
 * until Alt); Linux none: the package installs /usr/bin/rolecall and the tray has Preferences.
 */
export const applicationMenuTemplate = (
  platform: NodeJS.Platform,
  actions: ApplicationMenuActions,
): MenuItemConstructorOptions[] | null => {
  if (platform === 'darwin')
    return [
      {
        id: ApplicationMenuId.app,
        role: 'appMenu',
        submenu: [
          { role: 'about' },
          { type: 'separator' },
          { id: ApplicationMenuId.preferences, label: 'Preferences…', accelerator: 'Command+,', click: () => actions.openPreferences() },
          installItem(platform, actions),
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
    ];
  if (offersCliInstall(platform))
    return [
      {
        id: ApplicationMenuId.app,
        label: 'Rolecall',
        submenu: [
          { id: ApplicationMenuId.preferences, label: 'Preferences…', click: () => actions.openPreferences() },
          installItem(platform, actions),
          { type: 'separator' },
          { role: 'quit' },
        ],
      },
    ];
  return null;
};
