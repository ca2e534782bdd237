import { RolecallError } from '../model/errors';
import type { Instance, NewInstance } from '../model/instances';
import { instanceSchema, normalizeStartUrl } from '../model/instances';

/**
 * Turns what a user typed (start URL, region, optional label, session name, endpoint) into
 * a stored Instance with a stable id, a readable label and an sso-session name.
 */

const slug = (value: string): string =>
  value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'instance';

/** "https://d-1234567890.awsapps.com/start" → "d-1234567890"; "http://127.0.0.1:4000/start" → "127-0-0-1-4000". */
export const defaultInstanceName = (startUrl: string): string => {
  const url = new URL(startUrl);
  const host =
    url.hostname.endsWith('.awsapps.com') || url.hostname.endsWith('.awsapps.cn') ? (url.hostname.split('.')[0] ?? url.hostname) : url.host;
  return slug(host);
};

const uniqueName = (base: string, taken: ReadonlySet<string>): string => {
  if (!taken.has(base)) return base;
  for (let n = 2; n < 10_000; n += 1) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  throw new RolecallError('invalid-input', 'Too many instances share that name; give this one a label.');
};

const endpointsFromBase = (base: string): NonNullable<Instance['endpoints']> => {
  const trimmed = base.replace(/\/+$/, '');
  return { oidc: trimmed, portal: trimmed, federation: `${trimmed}/federation`, sts: trimmed };
};

/** Builds a new Instance; rejects a start URL + region pair that is already configured. */
export const createInstance = (input: NewInstance, existing: readonly Instance[]): Instance => {
  const startUrl = normalizeStartUrl(input.startUrl);
  const duplicate = existing.find((instance) => instance.startUrl === startUrl && instance.region === input.region);
  if (duplicate) {
    throw new RolecallError('invalid-input', `${startUrl} (${input.region}) is already configured as "${duplicate.label}".`);
  }
  const base = defaultInstanceName(startUrl);
  const sessionNames = new Set(existing.map((instance) => instance.ssoSessionName));
  if (input.ssoSessionName && sessionNames.has(input.ssoSessionName)) {
    throw new RolecallError(
      'invalid-input',
      `Another instance already uses the sso-session name "${input.ssoSessionName}"; choose another.`,
    );
  }
  const candidate = {
    id: uniqueName(base, new Set(existing.map((instance) => instance.id))),
    label: input.label ?? base,
    startUrl,
    region: input.region,
    ssoSessionName: input.ssoSessionName ?? uniqueName(base, sessionNames),
    ...(input.endpoint ? { endpoints: endpointsFromBase(input.endpoint) } : {}),
  };
  return instanceSchema.parse(candidate);
};

/** Finds an instance by id, label or sso-session name; with no selector, the only one. */
export const selectInstance = (instances: readonly Instance[], selector?: string): Instance => {
  if (instances.length === 0) {
    throw new RolecallError(
      'not-found',
      'No Identity Center instance is configured; run `rolecall login --start-url URL --region REGION` (or `rolecall import` to use those of ~/.aws/config) first.',
    );
  }
  if (!selector) {
    if (instances.length === 1) return instances[0] as Instance;
    throw new RolecallError(
      'invalid-input',
      `Several instances are configured (${instances.map((i) => i.id).join(', ')}); choose one with --instance.`,
    );
  }
  const found = instances.find(
    (i) => i.id === selector || i.label === selector || i.ssoSessionName === selector || i.startUrl === selector,
  );
  if (!found) {
    throw new RolecallError('not-found', `No instance called "${selector}"; configured: ${instances.map((i) => i.id).join(', ')}.`);
  }
  return found;
};
