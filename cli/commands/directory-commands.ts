import { z } from 'zod';
import { RolecallError } from '../../app/model/errors';
import { copyFormatSchema } from '../../app/model/settings';
import type { Directory } from '../../app/model/roles';
import { selectInstance } from '../../app/session/instance-registry';
import type { RolecallController } from '../../app/session/controller';
import { openCliCore } from '../../app/node/open-core';
import type { CliOutput } from '../../app/node/terminal-output';
import { filterRoles, resolveRole } from '../role-resolution';
import { terminalSafe } from '../../app/node/terminal-text';
import { canOpenBrowser, systemBrowser } from '../../app/node/system-browser';
import { parseOptions } from '../../app/node/command-options';
import { formatCredentials } from '../../app/credentials/formats';
import { RoleChainer, callerIdentity, stsTargetFor } from '../../app/credentials/role-chaining';
import type { CallerIdentity } from '../../app/credentials/role-chaining';
import { consoleUrlFor } from '../../app/console/console-url';
import { externalIdSchema, roleArnParts, roleArnSchema, roleSessionNameSchema } from '../../app/model/chained-roles';
import type { ChainedRole } from '../../app/model/chained-roles';
import type { Instance } from '../../app/model/instances';
import type { RoleRef } from '../../app/model/roles';
import type { RoleCredentials } from '../../app/model/tokens';
import { systemClock } from '../../app/ports/clock';

export const instanceOption = { instance: z.string().optional() };

/** Opens the core, runs `work`, and always stops the core (timers, sockets) afterwards. */
export const withCore = async <T>(work: (core: RolecallController) => Promise<T>): Promise<T> => {
  const { core } = await openCliCore();
  try {
    return await work(core);
  } finally {
    await core.stop();
  }
};

/** The directory from the cache, or synced now (with progress on a terminal). */
const loadDirectory = async (core: RolecallController, instanceId: string, refresh: boolean, output: CliOutput): Promise<Directory> => {
  const unsubscribe = core.subscribe((event) => {
    if (event.channel !== 'state:changed' || !output.interactive) return;
    const sync = event.payload.instances.find((instance) => instance.id === instanceId)?.sync;
    if (sync?.status === 'syncing')
      process.stderr.write(`\rListing accounts and roles… ${sync.done}${sync.total ? `/${sync.total}` : ''}   `);
  });
  try {
    return refresh ? await core.sync(instanceId) : await core.directory(instanceId);
  } finally {
    unsubscribe();
    if (output.interactive) process.stderr.write('\r\x1b[K');
  }
};

const lsSchema = z.object({ ...instanceOption, json: z.boolean().default(false), refresh: z.boolean().default(false) });

/** `rolecall ls [filter…]`: every role assigned to the user, as a table or JSON. */
export const ls = async (filter: readonly string[], raw: unknown, output: CliOutput): Promise<void> => {
  const options = parseOptions(lsSchema, raw);
  await withCore(async (core) => {
    const instance = selectInstance(core.instances(), options.instance);
    const directory = await loadDirectory(core, instance.id, options.refresh, output);
    const rows = filterRoles(directory, filter);
    if (options.json) {
      output.out(JSON.stringify(rows, null, 2));
      return;
    }
    // One table row per role whatever the names hold: AWS data is made terminal-safe cell by cell.
    const table = rows.map((row) => ({
      accountName: terminalSafe(row.accountName),
      accountId: row.accountId,
      roleName: terminalSafe(row.roleName),
    }));
    const width = Math.min(40, Math.max(7, ...table.map((row) => row.accountName.length)));
    output.out(['ACCOUNT'.padEnd(width), 'ACCOUNT ID  ', 'ROLE'].join('  '));
    for (const row of table) output.out([row.accountName.padEnd(width), row.accountId, row.roleName].join('  '));
    if (directory.failedAccounts.length > 0)
      output.err(
        `${directory.failedAccounts.length} account(s) could not be listed in the last sync; run \`rolecall ls --refresh\` to retry.`,
      );
  });
};

/**
 * The role a user named, from the cached list; a name the cache does not know triggers one
 * sync first (a role assigned since the last sync should just work).
 */
export const findRole = async (core: RolecallController, instanceId: string, account: string, role: string) => {
  try {
    return resolveRole(await core.directory(instanceId), account, role);
  } catch (error) {
    if (!(error instanceof RolecallError) || error.code !== 'not-found') throw error;
    return resolveRole(await core.sync(instanceId), account, role);
  }
};

export const roleSchema = z.object({
  ...instanceOption,
  account: z.string({ error: 'give the account id or name with --account' }).min(1),
  role: z.string({ error: 'give the role name with --role' }).min(1),
});

/** `--assume-role ARN [--external-id …] [--role-session-name …]`: chain from the Identity Center role to another. */
export const assumeRoleOptions = {
  assumeRole: z.optional(roleArnSchema),
  externalId: z.optional(externalIdSchema),
  roleSessionName: z.optional(roleSessionNameSchema),
};

type AssumeRoleOptions = {
  readonly assumeRole?: string | undefined;
  readonly externalId?: string | undefined;
  readonly roleSessionName?: string | undefined;
};

/** The chained role the options name, or undefined without --assume-role. */
export const chainOf = (source: RoleRef, options: AssumeRoleOptions, region?: string): ChainedRole | undefined => {
  if (!options.assumeRole) {
    if (options.externalId || options.roleSessionName)
      throw new RolecallError(
        'invalid-input',
        '--external-id and --role-session-name only apply with --assume-role ARN; add it or drop them.',
      );
    return undefined;
  }
  return {
    source,
    roleArn: options.assumeRole,
    ...(options.externalId ? { externalId: options.externalId } : {}),
    ...(options.roleSessionName ? { sessionName: options.roleSessionName } : {}),
    ...(region ? { region } : {}),
  };
};

