import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsErrorName, toRolecallError } from '../identity-center/error-mapping';
import { stsEndpointFor } from '../identity-center/endpoints';
import { CHAINED_SESSION_MAX_SECONDS, DEFAULT_ROLE_SESSION_NAME, chainedRoleKey } from '../model/chained-roles';
import type { ChainedRole } from '../model/chained-roles';
import { RolecallError } from '../model/errors';
import type { Instance } from '../model/instances';
import type { RoleRef } from '../model/roles';
import type { RoleCredentials } from '../model/tokens';
import type { Clock } from '../ports/clock';
import { DEFAULT_CREDENTIALS_SAFETY_MARGIN_MS } from './role-credentials';
import { SingleFlightCache } from './single-flight-cache';

/** Who a set of credentials is, as STS GetCallerIdentity answers. */
export interface CallerIdentity {
  readonly arn: string;
  readonly account: string;
  readonly userId: string;
}

/** Where STS is called: the endpoint and the region requests are signed for. */
export interface StsTarget {
  readonly endpoint: string;
  readonly region: string;
}

/** The STS endpoint and signing region for an instance: the region given, else the instance's. */
export const stsTargetFor = (instance: Pick<Instance, 'endpoints' | 'region'>, region?: string): StsTarget => {
  const chosen = region ?? instance.region;
  return { endpoint: stsEndpointFor(instance, chosen), region: chosen };
};

/**
 * An STS client signing with exactly these credentials. Like the Identity Center clients,
 * everything the SDK would read from the environment or ~/.aws/config is given explicitly,
 * so the user's own AWS profile never changes which credentials Rolecall signs with. With a
 * clock, requests are signed at its time (the core's one notion of now; the system's in
 * production), so a signature is never "expired" against the times the core plans by.
 */
const stsClient = (target: StsTarget, credentials: RoleCredentials, clock?: Clock): STSClient =>
  new STSClient({
    ...(clock ? { systemClockOffset: clock.now() - Date.now() } : {}),
    region: target.region,
    endpoint: target.endpoint,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    },
    maxAttempts: 3,
    retryMode: 'standard',
    defaultsMode: 'standard',
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    userAgentAppId: 'rolecall',
    requestHandler: { requestTimeout: 30_000, connectionTimeout: 10_000, throwOnRequestTimeout: true },
  });

const messageOf = (error: unknown): string => String((error as { message?: unknown } | null)?.message ?? '');

const describeSource = (source: RoleRef): string => `${source.roleName} in account ${source.accountId}`;

/** STS's answer to AssumeRole as one sentence that says what to do. */
export const assumeRoleError = (error: unknown, chain: ChainedRole): RolecallError => {
  if (error instanceof RolecallError) return error;
  const name = awsErrorName(error);
  const detail = messageOf(error).replace(/\s+/g, ' ').replace(/\.$/, '').slice(0, 300);
  switch (name) {
    case 'AccessDenied':
    case 'AccessDeniedException': {
      const caller = /User: (\S+) is not authorized/.exec(messageOf(error))?.[1];
      const who = caller ? `${describeSource(chain.source)} (${caller})` : describeSource(chain.source);
      const fix = chain.externalId
        ? 'ask its owner to add that role to its trust policy, or check the external id'
        : 'ask its owner to add that role to its trust policy, and pass --external-id if the policy requires one';
      return new RolecallError('access-denied', `The role ${chain.roleArn} does not trust ${who}; ${fix}.`, { cause: error });
    }
    case 'ExpiredToken':
    case 'ExpiredTokenException':
    case 'InvalidClientTokenId':
      return new RolecallError(
        'invalid-request',
        `STS did not accept the credentials of ${describeSource(chain.source)} (${name}); run the command again to fetch fresh ones.`,
        { cause: error },
      );
    case 'RegionDisabledException':
      return new RolecallError(
        'invalid-request',
        `STS is not activated in ${chain.region ?? 'this region'} for account ${chain.source.accountId}; choose another --region, or ask the account's administrator to activate it.`,
        { cause: error },
      );
    case 'ValidationError':
      return new RolecallError('invalid-input', `STS refused to assume ${chain.roleArn}: ${detail}; fix that and try again.`, {
        cause: error,
      });
    default:
      return toRolecallError(error, `assume ${chain.roleArn}`);
  }
};

