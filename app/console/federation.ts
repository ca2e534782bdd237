import { z } from 'zod';
import { RolecallError } from '../model/errors';
import { partitionOf, partitions } from '../model/partitions';
import type { Partition, PartitionId } from '../model/partitions';
import type { RoleCredentials } from '../model/tokens';

/**
 * AWS console federation (PROTOCOL.md "Console federation"): trade role credentials for a
 * sign-in token at the partition's federation endpoint, then build the login URL that opens
 * a console session. There is no SDK client for this endpoint, so it is plain fetch.
 */

export type FetchLike = (input: string, init?: { signal?: AbortSignal; headers?: Record<string, string> }) => Promise<Response>;

export const DEFAULT_FEDERATION_TIMEOUT_MS = 10_000;

const isLoopbackHost = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);

const partitionFor = (region: string, id?: PartitionId): Partition => {
  const partition = id ? partitions.find((candidate) => candidate.id === id) : partitionOf(region);
  if (!partition || !partition.regions.includes(region)) {
    throw new RolecallError(
      'invalid-input',
      `"${region.slice(0, 40)}" is not an AWS region${id ? ` of the ${id} partition` : ''}; pick a console region such as us-east-1 or eu-west-1.`,
    );
  }
  return partition;
};

/** The host serving the console for a region: regional hosts in the aws partition, the partition's console host elsewhere. */
const consoleHostFor = (partition: Partition, region: string): string =>
  partition.id === 'aws' ? `${region}.${partition.consoleHost}` : partition.consoleHost;

export interface ConsoleDestinationInput {
  readonly region: string;
  /** A console URL, or a path such as /s3/home resolved on the region's console host. */
  readonly destination?: string;
  /** Defaults to the region's partition. */
  readonly partition?: PartitionId;
  /** Accept http(s) loopback destinations: only when federating through the local emulator. */
  readonly allowLoopback?: boolean;
}

/** The console page to land on: the region's console home, or a validated user destination. */
export const consoleDestination = (input: ConsoleDestinationInput): string => {
  const partition = partitionFor(input.region, input.partition);
  const host = consoleHostFor(partition, input.region);
  const given = input.destination?.trim();
  if (!given) return `https://${host}/console/home?region=${encodeURIComponent(input.region)}`;

  let url: URL;
  try {
    // A bare path ("/ec2/home") lands on the region's console host; "//host" is not a path.
    url = given.startsWith('/') && !given.startsWith('//') ? new URL(given, `https://${host}`) : new URL(given);
  } catch {
    throw new RolecallError(
      'invalid-input',
      `The console destination is not a URL; use a console page such as https://${host}/console/home.`,
    );
  }
  if (url.username || url.password) {
    throw new RolecallError('invalid-input', 'The console destination must not contain a user name or password.');
  }
  if (input.allowLoopback && (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname)) return url.href;
  const onConsoleHost = url.hostname === partition.consoleHost || url.hostname.endsWith(`.${partition.consoleHost}`);
  if (url.protocol !== 'https:' || !onConsoleHost || url.port !== '') {
    throw new RolecallError(
      'invalid-input',
      `The console destination must be an https page on ${partition.consoleHost} (got ${url.protocol}//${url.host}); Rolecall only signs you in to the AWS console.`,
    );
  }
  return url.href;
};

export interface FederationEndpointInput {
  readonly region: string;
  /** The instance's `endpoints.federation` (the local emulator): used as is. */
  readonly override?: string;
}

/**
 * The federation endpoint: the override when set; in the aws partition the regional sign-in
 * endpoint for regions other than us-east-1 (sign-in tokens are then issued and redeemed in
 * the region the user works in); the partition's global endpoint otherwise.
 */
export const federationEndpointFor = (input: FederationEndpointInput): string => {
  if (input.override) {
    let url: URL;
    try {
      url = new URL(input.override);
    } catch {
      throw new RolecallError('invalid-input', "The federation endpoint override is not a URL; fix the instance's endpoint setting.");
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
      throw new RolecallError('invalid-input', 'The federation endpoint must use https (plain http only on 127.0.0.1 for the emulator).');
    }
    return url.href.replace(/\?.*$/, '');
  }
  const partition = partitionFor(input.region);
  if (partition.id === 'aws' && input.region !== 'us-east-1') return `https://${input.region}.${partition.signinHost}/federation`;
  return `https://${partition.signinHost}/federation`;
};

const signinTokenAnswer = z.object({ SigninToken: z.string().min(1) });

