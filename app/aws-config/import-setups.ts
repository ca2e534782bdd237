import { readSsoCache } from '../aws-cli-cache/sso-cache';
import type { AwsEnv } from '../aws-cli-cache/aws-paths';
import type { Instance } from '../model/instances';
import { normalizeStartUrl, regionSchema, ssoSessionNameSchema, startUrlProblem } from '../model/instances';
import type { FoundSetup, SetupDiscovery, SkippedSetup } from '../model/setups';
import type { SsoToken } from '../model/tokens';
import { defaultInstanceName } from '../session/instance-registry';
import { readConfigFile } from './config-file';
import { findEntry, parseIni } from './ini-document';
import type { IniSection } from './ini-document';

/**
 * Finds the Identity Center set-ups a user already has in their AWS CLI config, so Rolecall
 * can offer them as instances instead of asking for the start URL and region again. Only
 * reads: the config file and the SSO token cache are never written here.
 */

/** A set-up as the config file describes it, before the cache and Rolecall's instances are consulted. */
export interface ConfigSetup {
  readonly name: string;
  /** The sso-session name the AWS CLI caches its token under (undefined for legacy profiles: keyed by start URL). */
  readonly cacheSessionName?: string;
  readonly startUrl: string;
  readonly region: string;
  readonly from: FoundSetup['from'];
  readonly section: string;
  readonly profiles: readonly string[];
}

const SSO_SESSION = /^sso-session\s+(\S.*)$/;
const PROFILE = /^profile\s+(\S.*)$/;

const value = (section: IniSection, key: string): string | undefined => {
  const entry = findEntry(section, key);
  return entry && entry.fullValue !== '' ? entry.fullValue : undefined;
};

const profileName = (section: IniSection): string | undefined =>
  section.name === 'default' ? 'default' : PROFILE.exec(section.name)?.[1]?.trim();

const problemOf = (startUrl: string | undefined, region: string | undefined, urlKey: string, regionKey: string): string | undefined => {
  if (!startUrl) return `it has no ${urlKey}.`;
  if (!region) return `it has no ${regionKey}.`;
  const urlProblem = startUrlProblem(startUrl);
  if (urlProblem) return urlProblem;
  if (!regionSchema.safeParse(region).success) return `"${region}" is not an AWS region name.`;
  return undefined;
};

const keyOf = (startUrl: string, region: string): string => `${normalizeStartUrl(startUrl)} ${region}`;

/** A name no other set-up and no `[sso-session]` of the file uses, so caches and labels stay apart. */
const freeName = (base: string, taken: Set<string>): string => {
  let candidate = base;
  for (let n = 2; taken.has(candidate) && n < 10_000; n += 1) candidate = `${base}-${n}`;
  taken.add(candidate);
  return candidate;
};

/**
 * Reads the set-ups out of the config text: every `[sso-session]` with sso_start_url and
 * sso_region, then every profile with its own sso_start_url (the legacy form). The same
 * start URL + region appears once (the first section wins, later profiles join it).
 */
