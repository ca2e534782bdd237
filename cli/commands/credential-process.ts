import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import * as z from '../../app/model/zod-mini';
import { CredentialProcessCache } from '../../app/credentials/credential-process-cache';
import { chainedCacheRef } from '../../app/credentials/role-chaining-cache';
import { formatCredentials } from '../../app/credentials/formats';
import { DirectoryCache } from '../../app/directory/directory-cache';
import { RolecallError, isRolecallError } from '../../app/model/errors';
import type { Instance } from '../../app/model/instances';
import { externalIdSchema, roleArnSchema, roleSessionNameSchema } from '../../app/model/chained-roles';
import { accountIdSchema, roleKey, roleNameSchema } from '../../app/model/roles';
import type { Directory, RoleRef } from '../../app/model/roles';
import type { RoleCredentials } from '../../app/model/tokens';
import { selectInstance } from '../../app/session/instance-registry';
import { TokenVault } from '../../app/session/token-vault';
import { resolveConfigDir } from '../../app/storage/config-dir';
import { lockName, withFileLock } from '../../app/storage/file-lock';
import { FileSecretStore } from '../../app/storage/file-secret-store';
import { FileSettingsStore } from '../../app/storage/file-settings-store';
import { describeError } from '../../app/node/terminal-output';
import type { CliOutput } from '../../app/node/terminal-output';
import { resolveRole } from '../role-resolution';
import { parseOptions } from '../../app/node/command-options';
import { endpointFilePath } from '../../app/agent/endpoint-file';
import { parsePlainCredentialProcessArgs } from './credential-process-args';
import type { OwnerCredentialsRequest } from './credential-process-owner';
import { examplesText } from '../../app/node/help-examples';
import { withRoleChainingOptions } from './chaining-options';

const credentialProcessSchema = z.object({
  account: z.string({ error: 'give the account id or name with --account' }).check(z.trim(), z.minLength(1)),
  role: roleNameSchema,
  instance: z.optional(z.string()),
  wait: z.optional(z.coerce.number().check(z.minimum(0), z.maximum(3600))),
  assumeRole: z.optional(roleArnSchema),
  externalId: z.optional(externalIdSchema),
  roleSessionName: z.optional(roleSessionNameSchema),
});

type Env = Readonly<Record<string, string | undefined>>;

/** Error codes that mean only a new sign-in helps (the controller already tried the refresh token). */
const SIGN_IN_AGAIN = new Set(['signed-out', 'session-expired', 'unauthorized', 'invalid-grant', 'invalid-client']);

/**
 * The account id and exact role name. An id needs no directory; a name is looked up in the
 * cached directory. The directory also fixes the role's case when it knows the role, so a
 * hand-written `--role administratoraccess` hits the same cache entry as the real name.
 */
const resolveRef = (instance: Instance, directory: Directory | undefined, account: string, role: string): RoleRef | undefined => {
  if (accountIdSchema.safeParse(account).success) {
    const known = directory?.accounts.find((candidate) => candidate.accountId === account);
    const roleName =
      known?.roles.find((candidate) => candidate === role) ??
      known?.roles.find((candidate) => candidate.toLowerCase() === role.toLowerCase()) ??
      role;
    return { instanceId: instance.id, accountId: account, roleName };
  }
  if (!directory) return undefined;
  const found = resolveRole(directory, account, role);
  return { instanceId: instance.id, accountId: found.account.accountId, roleName: found.roleName };
};

const loginHint = (instance: Instance, instances: readonly Instance[]): string =>
  instances.length > 1 ? `rolecall login --instance ${instance.id}` : 'rolecall login';

/**
 * Fetches through the full core: the cached SSO token, refreshed with the refresh token when
 * it has expired, then GetRoleCredentials. Imported lazily so the cached path never loads the
 * AWS SDK or builds the controller.
 */
