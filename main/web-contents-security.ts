import type { App, WebContents } from 'electron';

export interface NavigationPolicy {
  /** Our own renderer page. */
  isAppUrl(url: string): boolean;
  /** An AWS (or configured emulator) page the OS browser may open. */
  isAllowedExternalUrl(url: string): boolean;
  /** Hands a URL that passed the allowlist to the OS browser. */
  openExternal(url: string): void;
  readonly log: { warn(message: string): void };
}

export type NavigationDecision = 'stay' | 'open-external' | 'deny';

/**
 * What to do when a page tries to go to `url`: stay if it is our own page, send an allowed
 * AWS page to the OS browser instead, refuse everything else. Shared by window.open,
 * navigation and redirects so there is one list to audit.
 */
export const decideNavigation = (url: string, policy: Pick<NavigationPolicy, 'isAppUrl' | 'isAllowedExternalUrl'>): NavigationDecision => {
  if (policy.isAppUrl(url)) return 'stay';
  return policy.isAllowedExternalUrl(url) ? 'open-external' : 'deny';
};

const hostOf = (url: string): string => {
  try {
    return new URL(url).host || new URL(url).protocol;
  } catch {
    return 'an invalid URL';
  }
};

/** Locks down one webContents: no new windows, no navigation away, no permissions, no webviews. */
export const secureWebContents = (contents: WebContents, policy: NavigationPolicy): void => {
  contents.setWindowOpenHandler(({ url }) => {
    if (decideNavigation(url, policy) !== 'deny' && !policy.isAppUrl(url)) policy.openExternal(url);
    else policy.log.warn(`Blocked a new window for ${hostOf(url)}.`);
    return { action: 'deny' };
  });
  const guard = (event: { preventDefault(): void }, url: string) => {
    const decision = decideNavigation(url, policy);
    if (decision === 'stay') return;
    event.preventDefault();
    if (decision === 'open-external') policy.openExternal(url);
    else policy.log.warn(`Blocked navigation to ${hostOf(url)}.`);
  };
  contents.on('will-navigate', (event, url) => guard(event, url));
  // Subframes do not raise will-navigate; the main frame already went through the guard above.
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) guard(event, event.url);
  });
  contents.on('will-redirect', (event, url) => guard(event, url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);
};

/** The one global hook: every webContents ever created gets the same lock-down. */
export const installWebContentsSecurity = (app: Pick<App, 'on'>, policy: NavigationPolicy): void => {
  app.on('web-contents-created', (_event, contents) => secureWebContents(contents, policy));
};
