import type { CredentialsOwner } from './options';
import { randomAccessKeyId, randomSecretAccessKey, randomToken } from './secrets';

/**
 * Role credentials the emulator issued, and the console federation built on them: sign-in
 * tokens (15 minutes, one login each) and the console sessions those logins open.
 */

export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** Epoch milliseconds, as GetRoleCredentials returns it. */
  readonly expiration: number;
}

/**
 * The role session credentials stand for. `sso`: GetRoleCredentials, the Identity Center role
 * (permission set) `roleName` with the signed-in user as session name. `assumed`: STS
 * AssumeRole of `roleArn` from the session of `sourceAccessKeyId`.
 */
export type RoleSession =
  | { readonly kind: 'sso'; readonly accountId: string; readonly roleName: string; readonly sessionName: string }
  | {
      readonly kind: 'assumed';
      readonly accountId: string;
      readonly roleName: string;
      readonly sessionName: string;
      readonly roleArn: string;
      readonly sourceAccessKeyId: string;
    };

export interface IssuedCredentials extends RoleCredentials {
  readonly accountId: string;
  readonly roleName: string;
  readonly session: RoleSession;
}

export interface ConsoleSession {
  readonly accountId: string;
  readonly roleName: string;
  readonly region: string;
  readonly destination: string;
  readonly issuer: string;
  readonly expiresAt: number;
}

const signinTokenTtlMs = 15 * 60_000;

export class CredentialStore {
  readonly #credentials = new Map<string, IssuedCredentials>();
  readonly #signinTokens = new Map<string, { readonly accessKeyId: string; readonly expiresAt: number }>();
  readonly #consoleSessions = new Map<string, ConsoleSession>();

  constructor(
    private readonly now: () => number,
    private readonly ttlSeconds: number,
  ) {}

  /**
   * Mints credentials for an Identity Center role; the TTL holds even if the access token
   * expires sooner, as in AWS. `sessionName` is the signed-in user.
   */
  issue(accountId: string, roleName: string, sessionName = 'rolecall-user'): RoleCredentials {
    return this.#mint({ kind: 'sso', accountId, roleName, sessionName }, this.now() + this.ttlSeconds * 1000);
  }

  /** Mints AssumeRole credentials for `session`, valid `durationSeconds` (to the whole second STS's answer carries). */
  issueAssumed(session: Extract<RoleSession, { kind: 'assumed' }>, durationSeconds: number): RoleCredentials {
    return this.#mint(session, Math.floor((this.now() + durationSeconds * 1000) / 1000) * 1000);
  }

  /** Everything about issued credentials, for STS to verify a signature with (includes the secret). */
  lookup(accessKeyId: string): IssuedCredentials | undefined {
    return this.#credentials.get(accessKeyId);
  }

  owner(accessKeyId: string): CredentialsOwner | undefined {
    const issued = this.#credentials.get(accessKeyId);
    if (!issued) return undefined;
    const base = { accountId: issued.accountId, roleName: issued.roleName, expiration: issued.expiration };
    if (issued.session.kind === 'sso') return base;
    return {
      ...base,
      roleArn: issued.session.roleArn,
      roleSessionName: issued.session.sessionName,
      sourceAccessKeyId: issued.session.sourceAccessKeyId,
    };
  }

  /** Test control: the credentials expire now. */
  expire(accessKeyId: string): boolean {
    const issued = this.#credentials.get(accessKeyId);
    if (!issued) return false;
    this.#credentials.set(accessKeyId, { ...issued, expiration: Math.min(issued.expiration, this.now()) });
    return true;
  }

  #mint(session: RoleSession, expiration: number): RoleCredentials {
    let accessKeyId = randomAccessKeyId();
    while (this.#credentials.has(accessKeyId)) accessKeyId = randomAccessKeyId();
    const issued: IssuedCredentials = {
      accessKeyId,
      secretAccessKey: randomSecretAccessKey(),
      sessionToken: `IQoJb3JpZ2luX2Vj${randomToken(180)}`,
      expiration,
      accountId: session.accountId,
      roleName: session.roleName,
      session,
    };
    this.#credentials.set(accessKeyId, issued);
    return { accessKeyId, secretAccessKey: issued.secretAccessKey, sessionToken: issued.sessionToken, expiration: issued.expiration };
  }

  /** getSigninToken: a token only for complete, unexpired credentials this emulator issued. */
  signinToken(session: {
    readonly sessionId?: unknown;
    readonly sessionKey?: unknown;
    readonly sessionToken?: unknown;
  }): string | undefined {
    const issued = typeof session.sessionId === 'string' ? this.#credentials.get(session.sessionId) : undefined;
    if (!issued || issued.secretAccessKey !== session.sessionKey || issued.sessionToken !== session.sessionToken) return undefined;
    if (this.now() >= issued.expiration) return undefined;
    const token = randomToken(96);
    this.#signinTokens.set(token, { accessKeyId: issued.accessKeyId, expiresAt: this.now() + signinTokenTtlMs });
    return token;
  }

  /** Action=login: spends the sign-in token and opens a console session; undefined when the token is not valid. */
  login(
    signinToken: string,
    details: { readonly region: string; readonly destination: string; readonly issuer: string },
  ): string | undefined {
    const token = this.#signinTokens.get(signinToken);
    this.#signinTokens.delete(signinToken);
    const issued = token && this.#credentials.get(token.accessKeyId);
    if (!token || !issued || this.now() >= token.expiresAt) return undefined;
    const id = randomToken(24);
    this.#consoleSessions.set(id, { accountId: issued.accountId, roleName: issued.roleName, ...details, expiresAt: issued.expiration });
    return id;
  }

  consoleSession(id: string): ConsoleSession | undefined {
    const session = this.#consoleSessions.get(id);
    return session && this.now() < session.expiresAt ? session : undefined;
  }

  /** Ends sign-in tokens and console sessions; issued keys stay known (STS credentials cannot be recalled). */
  revokeSessions(): void {
    this.#signinTokens.clear();
    this.#consoleSessions.clear();
  }
}
