import { RolecallError } from '../model/errors';
import { accountIdSchema, roleNameSchema } from '../model/roles';
import type { IniDocument, IniSection } from './ini-document';
import { appendSection, commentAbove, findEntry, findSection, parseIni, printIni, removeKey, removeSection, setKey } from './ini-document';
import {
  DEFAULT_PROFILE_TEMPLATE,
  renderProfileTemplate,
  sanitizeProfileName,
  uniqueProfileName,
  validateProfileTemplate,
} from './profile-names';
import { sameStartUrl } from '../model/instances';

/** One assigned role to write as a profile. */
export interface PopulateRole {
  readonly accountId: string;
  readonly accountName: string;
  readonly roleName: string;
}

/** A saved chained role to write as a `role_arn` + `source_profile` profile named `name`. */
export interface PopulateChainedRole {
  readonly name: string;
  /** The Identity Center role whose profile is the source_profile. */
  readonly source: { readonly accountId: string; readonly roleName: string };
  readonly roleArn: string;
  readonly externalId?: string;
  readonly sessionName?: string;
  readonly durationSeconds?: number;
  readonly region?: string;
}

export interface PopulateInput {
  /** The current config file text ('' when there is none). */
  readonly text: string;
  /** Names the file in error messages. */
  readonly source?: string;
  /** The Rolecall instance; written in the marker so a later populate finds its own sections. */
  readonly instanceId: string;
  readonly session: {
    readonly name: string;
    readonly startUrl: string;
    readonly region: string;
    /** Default `sso:account:access`. */
    readonly registrationScopes?: string;
  };
  readonly roles: readonly PopulateRole[];
  /** Default `{account_name}-{role_name}`. */
  readonly template?: string;
  readonly lowercase?: boolean;
  /** Sets `region` in every profile written; without it an existing value is left alone. */
  readonly region?: string;
  /** Profiles run `<command> --account … --role … --instance …` instead of using the sso_* keys. */
  readonly credentialProcess?: { readonly command: string };
  /** Removes Rolecall's profiles for this instance whose role is no longer in `roles`. */
  readonly prune?: boolean;
  /** Chained roles, written after the role profiles; their source profiles are the roles' profiles. */
  readonly chainedRoles?: readonly PopulateChainedRole[];
  /** Removes Rolecall's chained-role profiles for this instance that are no longer in `chainedRoles`. */
  readonly pruneChained?: boolean;
}

export interface ProfileChange {
  readonly profile: string;
  readonly accountId: string;
  readonly roleName: string;
}

export interface PopulatePlan {
  readonly oldText: string;
  readonly newText: string;
  readonly session: 'added' | 'updated' | 'unchanged';
  readonly added: readonly ProfileChange[];
  readonly updated: readonly ProfileChange[];
  readonly removed: readonly ProfileChange[];
  readonly unchanged: readonly ProfileChange[];
  /** Rolecall's profiles for roles no longer assigned, kept because `prune` was off. */
  readonly stale: readonly ProfileChange[];
  /** One sentence each, for the user: renamed profiles, profiles the user already had. */
  readonly notes: readonly string[];
}

export const DEFAULT_REGISTRATION_SCOPES = 'sso:account:access';

/** The marker comment (without `# `) written right above every section Rolecall manages. */
export const rolecallMarker = (instanceId: string): string =>
  `Managed by Rolecall (instance ${instanceId}): edits to keys Rolecall sets are overwritten`;

