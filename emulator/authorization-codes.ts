import { createHash } from 'node:crypto';
import { oidcError } from './api-error';
import { grantTypes, type ClientRegistry, type RegisteredClient } from './clients';
import { isLoopbackUrl } from './http';
import { randomToken } from './secrets';

/** The authorization-code grant with PKCE (S256) and a loopback redirect. */

export interface AuthorizationRequest {
  readonly id: string;
  readonly clientId: string;
  readonly clientName: string;
  readonly redirectUri: string;
  readonly state: string | undefined;
  readonly codeChallenge: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
}

interface IssuedCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly expiresAt: number;
}

// How long the consent page and an issued code stay usable.
const requestTtlMs = 10 * 60_000;
const codeTtlMs = 5 * 60_000;

/** RFC 7636 S256: BASE64URL(SHA256(verifier)). */
export const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

// Loopback redirects match whatever the port (RFC 8252 §7.3): clients pick a free port per sign-in.
const sameRedirect = (registered: string, requested: string): boolean => {
  const a = new URL(registered);
  const b = new URL(requested);
  return a.protocol === b.protocol && a.hostname === b.hostname && a.pathname === b.pathname && (a.port === '' || a.port === b.port);
};

const withParams = (base: string, params: Readonly<Record<string, string | undefined>>): string => {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
};

export class AuthorizationCodes {
  readonly #requests = new Map<string, AuthorizationRequest>();
  readonly #codes = new Map<string, IssuedCode>();

  constructor(
    private readonly now: () => number,
    private readonly clients: ClientRegistry,
  ) {}

  /** Validates GET /authorize; returns the pending consent request or a sentence for the error page. */
  begin(query: URLSearchParams): { readonly request: AuthorizationRequest } | { readonly error: string } {
    const clientId = query.get('client_id') ?? '';
    const redirectUri = query.get('redirect_uri') ?? '';
    const client = this.clients.find(clientId);
    if (!client) return { error: 'Unknown or expired client_id: register the client again.' };
    if (!client.grantTypes.includes(grantTypes.authorizationCode))
      return { error: 'This client did not register for the authorization_code grant.' };
    if (!isLoopbackUrl(redirectUri)) return { error: 'redirect_uri must be a loopback http URL (127.0.0.1, localhost or [::1]).' };
    if (!client.redirectUris.some((registered) => sameRedirect(registered, redirectUri)))
      return { error: 'redirect_uri does not match the URIs the client registered.' };
    if (query.get('response_type') !== 'code') return { error: 'response_type must be "code".' };
    const codeChallenge = query.get('code_challenge') ?? '';
    if (!/^[\w-]{43,128}$/.test(codeChallenge)) return { error: 'code_challenge is missing or malformed (PKCE is required).' };
    if (query.get('code_challenge_method') !== 'S256') return { error: 'code_challenge_method must be S256.' };
    const scopes = (query.get('scopes') ?? query.get('scope') ?? '').split(/[\s,]+/).filter(Boolean);
    const request: AuthorizationRequest = {
      id: randomToken(24),
      clientId,
      clientName: client.clientName,
      redirectUri,
      state: query.get('state') ?? undefined,
      codeChallenge,
      scopes,
      expiresAt: this.now() + requestTtlMs,
    };
    this.#requests.set(request.id, request);
    return { request };
  }

  /** The user's Allow/Deny on the consent page: where to send the browser, or why not. */
  decide(requestId: string, allow: boolean): { readonly location: string } | { readonly error: string } {
    const request = this.#requests.get(requestId);
    this.#requests.delete(requestId);
    if (!request || this.now() >= request.expiresAt)
      return { error: 'This sign-in request is unknown or has expired; start the sign-in again.' };
    if (!allow)
      return {
        location: withParams(request.redirectUri, {
          error: 'access_denied',
          error_description: 'The user denied the request',
          state: request.state,
        }),
      };
    const code = randomToken(32);
    this.#codes.set(code, {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      expiresAt: this.now() + codeTtlMs,
    });
    return { location: withParams(request.redirectUri, { code, state: request.state }) };
  }

  /** CreateToken with the authorization_code grant: checks the code, redirect URI and PKCE verifier; a code works once. */
  exchange(
    client: RegisteredClient,
    input: { readonly code?: unknown; readonly redirectUri?: unknown; readonly codeVerifier?: unknown },
  ): void {
    if (typeof input.code !== 'string' || input.code === '')
      throw oidcError('InvalidRequestException', 'code is required for the authorization_code grant');
    const issued = this.#codes.get(input.code);
    this.#codes.delete(input.code);
    if (!issued || issued.clientId !== client.clientId) throw oidcError('InvalidGrantException', 'Invalid authorization code provided');
    if (this.now() >= issued.expiresAt) throw oidcError('InvalidGrantException', 'The authorization code has expired');
    if (input.redirectUri !== issued.redirectUri)
      throw oidcError('InvalidGrantException', 'redirectUri does not match the one used to authorize');
    if (typeof input.codeVerifier !== 'string' || s256(input.codeVerifier) !== issued.codeChallenge) {
      throw oidcError('InvalidGrantException', 'codeVerifier does not match the code_challenge');
    }
  }

  revokeAll(): void {
    this.#requests.clear();
    this.#codes.clear();
  }
}