const fetchThroughCore = async (
  env: Env,
  instance: Instance,
  ref: RoleRef | undefined,
  options: z.output<typeof credentialProcessSchema>,
): Promise<{ ref: RoleRef; credentials: RoleCredentials }> => {
  const { openCliCore } = await import('../../app/node/open-core');
  const { core } = await openCliCore(env, { browser: false });
  try {
    const wanted = ref ?? resolveRef(instance, await core.directory(instance.id), options.account, options.role);
    if (!wanted)
      throw new RolecallError('not-found', `No account "${options.account}" is assigned to you; run \`rolecall ls\` to see your accounts.`);
    return { ref: wanted, credentials: await core.credentials(wanted) };
  } finally {
    await core.stop();
  }
};

/**
 * `rolecall credential-process --account ID|NAME --role NAME [--instance …]`: the JSON the AWS
 * CLI and SDKs expect from a `credential_process` (PROTOCOL.md), on stdout and nothing else.
 *
 * Every AWS command runs this as a new process, so it is built to be cheap when it can be:
 * settings, the secrets file and the encrypted credentials cache are read directly, and only
 * a cache miss opens the full core (AWS SDK, token refresh, GetRoleCredentials). Failures are
 * one line on stderr with a non-zero exit; the SDKs show that line to the user.
 */
export const credentialProcess = async (raw: unknown, output: CliOutput, env: Env = process.env): Promise<void> => {
  const options = parseOptions(credentialProcessSchema, raw);
  if (!options.assumeRole && (options.externalId || options.roleSessionName))
    throw new RolecallError(
      'invalid-input',
      '--external-id and --role-session-name only apply with --assume-role ARN; add it or drop them.',
    );
  const configDir = await resolveConfigDir(env);
  const settingsStore = new FileSettingsStore(configDir);
  const settings = await settingsStore.load();
  // Said once: the unreadable file is moved aside, so the next run no longer finds it.
  if (settingsStore.lastLoadProblem) output.err(settingsStore.lastLoadProblem.message);
  const instance = selectInstance(settings.instances, options.instance);
  const secrets = new FileSecretStore(configDir);
  const cacheDir = join(configDir, 'cache');
  const cache = new CredentialProcessCache({ dir: cacheDir, secrets });

  const cachedDirectory = await new DirectoryCache(cacheDir).load(instance.id).catch(() => ({}) as { directory?: Directory });
  const ref = resolveRef(instance, cachedDirectory.directory, options.account, options.role);
  // A running session owner answers for every caller (one refresh, one GetRoleCredentials);
  // none, or one that died mid-request, leaves the local path below. Without its agent.json
  // no owner can answer: the agent client is not even loaded then.
  const fromOwner = (await ownerMayAnswer(configDir, env))
    ? await askOwner({
        configDir,
        env,
        instance,
        ref,
        account: options.account,
        loginHint: loginHint(instance, settings.instances),
        waitSeconds: options.wait,
        resolve: (directory) => resolveRef(instance, directory, options.account, options.role),
      })
    : undefined;
  /**
   * With --assume-role the role's credentials are the source of one AssumeRole (the STS
   * client loads only then). The chained credentials join the encrypted cache under their
   * own entry, and one run per chain asks STS while the others wait on its lock.
   */
  const print = async (source: RoleCredentials, sourceRef: RoleRef | undefined): Promise<void> => {
    if (!options.assumeRole) return output.out(formatCredentials(source, 'json'));
    const chain = {
      source: sourceRef ?? { instanceId: instance.id, accountId: options.account, roleName: options.role },
      roleArn: options.assumeRole,
      ...(options.externalId ? { externalId: options.externalId } : {}),
      ...(options.roleSessionName ? { sessionName: options.roleSessionName } : {}),
    };
    // Without a resolved source role (a name the cached directory does not know) nothing is cached.
    const entry = sourceRef ? chainedCacheRef(chain) : undefined;
    const held = entry ? await cache.get(entry) : undefined;
    if (held) return output.out(formatCredentials(held, 'json'));
    const assume = async (): Promise<RoleCredentials> => {
      const again = entry ? await cache.get(entry) : undefined;
      if (again) return again;
      const { assumeChainedRole, stsTargetFor } = await import('../../app/credentials/role-chaining');
      const chained = await assumeChainedRole(chain, source, stsTargetFor(instance));
      if (entry) await cache.put(entry, chained).catch(() => undefined);
      return chained;
    };
    const chained = entry ? await withFileLock(cacheDir, lockName('role', roleKey(entry)), assume) : await assume();
    output.out(formatCredentials(chained, 'json'));
  };
  if (fromOwner) return print(fromOwner, ref);
  // Cached credentials are served only while Rolecall still holds a sign-in for the instance,
  // so `rolecall logout` stops them at once even though they are still valid at AWS.
  const session = await new TokenVault(secrets, env).load(instance, settings.preferences.awsCliInterop);
  if (secrets.lastLoadProblem) output.err(secrets.lastLoadProblem.message);
  if (!session) {
    throw new RolecallError(
      'signed-out',
      `You are not signed in to ${instance.label}; run \`${loginHint(instance, settings.instances)}\` and try again.`,
    );
  }
  const cached = ref ? await cache.get(ref) : undefined;
  if (cached) return print(cached, ref);

  // Terraform or a parallel script starts dozens of these for one role at once: one of them
  // asks AWS, the others wait on the role's lock and then find its answer in the cache.
  const roleLock = lockName('role', ref ? roleKey(ref) : `${instance.id}/${options.account}/${options.role}`.toLowerCase());
  const credentials = await withFileLock(cacheDir, roleLock, async () => {
    const again = ref ? await cache.get(ref) : undefined;
    if (again && ref) return { ref, credentials: again };
    let fetched: { ref: RoleRef; credentials: RoleCredentials };
    try {
      fetched = await fetchThroughCore(env, instance, ref, options);
    } catch (error) {
      if (isRolecallError(error) && SIGN_IN_AGAIN.has(error.code)) {
        throw new RolecallError(
          'session-expired',
          `Your ${instance.label} session has expired; run \`${loginHint(instance, settings.instances)}\` to sign in again.`,
          { cause: error },
        );
      }
      throw error;
    }
    // A cache that cannot be written costs an AWS call next time, never this answer.
    await cache.put(fetched.ref, fetched.credentials).catch(() => undefined);
    return fetched;
  });
  await print(credentials.credentials, credentials.ref);
};

