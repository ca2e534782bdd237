import { join } from 'node:path';
import type { TrayState } from './tray-state';

/**
 * The icon file for a state. macOS gets black-and-alpha template images the menu bar tints
 * for light and dark; elsewhere a coloured disc, because Linux panels and the Windows
 * notification area do not tint. Electron picks the `@2x` sibling on HiDPI screens.
 */
export const trayIconPath = (assetsDir: string, state: TrayState, platform: NodeJS.Platform): string =>
  join(assetsDir, platform === 'darwin' ? `tray-${state}Template.png` : `tray-${state}.png`);
