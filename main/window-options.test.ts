import { describe, expect, it } from 'vitest';
import { getMainWindowOptions } from './window-options';

describe('getMainWindowOptions', () => {
  const options = getMainWindowOptions('/app/dist/main/preload.cjs', { platform: 'linux', devTools: false });
  const web = options.webPreferences!;

  it('isolates the renderer: sandbox, context isolation, no Node', () => {
    expect(web.sandbox).toBe(true);
    expect(web.contextIsolation).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps the web platform strict', () => {
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.webviewTag).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web.enableBlinkFeatures).toBe('');
    expect(web.navigateOnDragDrop).toBe(false);
  });

  it('loads only the given preload and starts hidden until the tray opens it', () => {
    expect(web.preload).toBe('/app/dist/main/preload.cjs');
    expect(options.show).toBe(false);
  });

  it('keeps DevTools off unless asked for', () => {
    expect(web.devTools).toBe(false);
  });

  it('never enables anything the secure defaults forbid, on any platform', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const prefs = getMainWindowOptions('/p', { platform, devTools: true }).webPreferences!;
      expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false });
    }
  });
});
