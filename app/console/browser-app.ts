import { apps } from 'open';
import type { ConsoleBrowser } from '../model/settings';

/**
 * The program the `open` package starts for a console-browser preference. Only these names
 * reach `open` (the preference is an enum), so no setting can make Rolecall run a program
 * of someone else's choosing. `open` knows each browser's binary per platform; Chromium it
 * does not list, so its usual names are tried in turn.
 */
export const browserApp = (browser: ConsoleBrowser, platform: NodeJS.Platform = process.platform): string | readonly string[] => {
  switch (browser) {
    case 'chromium':
      return platform === 'linux' ? ['chromium', 'chromium-browser'] : platform === 'darwin' ? 'chromium' : 'chromium.exe';
    default:
      return apps[browser];
  }
};
