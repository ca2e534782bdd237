/**
 * The emulator's programmatic contract: what `startEmulator()` (emulator/server.ts) takes
 * and returns. Tests, benchmarks, `npm run demo` and `rolecall emulator` all go through it.
 */

/** Operation names as in the AWS service models. */
export type OperationName =
  | 'RegisterClient'
  | 'StartDeviceAuthorization'
  | 'CreateToken'
  | 'ListAccounts'
  | 'ListAccountRoles'
  | 'GetRoleCredentials'
  | 'Logout'
  | 'GetSigninToken'
  | 'GetCallerIdentity'
  | 'AssumeRole';

/** Faults for one operation (or `*`, the default for every operation without its own). */
export interface FaultSpec {
  /** Added to every answer: fixed ms plus uniform random jitter in [0, jitterMs). */
  readonly latencyMs?: number;
  readonly jitterMs?: number;
  /**
   * A token bucket: `rps` tokens a second, at most `burst` saved. A request that finds the
   * bucket empty gets TooManyRequestsException (429). Operations that take their throttle
   * from `*` share one bucket, as an account-wide limit does.
   */
  readonly throttle?: { readonly rps: number; readonly burst: number };
  /** Fraction in [0, 1] of requests answered with a 500 InternalServerException. */
  readonly errorRate?: number;
  /** Fraction in [0, 1] of requests whose connection is destroyed without an answer. */
  readonly dropRate?: number;
}

export interface FaultConfig {
  readonly '*'?: FaultSpec;
  readonly operations?: Partial<Record<OperationName, FaultSpec>>;
}

/** A seeded directory, or an explicit one. */
export interface DirectorySeed {
  readonly accounts: number;
  readonly rolesPerAccount: number;
  readonly seed?: number;
  /**
   * Every Nth account (1-based) gets max(25, 4 × rolesPerAccount) roles, so role paging is
   * exercised. Default 50; 0 disables.
   */
  readonly manyRolesEvery?: number;
}

/**
 * An IAM role that Identity Center (or already assumed) role sessions may assume with STS
 * AssumeRole: `arn:aws:iam::{account}:role/{roleName}`.
 */
export interface AssumableRole {
  readonly roleName: string;
  /** When set, AssumeRole must pass exactly this ExternalId. */
  readonly externalId?: string;
  /** The Identity Center roles (permission set names) it trusts; absent: every role session of the directory. */
  readonly trustedRoles?: readonly string[];
}

export interface DirectoryFile {
  readonly accounts: readonly {
    readonly accountId: string;
    readonly accountName: string;
    readonly emailAddress: string;
    readonly roles: readonly string[];
    /** Default: ChainedReadOnly (trusts everyone) and ChainedDeployer (ExternalId `rolecall-{accountId}`). */
    readonly assumableRoles?: readonly AssumableRole[];
  }[];
}

export interface EmulatorOptions {
  /** 0 (default) picks a free port. Always binds 127.0.0.1. */
  readonly port?: number;
  readonly region?: string;
  readonly directory?: DirectorySeed | DirectoryFile;
  /** Lifetimes in seconds. */
  readonly accessTokenTtlSeconds?: number;
  readonly refreshTokenTtlSeconds?: number;
  readonly registrationTtlSeconds?: number;
  readonly deviceCodeTtlSeconds?: number;
  readonly deviceCodeIntervalSeconds?: number;
  readonly roleCredentialsTtlSeconds?: number;
  /** The signed-in user's name: the session name of Identity Center role credentials (default "rolecall-user"). */
  readonly userName?: string;
  /** Whether CreateToken issues refresh tokens (when the client registered for them). */
  readonly issueRefreshTokens?: boolean;
  /** Approve device codes as soon as they are issued (demos). */
  readonly autoApprove?: boolean;
  readonly faults?: FaultConfig;
  /** Page size for ListAccounts / ListAccountRoles when the caller gives no maxResults. */
  readonly defaultPageSize?: number;
  /** Where the emulator logs (default: stderr). */
  readonly log?: (line: string) => void;
  /** Injected time source (epoch ms), for expiry tests. */
  readonly now?: () => number;
}

/** What `rolecall emulator` prints as its one JSON line, and what startEmulator returns. */
export interface EmulatorEndpoints {
  readonly url: string;
  readonly startUrl: string;
  readonly region: string;
  readonly oidcEndpoint: string;
  readonly portalEndpoint: string;
  readonly federationEndpoint: string;
  /** STS (query protocol, SigV4-verified): for `AWS_ENDPOINT_URL_STS` / `--endpoint-url`. */
  readonly stsEndpoint: string;
}

/** Who issued credentials belong to. Chained (AssumeRole) credentials also carry the assumed role. */
export interface CredentialsOwner {
  readonly accountId: string;
  readonly roleName: string;
  /** Epoch milliseconds. */
  readonly expiration: number;
  /** Only for AssumeRole credentials: */
  readonly roleArn?: string;
  readonly roleSessionName?: string;
  /** The access key whose session assumed this role. */
  readonly sourceAccessKeyId?: string;
}

export interface OperationCounters {
  readonly requests: number;
  readonly throttled: number;
  readonly errors: number;
  readonly dropped: number;
}

export interface RunningEmulator extends EmulatorEndpoints {
  /** Same as POST /_emulator/device/approve. */
  approveDevice(userCode: string): void;
  denyDevice(userCode: string): void;
  /** User codes issued and still pending, newest last. */
  pendingUserCodes(): string[];
  /** Revokes every token and session. */
  revokeAll(): void;
  setFaults(faults: FaultConfig): void;
  counters(): Readonly<Record<string, OperationCounters>>;
  resetCounters(): void;
  /** Which role issued credentials belong to, or undefined. */
  credentialsOwner(accessKeyId: string): CredentialsOwner | undefined;
  /** Makes issued credentials expire now (STS then answers ExpiredToken); false when unknown. */
  expireCredentials(accessKeyId: string): boolean;
  close(): Promise<void>;
}
