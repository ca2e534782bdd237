import type { Instance } from '../model/instances';
import type { Preferences } from '../model/settings';
import type { RoleCredentials } from '../model/tokens';
import { createConsoleUrl } from './federation';

export interface ConsoleUrlForInput {
  readonly instance: Pick<Instance, 'region' | 'endpoints'>;
  readonly preferences: Pick<Preferences, 'consoleRegion' | 'consoleDestination'>;
  readonly credentials: RoleCredentials;
  /** What the user asked for on this call; each falls back to the preference, then the instance. */
  readonly choice?: { readonly region?: string; readonly destination?: string };
}

/**
 * A console sign-in URL for credentials the core does not hold itself (a chained role's):
 * the same region and destination rules as a role's console. getSigninToken never sends
 * SessionDuration, which AWS refuses for credentials obtained by role chaining.
 */
export const consoleUrlFor = async (input: ConsoleUrlForInput): Promise<{ url: string; region: string }> => {
  const region = input.choice?.region ?? input.preferences.consoleRegion ?? input.instance.region;
  const destination = input.choice?.destination ?? input.preferences.consoleDestination ?? undefined;
  const federationEndpoint = input.instance.endpoints?.federation;
  const url = await createConsoleUrl({
    credentials: input.credentials,
    region,
    ...(destination ? { destination } : {}),
    ...(federationEndpoint ? { federationEndpoint } : {}),
    issuer: 'Rolecall',
  });
  return { url, region };
};
