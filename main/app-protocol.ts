import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Protocol, Session } from 'electron';

/**
 * The renderer is served from `rolecall://app/` instead of file://: a custom standard,
 * secure scheme gives the page its own origin (file:// pages share one with every local
 * file), lets each response carry a real Content-Security-Policy header, and confines what
 * the page can load to dist/renderer.
 */
export const APP_SCHEME = 'rolecall';
export const APP_HOST = 'app';
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * No remote anything: scripts, styles, fonts and images come from the app itself; the
 * page talks to main only over IPC. React's `style` props go through the CSSOM, which a
 * policy does not restrict, so no 'unsafe-inline' is needed anywhere.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "worker-src 'none'",
].join('; ');

/** Whether a URL is a page or asset of our own renderer. */
export const isAppUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
};

/** The file under `rootDir` an app URL names, or undefined when it names anything else. */
export const resolveAppAsset = (value: string, rootDir: string): string | undefined => {
  if (!isAppUrl(value)) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(value).pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0')) return undefined;
  const relative = normalize(pathname === '/' ? '/index.html' : pathname).replace(/^[/\\]+/, '');
  const root = normalize(rootDir).replace(/[/\\]+$/, '');
  const resolved = join(root, relative);
  return resolved.startsWith(root + sep) ? resolved : undefined;
};

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json',
};

export const securityHeaders = (path: string): Record<string, string> => ({
  'content-type': contentTypes[extname(path).toLowerCase()] ?? 'application/octet-stream',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
});

/** Serves one app request: the file with the security headers, or a 404 that names nothing. */
export const serveAppRequest = async (url: string, rootDir: string): Promise<Response> => {
  const path = resolveAppAsset(url, rootDir);
  if (!path) return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
  try {
    const body = await readFile(path);
    return new Response(new Uint8Array(body), { status: 200, headers: securityHeaders(path) });
  } catch {
    return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
  }
};

/** Must run before `app.ready`: the scheme behaves like https (origin, secure context, fetch). */
export const registerAppScheme = (protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void => {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
};

export const handleAppProtocol = (protocol: Pick<Protocol, 'handle'>, rootDir: string): void => {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request.url, rootDir));
};

/**
 * Adds the CSP header to app responses that pass through the network stack as well (the
 * protocol handler already sets it), so a page that is ever served another way keeps it.
 */
export const installCspHeader = (session: Pick<Session, 'webRequest'>): void => {
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url)) {
      callback({});
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy'),
    );
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
};
