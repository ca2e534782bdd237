import { describe, expect, it, vi } from 'vitest';
import { isAppUrl } from './app-protocol';
import { createFakeElectron, FakeWebContents } from './testing/fake-electron';
import { isAllowedExternalUrl } from './url-allowlist';
import { decideNavigation, installWebContentsSecurity } from './web-contents-security';
import type { NavigationPolicy } from './web-contents-security';

const setup = () => {
  const electron = createFakeElectron();
  const opened: string[] = [];
  const policy: NavigationPolicy = {
    isAppUrl,
    isAllowedExternalUrl: (url) => isAllowedExternalUrl(url, { instances: [{ startUrl: 'https://d-1234567890.awsapps.com/start' }] }),
    openExternal: (url) => opened.push(url),
    log: { warn: vi.fn() },
  };
  installWebContentsSecurity(electron.app as never, policy);
  const contents = new FakeWebContents();
  electron.app.emit('web-contents-created', {}, contents);
  return { contents, opened, policy };
};

describe('decideNavigation', () => {
  it.each([
    ['rolecall://app/index.html#/settings', 'stay'],
    ['https://device.sso.us-east-1.amazonaws.com/?user_code=A', 'open-external'],
    ['https://evil.example/', 'deny'],
    ['file:///etc/passwd', 'deny'],
  ] as const)('%s → %s', (url, decision) => {
    expect(decideNavigation(url, { isAppUrl, isAllowedExternalUrl: (u) => u.startsWith('https://device.sso.') })).toBe(decision);
  });
});

describe('installWebContentsSecurity', () => {
  it('denies every window.open, sending allowed AWS pages to the browser instead', () => {
    const { contents, opened } = setup();
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/phish' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'rolecall://app/index.html' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'https://d-1234567890.awsapps.com/start' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://d-1234567890.awsapps.com/start']);
  });

  it('prevents navigating or redirecting away from the app page', () => {
    const { contents, opened, policy } = setup();
    expect(contents.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.navigate('will-redirect', 'http://127.0.0.1:9/')).toBe(true);
    expect(contents.navigate('will-navigate', 'rolecall://app/index.html')).toBe(false);
    expect(contents.navigate('will-navigate', 'https://signin.aws.amazon.com/federation?x=1')).toBe(true);
    expect(opened).toEqual(['https://signin.aws.amazon.com/federation?x=1']);
    expect(policy.log.warn).toHaveBeenCalledWith('Blocked navigation to evil.example.');
  });

  it('checks subframe navigations but not the main frame twice', () => {
    const { contents, opened } = setup();
    let prevented = false;
    contents.emit('will-frame-navigate', {
      url: 'https://console.aws.amazon.com/',
      isMainFrame: false,
      preventDefault: () => (prevented = true),
    });
    expect(prevented).toBe(true);
    contents.emit('will-frame-navigate', { url: 'https://console.aws.amazon.com/', isMainFrame: true, preventDefault: () => undefined });
    expect(opened).toEqual(['https://console.aws.amazon.com/']);
  });

  it('refuses webviews and every permission', () => {
    const { contents } = setup();
    let prevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    const granted: boolean[] = [];
    contents.session.permissionRequestHandler!(contents, 'media', (ok) => granted.push(ok));
    contents.session.permissionRequestHandler!(contents, 'clipboard-read', (ok) => granted.push(ok));
    expect(granted).toEqual([false, false]);
    expect(contents.session.permissionCheckHandler!(contents, 'notifications')).toBe(false);
  });
});
