import { RegisterClientCommand } from '@aws-sdk/client-sso-oidc';
import { z } from 'zod';
import { RolecallError } from '../model/errors';
import type { Instance } from '../model/instances';
import type { ClientRegistration } from '../model/tokens';
import type { Clock } from '../ports/clock';
import type { SecretStore } from '../ports/secret-store';
import type { OidcApi } from './clients';
import { oidcEndpointFor } from './endpoints';
import { toRolecallError } from './error-mapping';

export type SignInFlow = 'device' | 'pkce';

export const accountAccessScope = 'sso:account:access';
export const deviceCodeGrantType = 'urn:ietf:params:oauth:grant-type:device_code';

/** The grant types a registration for a flow asks for; refresh_token makes CreateToken issue refresh tokens. */
export const grantTypesFor = (flow: SignInFlow): readonly string[] =>
  flow === 'device' ? [deviceCodeGrantType, 'refresh_token'] : ['authorization_code', 'refresh_token'];

/** A registration as cached: what RegisterClient returned and what it was asked for. Secret (clientSecret). */
export interface StoredRegistration extends ClientRegistration {
  /** Epoch ms at which it was issued; with expiresAt it sets how early it is renewed. */
  readonly issuedAt: number;
  /** The OIDC endpoint it was registered at: a registration is only valid where it was made. */
  readonly endpoint: string;
  readonly redirectUris: readonly string[];
  readonly issuerUrl?: string;
  readonly authorizationEndpoint?: string;
  readonly tokenEndpoint?: string;
}

const storedRegistrationSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  expiresAt: z.number(),
  issuedAt: z.number(),
  endpoint: z.string(),
  scopes: z.array(z.string()),
  grantTypes: z.array(z.string()),
  redirectUris: z.array(z.string()),
  issuerUrl: z.string().optional(),
  authorizationEndpoint: z.string().optional(),
  tokenEndpoint: z.string().optional(),
});

/** The secret-store key of an instance's registration for a flow. */
export const registrationKey = (instanceId: string, flow: SignInFlow): string => `registration/${instanceId}/${flow}`;

const hourMs = 60 * 60 * 1000;

/**
 * Renew an hour before expiry, so a sign-in never starts with a registration that dies
 * (taking refresh with it) soon after; short-lived registrations (the emulator) renew at
 * half their life instead of always.
 */
export const renewalMarginMs = (registration: Pick<StoredRegistration, 'issuedAt' | 'expiresAt'>): number =>
  Math.min(hourMs, Math.max(0, (registration.expiresAt - registration.issuedAt) / 2));