/** STS AssumeRole with the source role's credentials: the chained role's credentials. */
export const assumeChainedRole = async (
  chain: ChainedRole,
  source: RoleCredentials,
  target: StsTarget,
  clock?: Clock,
): Promise<RoleCredentials> => {
  const client = stsClient(target, source, clock);
  try {
    const answer = await client.send(
      new AssumeRoleCommand({
        RoleArn: chain.roleArn,
        RoleSessionName: chain.sessionName ?? DEFAULT_ROLE_SESSION_NAME,
        DurationSeconds: chain.durationSeconds ?? CHAINED_SESSION_MAX_SECONDS,
        ...(chain.externalId ? { ExternalId: chain.externalId } : {}),
      }),
    );
    const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = answer.Credentials ?? {};
    const expiration = Expiration?.getTime();
    if (!AccessKeyId || !SecretAccessKey || !SessionToken || expiration === undefined || !Number.isFinite(expiration)) {
      throw new RolecallError('service-unavailable', `STS returned incomplete credentials for ${chain.roleArn}; try again.`);
    }
    return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken, expiration };
  } catch (error) {
    throw assumeRoleError(error, chain);
  } finally {
    client.destroy();
  }
};

/** STS GetCallerIdentity: which role session these credentials are. */
export const callerIdentity = async (credentials: RoleCredentials, target: StsTarget): Promise<CallerIdentity> => {
  const client = stsClient(target, credentials);
  try {
    const answer = await client.send(new GetCallerIdentityCommand({}));
    if (!answer.Arn || !answer.Account || !answer.UserId) {
      throw new RolecallError('service-unavailable', 'STS answered GetCallerIdentity without an ARN; try again.');
    }
    return { arn: answer.Arn, account: answer.Account, userId: answer.UserId };
  } catch (error) {
    if (error instanceof RolecallError) throw error;
    const name = awsErrorName(error);
    if (name === 'ExpiredToken' || name === 'InvalidClientTokenId' || name === 'SignatureDoesNotMatch') {
      throw new RolecallError('invalid-request', `STS does not accept these credentials (${name}); fetch fresh ones and try again.`, {
        cause: error,
      });
    }
    throw toRolecallError(error, 'ask STS who these credentials are');
  } finally {
    client.destroy();
  }
};

export interface RoleChainerOptions {
  readonly clock: Clock;
  /** The Identity Center role credentials a chain starts from (the core's role credentials cache). */
  readonly sourceCredentials: (ref: RoleRef) => Promise<RoleCredentials>;
  /** The instance a role ref belongs to (its STS endpoint override and default region). */
  readonly instanceOf: (instanceId: string) => Pick<Instance, 'endpoints' | 'region'>;
  /** Credentials are assumed again once less than this remains (default 5 minutes). */
  readonly safetyMarginMs?: number;
  /** Called after the set of held credentials changes (assumed, forgotten), for countdowns. */
  readonly onChange?: () => void;
}

/**
 * Chained role credentials, held like role credentials: in memory until shortly before they
 * expire, one entry per chain, and concurrent requests for one chain share one AssumeRole.
 */
export class RoleChainer {
  private readonly cache: SingleFlightCache<RoleCredentials, string>;

  constructor(private readonly options: RoleChainerOptions) {
    this.cache = new SingleFlightCache({
      clock: options.clock,
      marginMs: options.safetyMarginMs ?? DEFAULT_CREDENTIALS_SAFETY_MARGIN_MS,
      ...(options.onChange ? { onChange: options.onChange } : {}),
    });
  }

  /** Where STS is called for this chain. */
  target(chain: ChainedRole): StsTarget {
    return stsTargetFor(this.options.instanceOf(chain.source.instanceId), chain.region);
  }

  /** The chain's unexpired credentials held in memory, if any (for its countdown); never calls STS. */
  peek(chain: ChainedRole): RoleCredentials | undefined {
    return this.cache.peek(chainedRoleKey(chain));
  }

  /** The chained role's credentials: from memory while comfortably valid, else AssumeRole. Tagged with the source's instance. */
  credentials(chain: ChainedRole): Promise<RoleCredentials> {
    return this.cache.get(chainedRoleKey(chain), chain.source.instanceId, async () => {
      const source = await this.options.sourceCredentials(chain.source);
      return assumeChainedRole(chain, source, this.target(chain), this.options.clock);
    });
  }

  /** Drops every chained credential started from one instance (sign-out). */
  forgetInstance(instanceId: string): void {
    this.cache.forgetWhere((tag) => tag === instanceId);
  }
}