export const findConfigSetups = (text: string, source?: string): { setups: ConfigSetup[]; skipped: SkippedSetup[] } => {
  const doc = parseIni(text, source);
  const byKey = new Map<string, { setup: ConfigSetup; profiles: string[] }>();
  const skipped: SkippedSetup[] = [];
  const sessionNames = new Set(doc.sections.flatMap((section) => SSO_SESSION.exec(section.name)?.[1]?.trim() ?? []));
  const sessionKeys = new Map<string, string>();

  for (const section of doc.sections) {
    const name = SSO_SESSION.exec(section.name)?.[1]?.trim();
    if (name === undefined) continue;
    const startUrl = value(section, 'sso_start_url');
    const region = value(section, 'sso_region');
    const problem = problemOf(startUrl, region, 'sso_start_url', 'sso_region');
    if (problem || !startUrl || !region) {
      skipped.push({ section: section.name, reason: `[${section.name}] is skipped: ${problem}` });
      continue;
    }
    if (!ssoSessionNameSchema.safeParse(name).success) {
      skipped.push({ section: section.name, reason: `[${section.name}] is skipped: its name has characters the AWS CLI does not allow.` });
      continue;
    }
    const key = keyOf(startUrl, region);
    sessionKeys.set(name, key);
    if (byKey.has(key)) continue;
    byKey.set(key, {
      setup: {
        name,
        cacheSessionName: name,
        startUrl: normalizeStartUrl(startUrl),
        region,
        from: 'sso-session',
        section: section.name,
        profiles: [],
      },
      profiles: [],
    });
  }

  const legacyNames = new Set(sessionNames);
  for (const section of doc.sections) {
    const profile = profileName(section);
    if (profile === undefined) continue;
    const session = value(section, 'sso_session');
    if (session !== undefined) {
      const key = sessionKeys.get(session);
      if (key) byKey.get(key)?.profiles.push(profile);
      continue;
    }
    const startUrl = value(section, 'sso_start_url');
    if (startUrl === undefined) continue;
    const region = value(section, 'sso_region');
    const problem = problemOf(startUrl, region, 'sso_start_url', 'sso_region');
    if (problem || !region) {
      skipped.push({ section: section.name, reason: `[${section.name}] is skipped: ${problem}` });
      continue;
    }
    const key = keyOf(startUrl, region);
    const known = byKey.get(key);
    if (known) {
      known.profiles.push(profile);
      continue;
    }
    const normalized = normalizeStartUrl(startUrl);
    byKey.set(key, {
      setup: {
        name: freeName(defaultInstanceName(normalized), legacyNames),
        startUrl: normalized,
        region,
        from: 'legacy-profile',
        section: section.name,
        profiles: [],
      },
      profiles: [profile],
    });
  }

  return { setups: [...byKey.values()].map(({ setup, profiles }) => ({ ...setup, profiles })), skipped };
};

/** The token the AWS CLI cached for a set-up, when there is a readable one. */
export const cachedTokenOf = async (env: AwsEnv, setup: ConfigSetup): Promise<SsoToken | undefined> => {
  try {
    const found = await readSsoCache({
      env,
      ...(setup.cacheSessionName !== undefined ? { sessionName: setup.cacheSessionName } : {}),
      startUrl: setup.startUrl,
      region: setup.region,
    });
    return found.status === 'ok' ? found.token : undefined;
  } catch {
    // An unreadable cache file only means a new sign-in; the set-up is still worth offering.
    return undefined;
  }
};

/** Whether a cached token still signs in (a minute's margin, so it does not expire on arrival). */
export const isUsableToken = (token: SsoToken | undefined, now: number): token is SsoToken =>
  token !== undefined && token.expiresAt > now + 60_000;

/**
 * Everything `rolecall import` and the views offer: the config's set-ups, each marked with
 * its cached token's state and with the Rolecall instance that already has it (same start
 * URL and region), which is then not imported again.
 */
export const discoverSetups = async (options: {
  readonly env: AwsEnv;
  readonly instances: readonly Instance[];
  readonly now: number;
}): Promise<SetupDiscovery & { readonly tokens: ReadonlyMap<string, SsoToken> }> => {
  const file = await readConfigFile(options.env);
  const { setups, skipped } = findConfigSetups(file.text, file.path);
  const tokens = new Map<string, SsoToken>();
  const found: FoundSetup[] = [];
  for (const setup of setups) {
    const token = await cachedTokenOf(options.env, setup);
    const existing = options.instances.find(
      (instance) => keyOf(instance.startUrl, instance.region) === keyOf(setup.startUrl, setup.region),
    );
    if (token) tokens.set(setup.name, token);
    found.push({
      name: setup.name,
      startUrl: setup.startUrl,
      region: setup.region,
      from: setup.from,
      section: setup.section,
      profiles: setup.profiles,
      cachedToken: token === undefined ? 'none' : isUsableToken(token, options.now) ? 'valid' : 'expired',
      ...(token ? { cachedTokenExpiresAt: token.expiresAt } : {}),
      ...(existing ? { configuredAs: existing.label } : {}),
    });
  }
  return { path: file.path, exists: file.exists, setups: found, skipped, tokens };
};
