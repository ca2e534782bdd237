import { partitions } from '../app/model/partitions';

/** The configured instances, as far as the allowlist cares: where they live. */
export interface AllowlistContext {
  readonly instances: readonly {
    readonly startUrl: string;
    readonly endpoints?: { readonly oidc?: string; readonly portal?: string; readonly federation?: string };
  }[];
}

const isLoopbackHost = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);

const hostIsOrUnder = (hostname: string, domain: string): boolean => hostname === domain || hostname.endsWith(`.${domain}`);

/** Pages AWS shows a signed-in or signing-in user, in every partition. */
const awsPageHost = (hostname: string): boolean =>
  // Access portals: d-xxxx.awsapps.com (and start.us-gov-home.awsapps.com), d-xxxx.awsapps.cn.
  /^[a-z0-9-]+(\.[a-z0-9-]+)*\.awsapps\.(com|cn)$/.test(hostname) ||
  // Dual-stack access portals: ssoins-xxxx.portal.<region>.app.aws.
  /^[a-z0-9-]+\.portal\.[a-z0-9-]+\.app\.aws$/.test(hostname) ||
  // The device verification page of SSO OIDC in any region.
  /^device\.sso\.[a-z0-9-]+\.(amazonaws\.com|amazonaws\.com\.cn|app\.aws)$/.test(hostname) ||
  partitions.some((partition) => hostIsOrUnder(hostname, partition.signinHost) || hostIsOrUnder(hostname, partition.consoleHost));

const safeParse = (value: string): URL | undefined => {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
};

const configuredOrigins = (context: AllowlistContext): Set<string> => {
  const origins = new Set<string>();
  for (const instance of context.instances) {
    for (const value of [instance.startUrl, instance.endpoints?.oidc, instance.endpoints?.portal, instance.endpoints?.federation]) {
      const url = value === undefined ? undefined : safeParse(value);
      if (url) origins.add(url.origin);
    }
  }
  return origins;
};

/**
 * Whether Rolecall may hand `url` to the OS browser: https pages of the AWS endpoints it
 * uses (access portals, device verification, sign-in and console in every partition), and a
 * loopback http emulator only when an instance points at it. Everything else (other
 * schemes, credentials in the URL, other sites) is refused, because a compromised or
 * confused renderer must not turn into a launcher. Configured instances never widen the
 * https list: the page can add an instance with any start URL (`instance:add`), so an
 * instance at https://attacker.example would otherwise make that whole site openable.
 */
export const isAllowedExternalUrl = (value: string, context: AllowlistContext): boolean => {
  const url = safeParse(value);
  if (!url || url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return url.port === '' && awsPageHost(url.hostname);
  if (url.protocol === 'http:') return isLoopbackHost(url.hostname) && configuredOrigins(context).has(url.origin);
  return false;
};