export interface RegistrationRequest {
  readonly oidc: OidcApi;
  readonly instance: Instance;
  readonly secrets: SecretStore;
  readonly clock: Clock;
  readonly flow: SignInFlow;
  /** PKCE only: the loopback redirect URI to register. */
  readonly redirectUri?: string;
  /** PKCE only: defaults to the instance's start URL. */
  readonly issuerUrl?: string;
  readonly signal?: AbortSignal;
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => {
  const sortedB = [...b].sort();
  return a.length === b.length && [...a].sort().every((value, index) => value === sortedB[index]);
};

interface Wanted {
  readonly endpoint: string;
  readonly scopes: readonly string[];
  readonly grantTypes: readonly string[];
  readonly redirectUris: readonly string[];
  readonly issuerUrl?: string;
}

const wantedFor = (request: RegistrationRequest): Wanted => ({
  endpoint: oidcEndpointFor(request.instance),
  scopes: [accountAccessScope],
  grantTypes: grantTypesFor(request.flow),
  redirectUris: request.flow === 'pkce' && request.redirectUri ? [request.redirectUri] : [],
  ...(request.flow === 'pkce' ? { issuerUrl: request.issuerUrl ?? request.instance.startUrl } : {}),
});

const readCached = async (secrets: SecretStore, key: string): Promise<StoredRegistration | undefined> => {
  try {
    const text = await secrets.get(key);
    if (text === undefined) return undefined;
    const parsed = storedRegistrationSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // A locked keyring or a garbled entry costs one RegisterClient call, nothing more.
    return undefined;
  }
};

const fits = (cached: StoredRegistration, wanted: Wanted, now: number): boolean =>
  cached.endpoint === wanted.endpoint &&
  sameList(cached.scopes, wanted.scopes) &&
  sameList(cached.grantTypes, wanted.grantTypes) &&
  sameList(cached.redirectUris, wanted.redirectUris) &&
  cached.issuerUrl === wanted.issuerUrl &&
  now < cached.expiresAt - renewalMarginMs(cached);

/**
 * The instance's client registration for a flow: the cached one while it is valid and was
 * made for the same endpoint, scopes, grant types and redirect, else a fresh RegisterClient
 * (which is then cached).
 */
export const ensureClientRegistration = async (request: RegistrationRequest): Promise<StoredRegistration> => {
  const { oidc, instance, secrets, clock, flow, signal } = request;
  const key = registrationKey(instance.id, flow);
  const wanted = wantedFor(request);
  const cached = await readCached(secrets, key);
  if (cached && fits(cached, wanted, clock.now())) return cached;
  // A secret store that answered late (a keychain prompt) must not start a request for a cancelled sign-in.
  if (signal?.aborted) throw new RolecallError('sign-in-cancelled', 'Sign-in was cancelled.', { cause: signal.reason });

  const requestedAt = clock.now();
  let response;
  try {
    response = await oidc.send(
      new RegisterClientCommand({
        clientName: 'rolecall',
        clientType: 'public',
        scopes: [...wanted.scopes],
        grantTypes: [...wanted.grantTypes],
        ...(wanted.redirectUris.length > 0 ? { redirectUris: [...wanted.redirectUris] } : {}),
        ...(wanted.issuerUrl ? { issuerUrl: wanted.issuerUrl } : {}),
      }),
      signal ? { abortSignal: signal } : {},
    );
  } catch (error) {
    throw toRolecallError(error, 'register Rolecall with IAM Identity Center');
  }
  if (!response.clientId || !response.clientSecret) {
    throw new RolecallError('internal', 'IAM Identity Center answered the app registration without a client id or secret; try again.');
  }
  const issuedAt = response.clientIdIssuedAt ? response.clientIdIssuedAt * 1000 : requestedAt;
  const registration: StoredRegistration = {
    clientId: response.clientId,
    clientSecret: response.clientSecret,
    // Without an expiry we cannot know how long it lasts: use it for this sign-in only.
    expiresAt: response.clientSecretExpiresAt ? response.clientSecretExpiresAt * 1000 : requestedAt,
    issuedAt,
    endpoint: wanted.endpoint,
    scopes: wanted.scopes,
    grantTypes: wanted.grantTypes,
    redirectUris: wanted.redirectUris,
    ...(wanted.issuerUrl ? { issuerUrl: wanted.issuerUrl } : {}),
    ...(response.authorizationEndpoint ? { authorizationEndpoint: response.authorizationEndpoint } : {}),
    ...(response.tokenEndpoint ? { tokenEndpoint: response.tokenEndpoint } : {}),
  };
  // A sign-in cancelled (or its core stopped) while registering keeps nothing: the next owner registers.
  if (signal?.aborted) throw new RolecallError('sign-in-cancelled', 'Sign-in was cancelled.', { cause: signal.reason });
  if (registration.expiresAt > requestedAt) {
    // Caching only saves a call next time; a store that cannot write must not fail the sign-in.
    await secrets.set(key, JSON.stringify(registration)).catch(() => undefined);
  }
  return registration;
};

/** Drops cached registrations of an instance (one flow, or both), e.g. after InvalidClientException. */
export const forgetClientRegistration = async (options: {
  readonly secrets: SecretStore;
  readonly instanceId: string;
  readonly flow?: SignInFlow;
}): Promise<void> => {
  const flows: readonly SignInFlow[] = options.flow ? [options.flow] : ['device', 'pkce'];
  await Promise.all(flows.map((flow) => options.secrets.delete(registrationKey(options.instanceId, flow)).catch(() => undefined)));
};
