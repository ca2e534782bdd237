import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import * as z from '../../app/model/zod-mini';
import { formatCredentials } from '../../app/credentials/formats';
import { DirectoryCache } from '../../app/directory/directory-cache';
import { RolecallError } from '../../app/model/errors';
import type { Instance } from '../../app/model/instances';
import { externalIdSchema, roleArnSchema, roleSessionNameSchema } from '../../app/model/chained-roles';
import { accountIdSchema, roleNameSchema } from '../../app/model/roles';
import type { Directory, RoleRef } from '../../app/model/roles';
import { selectInstance } from '../../app/session/instance-registry';
import { resolveConfigDir } from '../../app/storage/config-dir';
import { describeError } from '../../app/node/terminal-output';
import type { CliOutput } from '../../app/node/terminal-output';
import { resolveRole } from '../role-resolution';
import { parseOptions } from '../../app/node/command-options';
import { endpointFilePath } from '../../app/agent/endpoint-file';
import { parsePlainCredentialProcessArgs } from './credential-process-args';
import type { OwnerCredentialsRequest } from './credential-process-owner';
import type { AloneRequest } from './credential-process-local';
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
  const cacheDir = join(configDir, 'cache');
  /** The instance and role asked for, among `instances`; the cached directory resolves names and fixes the role's case. */
  const target = async (instances: readonly Instance[]) => {
    const instance = selectInstance(instances, options.instance);
    const cached = await new DirectoryCache(cacheDir).load(instance.id).catch(() => ({}) as { directory?: Directory });
    const resolve = (directory: Directory | undefined) => resolveRef(instance, directory, options.account, options.role);
    return { instance, ref: resolve(cached.directory), resolve, loginHint: loginHint(instance, instances) };
  };
  // A running session owner answers for every caller (one refresh, one GetRoleCredentials),
  // from its own settings: this process then reads neither settings.json nor any secret. None,
  // or one that died mid-request, leaves working alone. Without its agent.json no owner can
  // answer: the agent client is not even loaded then.
  const fromOwner = (await ownerMayAnswer(configDir, env))
    ? await askOwner({ configDir, env, target, account: options.account, waitSeconds: options.wait })
    : undefined;
  const found = fromOwner ?? (await alone({ env, configDir, output, target, account: options.account, role: options.role }));
  const { instance } = found;
  if (!options.assumeRole) return output.out(formatCredentials(found.credentials, 'json'));
  const chain = {
    source: found.ref ?? { instanceId: instance.id, accountId: options.account, roleName: options.role },
    roleArn: options.assumeRole,
    ...(options.externalId ? { externalId: options.externalId } : {}),
    ...(options.roleSessionName ? { sessionName: options.roleSessionName } : {}),
  };
  const { chainedCredentials } = await import('./credential-process-local');
  output.out(formatCredentials(await chainedCredentials(configDir, instance, chain, found.credentials, found.ref !== undefined), 'json'));
};

const ownerMayAnswer = async (configDir: string, env: Env): Promise<boolean> =>
  env.ROLECALL_NO_AGENT !== '1' &&
  access(endpointFilePath(configDir)).then(
    () => true,
    () => false,
  );

const askOwner = async (request: OwnerCredentialsRequest) => (await import('./credential-process-owner')).credentialsFromOwner(request);

/** Working alone: settings.json, then the secrets (credential-process-local.ts, loaded only then). */
const alone = async (request: AloneRequest) => (await import('./credential-process-local')).credentialsWorkingAlone(request);

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