/** Chains through the core's role credentials (the session owner's when one runs), held for this process. */
export const chainerFor = (core: RolecallController, instance: Instance): RoleChainer =>
  new RoleChainer({ clock: systemClock, sourceCredentials: (ref) => core.credentials(ref), instanceOf: () => instance });

/** What a command works with: the Identity Center role's credentials, or the chained role's. */
export interface ResolvedCredentials {
  readonly instance: Instance;
  readonly ref: RoleRef;
  readonly chain: ChainedRole | undefined;
  /** "prod/AdministratorAccess", or "prod/AdministratorAccess -> arn:aws:iam::…:role/Deployer". */
  readonly label: string;
  /** The ini profile name for `--format ini`. */
  readonly profileName: string;
  readonly accountName: string;
  readonly credentials: () => Promise<RoleCredentials>;
}

export const resolveCredentials = async (
  core: RolecallController,
  options: { readonly instance?: string | undefined; readonly account: string; readonly role: string } & AssumeRoleOptions,
  region?: string,
): Promise<ResolvedCredentials> => {
  const instance = selectInstance(core.instances(), options.instance);
  const { account, roleName } = await findRole(core, instance.id, options.account, options.role);
  const ref: RoleRef = { instanceId: instance.id, accountId: account.accountId, roleName };
  const chain = chainOf(ref, options, region);
  if (!chain) {
    return {
      instance,
      ref,
      chain,
      label: `${account.accountName}/${roleName}`,
      profileName: `${account.accountName}-${roleName}`,
      accountName: account.accountName,
      credentials: () => core.credentials(ref),
    };
  }
  const chainer = chainerFor(core, instance);
  const target = roleArnParts(chain.roleArn);
  return {
    instance,
    ref,
    chain,
    label: `${account.accountName}/${roleName} -> ${chain.roleArn}`,
    profileName: `${target.accountId}-${target.roleName}`,
    accountName: target.accountId,
    credentials: () => chainer.credentials(chain),
  };
};

/** GetCallerIdentity for what a command resolved, through STS in the chain's (or the instance's) region. */
export const identityOf = async (resolved: ResolvedCredentials, credentials: RoleCredentials, region?: string): Promise<CallerIdentity> => {
  return callerIdentity(credentials, stsTargetFor(resolved.instance, resolved.chain?.region ?? region));
};

const credsSchema = roleSchema.extend({
  ...assumeRoleOptions,
  format: z._default(copyFormatSchema, 'posix'),
  verify: z.boolean().default(false),
});

/** `rolecall creds`: credentials for one role (or the role it chains to), printed in the chosen shell's format. */
export const creds = async (raw: unknown, output: CliOutput): Promise<void> => {
  const options = parseOptions(credsSchema, raw);
  await withCore(async (core) => {
    const resolved = await resolveCredentials(core, options);
    const credentials = await resolved.credentials();
    // --verify asks STS before printing: credentials that do not work never reach a script.
    if (options.verify) output.err(`Verified with STS: ${terminalSafe((await identityOf(resolved, credentials)).arn)}`);
    output.out(formatCredentials(credentials, options.format, { profileName: resolved.profileName }));
  });
};

const consoleSchema = roleSchema.extend({
  ...assumeRoleOptions,
  region: z.string().optional(),
  destination: z.string().url().optional(),
  print: z.boolean().default(false),
});

/** `rolecall console`: an AWS console session for one role, opened in the browser or printed. */
export const consoleCommand = async (raw: unknown, output: CliOutput): Promise<void> => {
  const options = parseOptions(consoleSchema, raw);
  await withCore(async (core) => {
    const resolved = await resolveCredentials(core, options);
    const choice = {
      ...(options.region ? { region: options.region } : {}),
      ...(options.destination ? { destination: options.destination } : {}),
    };
    // A chained role's console session comes from its own credentials (getSigninToken without SessionDuration).
    const { url, region } = resolved.chain
      ? await consoleUrlFor({
          instance: resolved.instance,
          preferences: core.settings().preferences,
          credentials: await resolved.credentials(),
          choice,
        })
      : await core.consoleUrl(resolved.ref, choice);
    const roleName = resolved.chain ? roleArnParts(resolved.chain.roleArn).roleName : resolved.ref.roleName;
    if (options.print || !canOpenBrowser()) {
      output.out(url);
      if (!options.print) output.err('No browser here: open the URL above (valid for 15 minutes).');
      return;
    }
    await systemBrowser(core.settings().preferences.consoleBrowser).openExternal(url);
    output.err(`Opened the console for ${terminalSafe(resolved.accountName)} / ${terminalSafe(roleName)} in ${region}.`);
  });
};

const logoutSchema = z.object({ ...instanceOption, all: z.boolean().default(false) });

/** `rolecall logout`: ends the session at AWS and deletes local tokens and cached credentials. */
export const logout = async (raw: unknown, output: CliOutput): Promise<void> => {
  const options = parseOptions(logoutSchema, raw);
  await withCore(async (core) => {
    const targets = options.all ? core.instances() : [selectInstance(core.instances(), options.instance)];
    for (const instance of targets) {
      await core.api['session:sign-out']({ instanceId: instance.id });
      output.err(`Signed out of ${instance.label}.`);
    }
  });
};
