import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL, CONTENT_SECURITY_POLICY, installCspHeader, isAppUrl, resolveAppAsset, serveAppRequest } from './app-protocol';
import { createFakeElectron } from './testing/fake-electron';

describe('app protocol', () => {
  it('recognises only its own origin', () => {
    expect(isAppUrl(APP_INDEX_URL)).toBe(true);
    expect(isAppUrl('rolecall://app/assets/index-abc.js')).toBe(true);
    expect(isAppUrl('rolecall://other/index.html')).toBe(false);
    expect(isAppUrl('file:///work/dist/renderer/index.html')).toBe(false);
    expect(isAppUrl('https://app/index.html')).toBe(false);
    expect(isAppUrl('::')).toBe(false);
  });

  it('maps URLs into the renderer directory and nowhere else', () => {
    const root = '/opt/rolecall/dist/renderer';
    expect(resolveAppAsset('rolecall://app/', root)).toBe(`${root}/index.html`);
    expect(resolveAppAsset('rolecall://app/assets/a.js?v=1#x', root)).toBe(`${root}/assets/a.js`);
    expect(resolveAppAsset('rolecall://app/../../../etc/passwd', root)).toBe(`${root}/etc/passwd`);
    // Dot segments, plain or encoded, are clamped at the root: they can never climb out of it.
    expect(resolveAppAsset('rolecall://app/%2e%2e/%2e%2e/etc/passwd', root)).toBe(`${root}/etc/passwd`);
    expect(resolveAppAsset('rolecall://app/a/..%2f..%2f..%2fetc/passwd', root)).toBe(`${root}/etc/passwd`);
    expect(resolveAppAsset('rolecall://app/a%00.js', root)).toBeUndefined();
    expect(resolveAppAsset('rolecall://app/%E0%A4%A', root)).toBeUndefined();
    expect(resolveAppAsset('https://evil.example/index.html', root)).toBeUndefined();
  });

  it('serves files with the CSP and nosniff headers, and 404s the rest', async () => {
    const root = await mkdtemp(join(tmpdir(), 'rolecall-app-'));
    await mkdir(join(root, 'assets'));
    await writeFile(join(root, 'index.html'), '<!doctype html><title>Rolecall</title>');
    await writeFile(join(root, 'assets', 'main.js'), 'console.log(1)');
    await writeFile(join(root, '..', 'outside-secret.txt'), 'nope').catch(() => undefined);

    const page = await serveAppRequest(APP_INDEX_URL, root);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Rolecall</title>');

    const script = await serveAppRequest('rolecall://app/assets/main.js', root);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await serveAppRequest('rolecall://app/missing.js', root)).status).toBe(404);
    expect((await serveAppRequest('rolecall://app/%2e%2e/outside-secret.txt', root)).status).toBe(404);
  });

  it('the policy forbids remote and inline scripts, frames and plugins', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*/);
  });

  it('adds the header to app responses and leaves other responses alone', () => {
    const electron = createFakeElectron();
    const session = electron.session.defaultSession;
    installCspHeader(session as never);
    const respond = (url: string, responseHeaders?: Record<string, string[]>) => {
      let result: unknown;
      session.headersListener!({ url, ...(responseHeaders ? { responseHeaders } : {}) }, (response) => (result = response));
      return result;
    };
    expect(respond(APP_INDEX_URL, { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] })).toEqual({
      responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
    expect(respond('https://portal.sso.us-east-1.amazonaws.com/x', { 'X-Other': ['1'] })).toEqual({});
  });
});