export interface GetSigninTokenInput {
  readonly credentials: Pick<RoleCredentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>;
  readonly endpoint: string;
  readonly fetch?: FetchLike;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

const join = (endpoint: string, query: string): string => `${endpoint}${endpoint.includes('?') ? '&' : '?'}${query}`;

/** Exchanges role credentials for a 15-minute console sign-in token. */
export const getSigninToken = async (input: GetSigninTokenInput): Promise<string> => {
  const { accessKeyId, secretAccessKey, sessionToken } = input.credentials;
  const session = JSON.stringify({ sessionId: accessKeyId, sessionKey: secretAccessKey, sessionToken });
  // No SessionDuration: GetRoleCredentials credentials are role credentials, and AWS
  // rejects SessionDuration for them (the console session follows their own expiry).
  const url = join(input.endpoint, `Action=getSigninToken&Session=${encodeURIComponent(session)}`);
  const timeoutMs = input.timeoutMs ?? DEFAULT_FEDERATION_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = input.signal ? AbortSignal.any([input.signal, timeout]) : timeout;
  const doFetch: FetchLike = input.fetch ?? fetch;
  const host = hostOf(input.endpoint);

  let response: Response;
  let text: string;
  try {
    response = await doFetch(url, { signal, headers: { accept: 'application/json' } });
    text = await response.text();
  } catch (error) {
    // The request URL carries the secret key: no message here ever includes it.
    if (input.signal?.aborted) throw new RolecallError('sign-in-cancelled', 'Cancelled.', { cause: error });
    if (timeout.aborted) {
      throw new RolecallError(
        'network',
        `The AWS sign-in endpoint (${host}) did not answer within ${Math.round(timeoutMs / 1000)} s; check your connection and try again.`,
      );
    }
    throw new RolecallError(
      'network',
      `Could not reach the AWS sign-in endpoint (${host}); check your connection (and VPN or proxy) and try again.`,
      { cause: error },
    );
  }
  if (response.status === 429) {
    throw new RolecallError('throttled', 'The AWS sign-in endpoint is throttling requests; wait a moment and open the console again.');
  }
  if (response.status >= 500) {
    throw new RolecallError('service-unavailable', `The AWS sign-in endpoint failed (HTTP ${response.status}); try again in a minute.`);
  }
  if (!response.ok) {
    throw new RolecallError(
      'invalid-request',
      `The AWS sign-in endpoint refused these credentials (HTTP ${response.status}); they may have expired, so try again to fetch fresh ones.`,
    );
  }
  let parsed;
  try {
    parsed = signinTokenAnswer.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  if (!parsed?.success) {
    throw new RolecallError('service-unavailable', `The AWS sign-in endpoint (${host}) sent an answer without a sign-in token; try again.`);
  }
  return parsed.data.SigninToken;
};

const hostOf = (endpoint: string): string => {
  try {
    return new URL(endpoint).host;
  } catch {
    return 'unknown host';
  }
};

export interface ConsoleLoginUrlInput {
  readonly signinToken: string;
  readonly endpoint: string;
  readonly destination: string;
  /** Shown by AWS as where the session came from; omitted when empty. */
  readonly issuer?: string;
}

/** The URL that turns a sign-in token into a console session (the token is valid 15 minutes). */
export const consoleLoginUrl = (input: ConsoleLoginUrlInput): string => {
  const issuer = input.issuer ? `&Issuer=${encodeURIComponent(input.issuer)}` : '';
  return join(
    input.endpoint,
    `Action=login${issuer}&Destination=${encodeURIComponent(input.destination)}&SigninToken=${encodeURIComponent(input.signinToken)}`,
  );
};

export interface CreateConsoleUrlInput {
  readonly credentials: Pick<RoleCredentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>;
  /** The console region (also picks the partition and the regional sign-in endpoint). */
  readonly region: string;
  readonly destination?: string;
  /** The instance's `endpoints.federation` override (the emulator). */
  readonly federationEndpoint?: string;
  readonly issuer?: string;
  readonly fetch?: FetchLike;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** A ready-to-open console login URL for role credentials. Secret: it grants a console session. */
export const createConsoleUrl = async (input: CreateConsoleUrlInput): Promise<string> => {
  const endpoint = federationEndpointFor({
    region: input.region,
    ...(input.federationEndpoint ? { override: input.federationEndpoint } : {}),
  });
  // Loopback destinations make sense only when the federation itself is the local emulator.
  const allowLoopback = input.federationEndpoint !== undefined && isLoopbackHost(new URL(endpoint).hostname);
  const destination = consoleDestination({
    region: input.region,
    allowLoopback,
    ...(input.destination ? { destination: input.destination } : {}),
  });
  const signinToken = await getSigninToken({
    credentials: input.credentials,
    endpoint,
    ...(input.fetch ? { fetch: input.fetch } : {}),
    ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
  });
  return consoleLoginUrl({ signinToken, endpoint, destination, ...(input.issuer ? { issuer: input.issuer } : {}) });
};
