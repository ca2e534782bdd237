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
  | 'GetSigninToken';

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

export interface DirectoryFile {
  readonly accounts: readonly {
    readonly accountId: string;
    readonly accountName: string;
    readonly emailAddress: string;
    readonly roles: readonly string[];
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
  credentialsOwner(accessKeyId: string): { accountId: string; roleName: string; expiration: number } | undefined;
  close(): Promise<void>;
}