const MARKER = /^\s*[#;]\s*Managed by Rolecall\b(?:\s*\(instance ([^)\s]+)\))?/;

/** The instance named by a Rolecall marker comment ('' for a marker without one), or undefined when it is not a marker. */
export const markerInstance = (comment: string): string | undefined => {
  const match = MARKER.exec(comment);
  return match ? (match[1] ?? '') : undefined;
};

const SSO_KEYS = ['sso_session', 'sso_account_id', 'sso_role_name'] as const;
const PROFILE_PREFIX = 'profile ';

const roleKey = (accountId: string, roleName: string): string => `${accountId}/${roleName}`;

const profileNameOf = (section: IniSection): string | undefined => {
  if (section.name === 'default') return 'default';
  // botocore shlex-splits the header; `profile  x` still names x.
  if (!section.name.startsWith(PROFILE_PREFIX)) return undefined;
  const rest = section.name.slice(PROFILE_PREFIX.length).trim();
  return rest === '' ? undefined : rest;
};

const valueOf = (section: IniSection, key: string): string | undefined => findEntry(section, key)?.value;

const argument = (command: string, flag: string): string | undefined => new RegExp(`(?:^|\\s)${flag}\\s+(\\S+)`).exec(command)?.[1];

/** What role a profile section is for, as far as this instance is concerned. */
const identify = (section: IniSection, input: PopulateInput): string | undefined => {
  const account = valueOf(section, 'sso_account_id');
  const role = valueOf(section, 'sso_role_name');
  if (valueOf(section, 'sso_session') === input.session.name && account && role) return roleKey(account, role);
  const process = valueOf(section, 'credential_process');
  if (process && argument(process, '--instance') === input.instanceId) {
    const processAccount = argument(process, '--account');
    const processRole = argument(process, '--role');
    if (processAccount && processRole) return roleKey(processAccount, processRole);
  }
  return undefined;
};

const assertSingleLine = (label: string, value: string): void => {
  if (/[\r\n]/.test(value) || value.trim() !== value || value === '') {
    throw new RolecallError(
      'invalid-input',
      `The ${label} "${value.replace(/[\r\n]/g, ' ')}" cannot be written to the AWS config file (it is empty, spans lines or has surrounding spaces); fix it and run the command again.`,
    );
  }
};

/** The keys Rolecall owns in a profile for one role, and the ones it must remove (the other mode's). */
const profileKeys = (input: PopulateInput, role: PopulateRole): { set: [string, string][]; remove: string[] } => {
  const set: [string, string][] = input.credentialProcess
    ? [
        [
          'credential_process',
          `${input.credentialProcess.command} --account ${role.accountId} --role ${role.roleName} --instance ${input.instanceId}`,
        ],
      ]
    : [
        ['sso_session', input.session.name],
        ['sso_account_id', role.accountId],
        ['sso_role_name', role.roleName],
      ];
  if (input.region !== undefined) set.push(['region', input.region]);
  return { set, remove: input.credentialProcess ? [...SSO_KEYS] : ['credential_process'] };
};

const applyKeys = (doc: IniDocument, sectionName: string, keys: { set: [string, string][]; remove: string[] }): IniDocument => {
  let next = doc;
  for (const key of keys.remove) next = removeKey(next, sectionName, key);
  for (const [key, value] of keys.set) next = setKey(next, sectionName, key, value);
  return next;
};

/** Adds or updates the `[sso-session NAME]` section; refuses one that points at another start URL. */
const upsertSession = (doc: IniDocument, input: PopulateInput, source: string): { doc: IniDocument; status: PopulatePlan['session'] } => {
  const { name, startUrl, region } = input.session;
  const scopes = input.session.registrationScopes ?? DEFAULT_REGISTRATION_SCOPES;
  const sectionName = `sso-session ${name}`;
  const existing = findSection(doc, sectionName);
  if (!existing) {
    const entries: [string, string][] = [
      ['sso_start_url', startUrl],
      ['sso_region', region],
      ['sso_registration_scopes', scopes],
    ];
    return { doc: appendSection(doc, sectionName, entries, [rolecallMarker(input.instanceId)]), status: 'added' };
  }
  const currentUrl = valueOf(existing, 'sso_start_url');
  if (currentUrl !== undefined && currentUrl !== '' && !sameStartUrl(currentUrl, startUrl)) {
    throw new RolecallError(
      'config-file',
      `${source} already has [${sectionName}] for ${currentUrl}, not ${startUrl}; give this instance another sso-session name in Rolecall or change that section, then run the command again.`,
    );
  }
  let next = setKey(doc, sectionName, 'sso_start_url', currentUrl && sameStartUrl(currentUrl, startUrl) ? currentUrl : startUrl);
  next = setKey(next, sectionName, 'sso_region', region);
  // A user's wider scope list that already grants account access is theirs to keep.
  const currentScopes = valueOf(existing, 'sso_registration_scopes');
  const hasScopes =
    currentScopes
      ?.split(',')
      .map((s) => s.trim())
      .includes(DEFAULT_REGISTRATION_SCOPES) ?? false;
  const isManaged = markerInstance(commentAbove(doc, existing) ?? '') !== undefined;
  if (isManaged || !hasScopes) next = setKey(next, sectionName, 'sso_registration_scopes', scopes);
  return { doc: next, status: printIni(next) === printIni(doc) ? 'unchanged' : 'updated' };
};

/**
 * Plans a `config populate`: one `[sso-session]` section and one `[profile]` per role,
 * editing Rolecall's own (marked) sections in place and never touching the user's, except
 * the sso-session keys it must set. Pure: returns the new text and what changed.
 */
export const planPopulate = (input: PopulateInput): PopulatePlan => {
  const source = input.source ?? 'The AWS config file';
  const template = input.template ?? DEFAULT_PROFILE_TEMPLATE;
  validateProfileTemplate(template);
  assertSingleLine('sso-session name', input.session.name);
  assertSingleLine('start URL', input.session.startUrl);
  assertSingleLine('region', input.session.region);
  if (input.region !== undefined) assertSingleLine('region', input.region);
  if (input.credentialProcess) assertSingleLine('credential_process command', input.credentialProcess.command);
  for (const role of input.roles) {
    if (!accountIdSchema.safeParse(role.accountId).success || !roleNameSchema.safeParse(role.roleName).success) {
      throw new RolecallError(
        'invalid-input',
        `"${role.accountId}" / "${role.roleName}" is not a valid account id and role name, so no profile was written for it; sync the directory and try again.`,
      );
    }
  }

  const original = parseIni(input.text, source);
  const session = upsertSession(original, input, source);
  let doc = session.doc;

  // Rolecall's profiles for this instance, and profiles the user wrote for the same roles.
  const managed = new Map<string, string>();
  const userWritten = new Map<string, string>();
  for (const section of doc.sections) {
    const profile = profileNameOf(section);
    if (profile === undefined) continue;
    const key = identify(section, input);
    const marker = markerInstance(commentAbove(doc, section) ?? '');
    const ours = marker === input.instanceId || (marker === '' && key !== undefined);
    if (key === undefined) continue;
    if (ours && !managed.has(key)) managed.set(key, section.name);
    else if (!ours && !userWritten.has(key)) userWritten.set(key, profile);
  }
  const taken = new Set(doc.sections.map(profileNameOf).filter((p): p is string => p !== undefined));

  const added: ProfileChange[] = [];
  const updated: ProfileChange[] = [];
  const unchanged: ProfileChange[] = [];
  const notes: string[] = [];
  const wanted = new Set<string>();

  for (const role of input.roles) {
    const key = roleKey(role.accountId, role.roleName);
    if (wanted.has(key)) continue;
    wanted.add(key);
    const keys = profileKeys(input, role);
    const existing = managed.get(key);
    if (existing !== undefined) {
      const before = printIni(doc);
      doc = applyKeys(doc, existing, keys);
      const change = { profile: existing.slice(PROFILE_PREFIX.length).trim(), accountId: role.accountId, roleName: role.roleName };
      (printIni(doc) === before ? unchanged : updated).push(change);
      continue;
    }
    const theirs = userWritten.get(key);
    if (theirs !== undefined) {
      unchanged.push({ profile: theirs, accountId: role.accountId, roleName: role.roleName });
      notes.push(
        `Profile "${theirs}" already uses ${role.roleName} in ${role.accountId} and is not managed by Rolecall, so it was left as it is.`,
      );
      continue;
    }
    const rendered = renderProfileTemplate(template, {
      account_name: role.accountName,
      account_id: role.accountId,
      role_name: role.roleName,
      sso_session: input.session.name,
    });
    const wantedName =
      sanitizeProfileName(rendered, { lowercase: input.lowercase }) || sanitizeProfileName(`${role.accountId}-${role.roleName}`);
    const profile = uniqueProfileName(wantedName, taken);
    if (profile !== wantedName)
      notes.push(
        `A profile named "${wantedName}" already exists and is not this role's, so ${role.roleName} in ${role.accountId} was written as "${profile}".`,
      );
    taken.add(profile);
    doc = appendSection(doc, `${PROFILE_PREFIX}${profile}`, keys.set, [rolecallMarker(input.instanceId)]);
    added.push({ profile, accountId: role.accountId, roleName: role.roleName });
  }

  const written = new Map<string, string>();
  for (const change of [...added, ...updated, ...unchanged]) written.set(roleKey(change.accountId, change.roleName), change.profile);
  const profileOfRole = (accountId: string, roleName: string): string | undefined => {
    const key = roleKey(accountId, roleName);
    const section = written.get(key) ?? managed.get(key);
    if (section !== undefined) return section.startsWith(PROFILE_PREFIX) ? section.slice(PROFILE_PREFIX.length).trim() : section;
    return userWritten.get(key);
  };

  const removed: ProfileChange[] = [];
  const stale: ProfileChange[] = [];
  for (const [key, sectionName] of managed) {
    if (wanted.has(key)) continue;
    const [accountId = '', roleName = ''] = key.split('/');
    const change = { profile: sectionName.slice(PROFILE_PREFIX.length).trim(), accountId, roleName };
    if (!input.prune) {
      stale.push(change);
      continue;
    }
    doc = removeSection(doc, sectionName, (comment) => markerInstance(comment) !== undefined);
    removed.push(change);
  }

  const chained = planChained(doc, input, profileOfRole, { added, updated, unchanged, removed, notes });
  doc = chained;

  return { oldText: input.text, newText: printIni(doc), session: session.status, added, updated, removed, unchanged, stale, notes };
};

/** The account and role name in a role ARN, for the summary. */
const arnParts = (arn: string): { accountId: string; roleName: string } => {
  const [, , , , accountId = '', resource = ''] = arn.split(':');
  return { accountId, roleName: resource.slice(resource.lastIndexOf('/') + 1) };
};

const CHAINED_KEYS = ['role_arn', 'source_profile', 'external_id', 'role_session_name', 'duration_seconds', 'region'] as const;

/**
 * The chained-role profiles: `role_arn` + `source_profile` (the AWS CLI and SDKs then call
 * AssumeRole with the source profile's credentials, and cache the result themselves). A
 * profile of that name the user wrote is left alone; Rolecall's own are updated in place.
 */
const planChained = (
  start: IniDocument,
  input: PopulateInput,
  profileOfRole: (accountId: string, roleName: string) => string | undefined,
  out: { added: ProfileChange[]; updated: ProfileChange[]; unchanged: ProfileChange[]; removed: ProfileChange[]; notes: string[] },
): IniDocument => {
  let doc = start;
  const isOurChain = (section: IniSection): boolean =>
    markerInstance(commentAbove(doc, section) ?? '') === input.instanceId && valueOf(section, 'role_arn') !== undefined;
  const wanted = new Set<string>();
  for (const chain of input.chainedRoles ?? []) {
    assertSingleLine('profile name', chain.name);
    const change = { profile: chain.name, ...arnParts(chain.roleArn) };
    if (wanted.has(chain.name)) continue;
    wanted.add(chain.name);
    const sourceProfile = profileOfRole(chain.source.accountId, chain.source.roleName);
    if (sourceProfile === undefined) {
      out.notes.push(
        `The chained role "${chain.name}" was not written: no profile for its source role ${chain.source.roleName} in ${chain.source.accountId} (is the role still assigned, or left out by --filter?).`,
      );
      continue;
    }
    const set: [string, string][] = [
      ['role_arn', chain.roleArn],
      ['source_profile', sourceProfile],
    ];
    if (chain.externalId) set.push(['external_id', chain.externalId]);
    if (chain.sessionName) set.push(['role_session_name', chain.sessionName]);
    if (chain.durationSeconds) set.push(['duration_seconds', String(chain.durationSeconds)]);
    const region = chain.region ?? input.region;
    if (region) set.push(['region', region]);
    for (const [key, value] of set) assertSingleLine(key.replace(/_/g, ' '), value);
    const sectionName = `${PROFILE_PREFIX}${chain.name}`;
    const existing = doc.sections.find((section) => profileNameOf(section) === chain.name);
    if (existing && !isOurChain(existing)) {
      out.unchanged.push(change);
      out.notes.push(`A profile named "${chain.name}" already exists and is not Rolecall's chained role, so it was left as it is.`);
      continue;
    }
    if (!existing) {
      doc = appendSection(doc, sectionName, set, [rolecallMarker(input.instanceId)]);
      out.added.push(change);
      continue;
    }
    const before = printIni(doc);
    // The optional keys Rolecall set before and no longer sets go; the user's other keys stay.
    for (const key of CHAINED_KEYS) if (!set.some(([name]) => name === key) && key !== 'region') doc = removeKey(doc, existing.name, key);
    for (const [key, value] of set) doc = setKey(doc, existing.name, key, value);
    (printIni(doc) === before ? out.unchanged : out.updated).push(change);
  }
  for (const section of [...doc.sections]) {
    const profile = profileNameOf(section);
    if (profile === undefined || wanted.has(profile) || !isOurChain(section)) continue;
    const change = { profile, ...arnParts(valueOf(section, 'role_arn') ?? '') };
    if (!input.prune && !input.pruneChained) {
      out.notes.push(`The Rolecall profile "${profile}" is for a chained role no longer saved; run again with --prune to remove it.`);
      continue;
    }
    doc = removeSection(doc, section.name, (comment) => markerInstance(comment) !== undefined);
    out.removed.push(change);
  }
  return doc;
};
