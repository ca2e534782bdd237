import { oidcError, portalError } from './api-error';
import { ClientRegistry, type RegisteredClient } from './clients';
import { randomToken } from './secrets';

/**
 * Sign-in sessions and the access and refresh tokens issued for them. One sign-in (device
 * or authorization code) starts a session; refreshing rotates its tokens; Logout or a
 * revocation ends the session, which invalidates every token it ever issued.
 */

export interface TokenGrant {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
  readonly refreshToken?: string;
}

interface AccessRecord {
  readonly sessionId: number;
  readonly expiresAt: number;
}

interface RefreshRecord {
  readonly sessionId: number;
  readonly clientId: string;
  readonly expiresAt: number;
}

export interface TokenLifetimes {
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  readonly issueRefreshTokens: boolean;
}

export class TokenStore {
  readonly #access = new Map<string, AccessRecord>();
  readonly #refresh = new Map<string, RefreshRecord>();
  readonly #liveSessions = new Set<number>();
  #nextSession = 1;

  constructor(
    private readonly now: () => number,
    private readonly lifetimes: TokenLifetimes,
  ) {}

  /** Starts a session for a client that just completed a sign-in and returns its first tokens. */
  startSession(client: RegisteredClient): TokenGrant {
    const sessionId = this.#nextSession++;
    this.#liveSessions.add(sessionId);
    return this.#grant(client, sessionId);
  }

  /** The refresh_token grant: the old refresh token stops working, new tokens are returned. */
  refresh(client: RegisteredClient, refreshToken: unknown): TokenGrant {
    if (typeof refreshToken !== 'string' || refreshToken === '')
      throw oidcError('InvalidRequestException', 'refreshToken is required for the refresh_token grant');
    const record = this.#refresh.get(refreshToken);
    if (!record || record.clientId !== client.clientId || !this.#liveSessions.has(record.sessionId)) {
      throw oidcError('InvalidGrantException', 'Invalid refresh token provided');
    }
    this.#refresh.delete(refreshToken);
    if (this.now() >= record.expiresAt) throw oidcError('InvalidGrantException', 'The refresh token has expired');
    return this.#grant(client, record.sessionId);
  }

  /** The session behind a bearer token, or UnauthorizedException (missing, unknown, expired or revoked). */
  authorize(accessToken: string | undefined): number {
    const record = accessToken ? this.#access.get(accessToken) : undefined;
    if (!record || !this.#liveSessions.has(record.sessionId))
      throw portalError('UnauthorizedException', 'Session token not found or invalid');
    if (this.now() >= record.expiresAt) throw portalError('UnauthorizedException', 'Session token has expired');
    return record.sessionId;
  }

  /** Ends the session an access token belongs to: that token, its refresh token and every rotation of them. */
  logout(accessToken: string | undefined): void {
    this.#endSession(this.authorize(accessToken));
  }

  revokeAll(): void {
    this.#liveSessions.clear();
    this.#access.clear();
    this.#refresh.clear();
  }

  #endSession(sessionId: number): void {
    this.#liveSessions.delete(sessionId);
    for (const [token, record] of this.#access) if (record.sessionId === sessionId) this.#access.delete(token);
    for (const [token, record] of this.#refresh) if (record.sessionId === sessionId) this.#refresh.delete(token);
  }

  #grant(client: RegisteredClient, sessionId: number): TokenGrant {
    const now = this.now();
    const { accessTokenTtlSeconds, refreshTokenTtlSeconds, issueRefreshTokens } = this.lifetimes;
    const accessToken = `aoa${randomToken(48)}`;
    this.#access.set(accessToken, { sessionId, expiresAt: now + accessTokenTtlSeconds * 1000 });
    if (!issueRefreshTokens || !ClientRegistry.refreshable(client)) {
      return { accessToken, tokenType: 'Bearer', expiresIn: accessTokenTtlSeconds };
    }
    const refreshToken = `aor${randomToken(64)}`;
    this.#refresh.set(refreshToken, { sessionId, clientId: client.clientId, expiresAt: now + refreshTokenTtlSeconds * 1000 });
    return { accessToken, tokenType: 'Bearer', expiresIn: accessTokenTtlSeconds, refreshToken };
  }
}
