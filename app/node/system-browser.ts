import open from 'open';
import { browserApp } from '../console/browser-app';
import type { ConsoleBrowser } from '../model/settings';
import type { Opener } from '../ports/desktop';

/**
 * Whether a browser can be opened from here: on Linux that needs a graphical session; on
 * macOS and Windows there always is one. Remote shells and CI have none.
 */
export const canOpenBrowser = (env: Readonly<Record<string, string | undefined>> = process.env, platform = process.platform): boolean => {
  if (env.ROLECALL_NO_BROWSER) return false;
  if (platform === 'linux') return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
  return true;
};

/** Opens URLs in the user's default browser (the `open` package: xdg-open, open, start). */
export const systemBrowser = (defaultBrowser?: ConsoleBrowser | null): Opener => ({
  openExternal: async (url, options) => {
    const browser = options?.browser ?? defaultBrowser;
    const child = await open(url, browser ? { app: { name: browserApp(browser) } } : {});
    // Surfaces "xdg-open not found" and the like instead of failing silently.
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve());
    });
  },
});
