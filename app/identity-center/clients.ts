import {
  SSOOIDCClient,
  type CreateTokenCommand,
  type CreateTokenCommandOutput,
  type RegisterClientCommand,
  type RegisterClientCommandOutput,
  type StartDeviceAuthorizationCommand,
  type StartDeviceAuthorizationCommandOutput,
} from '@aws-sdk/client-sso-oidc';
import { SSOClient, type LogoutCommand, type LogoutCommandOutput } from '@aws-sdk/client-sso';
import type { Instance } from '../model/instances';
import { oidcEndpointFor, portalEndpointFor } from './endpoints';

export interface ClientOptions {
  /** SDK attempts per call, first try included (default 3). The directory sync passes 1 and retries itself. */
  readonly maxAttempts?: number;
  /** Abandon a request that has not answered after this long (default 30 s). */
  readonly requestTimeoutMs?: number;
}

/** Per-call options the SDK accepts; the abort signal cancels an in-flight request. */
export interface SendOptions {
  readonly abortSignal?: AbortSignal;
}

/** The SSO OIDC calls the sign-in code makes; an SSOOIDCClient is one, and so is a scripted test double. */
export interface OidcApi {
  send(command: RegisterClientCommand, options?: SendOptions): Promise<RegisterClientCommandOutput>;
  send(command: StartDeviceAuthorizationCommand, options?: SendOptions): Promise<StartDeviceAuthorizationCommandOutput>;
  send(command: CreateTokenCommand, options?: SendOptions): Promise<CreateTokenCommandOutput>;
}

/** The portal call sign-out makes. */
export interface PortalLogoutApi {
  send(command: LogoutCommand, options?: SendOptions): Promise<LogoutCommandOutput>;
}

const noCredentials = () => async () => {
  // Both services are unsigned (smithy.api#noAuth); reaching for credentials would be a bug.
  throw new Error('SSO OIDC and SSO portal calls are unsigned; no AWS credentials are used.');
};

/**
 * Everything the SDK would otherwise look up in the environment or ~/.aws/config is given
 * explicitly: the user's own AWS profile must not change how Rolecall signs in (a
 * `use_fips_endpoint` or `max_attempts` in [default] would otherwise leak in), and no
 * credential chain is ever consulted.
 */
const sharedConfig = (instance: Instance, endpoint: string, options: ClientOptions) => ({
  region: instance.region,
  endpoint,
  maxAttempts: options.maxAttempts ?? 3,
  retryMode: 'standard',
  defaultsMode: 'standard' as const,
  useFipsEndpoint: false,
  useDualstackEndpoint: false,
  userAgentAppId: 'rolecall',
  authSchemePreference: [] as string[],
  credentialDefaultProvider: noCredentials,
  // Without throwOnRequestTimeout the SDK only logs a warning and waits on a hung endpoint forever.
  requestHandler: { requestTimeout: options.requestTimeoutMs ?? 30_000, connectionTimeout: 10_000, throwOnRequestTimeout: true },
});

/** A new SSO OIDC client for one instance; instances never share one. */
export const createOidcClient = (instance: Instance, options: ClientOptions = {}): SSOOIDCClient =>
  new SSOOIDCClient(sharedConfig(instance, oidcEndpointFor(instance), options));

/** A new SSO portal client for one instance; instances never share one. */
export const createPortalClient = (instance: Instance, options: ClientOptions = {}): SSOClient =>
  new SSOClient(sharedConfig(instance, portalEndpointFor(instance), options));
