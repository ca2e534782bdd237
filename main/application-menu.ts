import type { MenuItemConstructorOptions } from 'electron';

/**
 * macOS routes Cmd+C/V/X/A through the application menu: without an Edit menu the user
 * could not paste a start URL or copy a device code. Elsewhere the window needs no menu.
 */
export const applicationMenuTemplate = (platform: NodeJS.Platform): MenuItemConstructorOptions[] | null =>
  platform === 'darwin' ? [{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }] : null;
