import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { secretsMatch } from '../app/agent/secret-compare';

/**
 * Who may talk to `rolecall web`: only a browser on this machine that was handed the
 * per-launch secret. Pure checks, so the server stays a thin wiring of them.
 */

/** 32 random bytes, base64url: the secret in the URL `rolecall web` prints. */
export const newLaunchSecret = (): string => randomBytes(32).toString('base64url');

/**
 * Where the app lives once the browser has traded the launch link: `/s/<random id>/`. The
 * id is not a credential (it shows in the address bar and history); it scopes the cookie.
 */
export const newSessionPath = (): string => `/s/${randomBytes(16).toString('base64url')}/`;

/** The name carries the port, so two `rolecall web` launches never read each other's cookie. */
export const cookieName = (port: number): string => `rolecall-${port}`;

/**
 * The session cookie. Browsers send a host's cookies to every port of that host, so a
 * cookie scoped to `/` would reach any other server on 127.0.0.1 the browser visits, and that
 * server could replay it. Scoped to the session path, the browser sends it only to
 * `/s/<id>/…` of a server on this host — which another server receives only if it already
 * knows the id. Its value is a session token of its own, never the launch secret.
 */
export const sessionCookie = (port: number, token: string, path: string): string =>
  `${cookieName(port)}=${token}; Path=${path}; HttpOnly; SameSite=Strict`;

/** The value of one cookie from a Cookie header, or undefined. */
export const readCookie = (header: string | undefined, name: string): string | undefined => {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
};

/** The hosts a page may use to reach us; anything else is a DNS-rebinding attempt. */
export const allowedHosts = (port: number): readonly string[] => [`127.0.0.1:${port}`, `localhost:${port}`];

export const hostAllowed = (headers: IncomingHttpHeaders, port: number): boolean =>
  typeof headers.host === 'string' && allowedHosts(port).includes(headers.host.toLowerCase());

/** A WebSocket upgrade must come from the page we served: same scheme, host and port. */
export const originAllowed = (headers: IncomingHttpHeaders, port: number): boolean => {
  const origin = headers.origin;
  if (typeof origin !== 'string' || typeof headers.host !== 'string') return false;
  return hostAllowed(headers, port) && origin.toLowerCase() === `http://${headers.host.toLowerCase()}`;
};

export const hasSessionCookie = (headers: IncomingHttpHeaders, port: number, secret: string): boolean =>
  secretsMatch(secret, readCookie(headers.cookie, cookieName(port)));
