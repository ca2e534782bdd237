import { oidcError } from './api-error';
import { isLoopbackUrl } from './http';
import { randomToken } from './secrets';

/** RegisterClient: public OIDC clients, their secrets and registration expiry. */

export const grantTypes = {
  deviceCode: 'urn:ietf:params:oauth:grant-type:device_code',
  refreshToken: 'refresh_token',
  authorizationCode: 'authorization_code',
} as const;

const knownGrantTypes: ReadonlySet<string> = new Set(Object.values(grantTypes));

export interface RegisteredClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly clientName: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly scopes: readonly string[];
  readonly grantTypes: readonly string[];
  readonly redirectUris: readonly string[];
}

export interface RegisterClientInput {
  readonly clientName?: unknown;
  readonly clientType?: unknown;
  readonly scopes?: unknown;
  readonly redirectUris?: unknown;
  readonly grantTypes?: unknown;
  readonly issuerUrl?: unknown;
}

const stringList = (value: unknown, member: string): string[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw oidcError('InvalidRequestException', `${member} must be a list of strings`);
  }
  return value as string[];
};

// Scopes look like "sso:account:access" or "codewhisperer:completions".
const scopePattern = /^[a-z][\w-]*(:[\w*.-]+)+$/i;

export class ClientRegistry {
  readonly #clients = new Map<string, RegisteredClient>();

  constructor(
    private readonly now: () => number,
    private readonly ttlSeconds: number,
  ) {}

  /**
   * Whether tokens for this client come with a refresh token, as AWS decides it: only for
   * clients registered with scopes (no scopes is the legacy, sessionless registration); a
   * client that sent no grantTypes (the AWS CLI v2: `{clientName, clientType, scopes}`,
   * RegisterClient had no grantTypes member before 2024) gets one, and one that did send
   * grantTypes gets one only if they include `refresh_token`.
   */
  static refreshable(client: RegisteredClient): boolean {
    if (client.scopes.length === 0) return false;
    return client.grantTypes.length === 0 || client.grantTypes.includes(grantTypes.refreshToken);
  }

  /** Validates a RegisterClient request as the service does and stores the new client. */
  register(input: RegisterClientInput): RegisteredClient {
    if (typeof input.clientName !== 'string' || input.clientName.trim() === '')
      throw oidcError('InvalidRequestException', 'clientName is required');
    if (input.clientType !== 'public') throw oidcError('InvalidClientMetadataException', 'clientType must be "public"');
    const scopes = stringList(input.scopes, 'scopes');
    const bad = scopes.find((s) => !scopePattern.test(s));
    if (bad !== undefined) throw oidcError('InvalidScopeException', `Invalid scope: ${bad}`);
    const grants = stringList(input.grantTypes, 'grantTypes');
    const unknownGrant = grants.find((g) => !knownGrantTypes.has(g));
    if (unknownGrant !== undefined) throw oidcError('UnsupportedGrantTypeException', `Unsupported grant type: ${unknownGrant}`);
    const redirectUris = stringList(input.redirectUris, 'redirectUris');
    const badUri = redirectUris.find((u) => !isLoopbackUrl(u));
    if (badUri !== undefined) throw oidcError('InvalidRedirectUriException', 'redirectUris must be loopback http URLs');
    if (grants.includes(grantTypes.authorizationCode) && redirectUris.length === 0) {
      throw oidcError('InvalidRedirectUriException', 'redirectUris are required for the authorization_code grant');
    }
    if (input.issuerUrl !== undefined && typeof input.issuerUrl !== 'string')
      throw oidcError('InvalidRequestException', 'issuerUrl must be a string');
    const issuedAt = this.now();
    const client: RegisteredClient = {
      clientId: randomToken(16),
      clientSecret: `eyJ${randomToken(96)}`,
      clientName: input.clientName,
      issuedAt,
      expiresAt: issuedAt + this.ttlSeconds * 1000,
      scopes,
      grantTypes: grants,
      redirectUris,
    };
    this.#clients.set(client.clientId, client);
    return client;
  }

  /** The client whose id and secret match and whose registration is unexpired, else InvalidClientException. */
  authenticate(clientId: unknown, clientSecret: unknown): RegisteredClient {
    const client = typeof clientId === 'string' ? this.#clients.get(clientId) : undefined;
    if (!client || client.clientSecret !== clientSecret) throw oidcError('InvalidClientException', 'Invalid client credentials');
    if (this.now() >= client.expiresAt) throw oidcError('InvalidClientException', 'The client registration has expired');
    return client;
  }

  /** A known, unexpired client by id alone (the browser-facing /authorize has no secret). */
  find(clientId: string): RegisteredClient | undefined {
    const client = this.#clients.get(clientId);
    return client && this.now() < client.expiresAt ? client : undefined;
  }
}
