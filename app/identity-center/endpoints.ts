import type { Instance } from '../model/instances';
import { RolecallError } from '../model/errors';
import { partitionOf } from '../model/partitions';

type EndpointSource = Pick<Instance, 'region' | 'endpoints'>;

// The SDK joins operation paths onto the endpoint; a trailing slash would double them.
const trimSlash = (url: string): string => url.replace(/\/+$/, '');

const dnsSuffixFor = (region: string): string => {
  const partition = partitionOf(region);
  if (!partition) {
    throw new RolecallError(
      'invalid-input',
      `"${region}" is not an AWS region; set the region the Identity Center instance lives in (for example us-east-1).`,
    );
  }
  return partition.dnsSuffix;
};

/** The SSO OIDC endpoint of an instance: its override, or the regional endpoint of its partition. */
export const oidcEndpointFor = (instance: EndpointSource): string =>
  instance.endpoints?.oidc ? trimSlash(instance.endpoints.oidc) : `https://oidc.${instance.region}.${dnsSuffixFor(instance.region)}`;

/** The SSO portal endpoint of an instance: its override, or the regional endpoint of its partition. */
export const portalEndpointFor = (instance: EndpointSource): string =>
  instance.endpoints?.portal
    ? trimSlash(instance.endpoints.portal)
    : `https://portal.sso.${instance.region}.${dnsSuffixFor(instance.region)}`;

/**
 * The STS endpoint for calls in `region` (role chaining, GetCallerIdentity): the instance's
 * override, or STS's regional endpoint (the SDK's default; the global one is legacy).
 */
export const stsEndpointFor = (instance: Pick<Instance, 'endpoints'>, region: string): string =>
  instance.endpoints?.sts ? trimSlash(instance.endpoints.sts) : `https://sts.${region}.${dnsSuffixFor(region)}`;

/** Endpoint overrides for a server that answers every API on one base URL (the local emulator). */
export const instanceEndpointsFromBase = (
  base: string,
): { readonly oidc: string; readonly portal: string; readonly federation: string; readonly sts: string } => {
  const root = trimSlash(base);
  return { oidc: root, portal: root, federation: `${root}/federation`, sts: root };
};