const ownerMayAnswer = async (configDir: string, env: Env): Promise<boolean> =>
  env.ROLECALL_NO_AGENT !== '1' &&
  access(endpointFilePath(configDir)).then(
    () => true,
    () => false,
  );

const askOwner = async (request: OwnerCredentialsRequest) => (await import('./credential-process-owner')).credentialsFromOwner(request);

/** The command's options, shared by `rolecall --help` (program.ts) and the fast entry below. */
export const defineCredentialProcessOptions = (command: Command): Command =>
  withRoleChainingOptions(
    command
      .description('print credentials as credential_process JSON (for `credential_process =` in ~/.aws/config)')
      .requiredOption('--account <id|name>', 'account id or name')
      .requiredOption('--role <name>', 'role name')
      .option('--instance <name>', 'which instance')
      .option('--wait <seconds>', 'with a Rolecall owner running but signed out: wait this long for that sign-in instead of failing'),
  ).addHelpText('after', examplesText('credential-process'));

/**
 * The entry bin/rolecall.mjs uses for `rolecall credential-process`: the same command without
 * loading the rest of the CLI (the controller and the AWS SDK), because the AWS CLI and SDKs
 * start it for every credential lookup. Resolves with the exit code.
 */
export const runCredentialProcessCli = async (argv: readonly string[], output: CliOutput, env: Env = process.env): Promise<number> => {
  // The plain form (what `config populate` writes) runs without loading commander.
  const plain = parsePlainCredentialProcessArgs(argv);
  if (plain) {
    try {
      await credentialProcess(plain, output, env);
      return 0;
    } catch (error) {
      output.err(describeError(error));
      return 1;
    }
  }
  const { Command, CommanderError } = await import('commander');
  let exitCode = 0;
  const command = defineCredentialProcessOptions(new Command('rolecall credential-process'))
    .exitOverride()
    .configureOutput({ writeOut: (text) => output.out(text.trimEnd()), writeErr: (text) => output.err(text.trimEnd()) })
    .action(async (options: unknown) => {
      try {
        await credentialProcess(options, output, env);
      } catch (error) {
        output.err(describeError(error));
        exitCode = 1;
      }
    });
  try {
    await command.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    output.err(describeError(error));
    return 1;
  }
  return exitCode;
};
