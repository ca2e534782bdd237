import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { z } from 'zod';
import { startContainerCredentialsServer } from '../../app/credentials/container-credentials-server';
import type { RunningContainerCredentialsServer } from '../../app/credentials/container-credentials-server';
import type { RoleCredentials } from '../../app/model/tokens';
import type { RolecallController } from '../../app/session/controller';
import { openCliCore } from '../../app/node/open-core';
import type { CliOutput } from '../../app/node/terminal-output';
import { assumeRoleOptions, resolveCredentials, roleSchema, withCore } from './directory-commands';
import { parseOptions } from '../../app/node/command-options';

/** The variable naming the role a child runs as: for shell prompts, and to stop a nested exec. */
export const ROLE_VARIABLE = 'ROLECALL_ROLE';

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Inherited variables that would override or confuse the credentials the child is given. */
const CREDENTIAL_VARIABLES = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
];

const execSchema = roleSchema.extend({
  ...assumeRoleOptions,
  region: z.string().min(1).optional(),
  force: z.boolean().default(false),
  server: z.boolean().default(false),
});

export type ChildCredentials = { readonly keys: RoleCredentials } | { readonly server: Pick<RunningContainerCredentialsServer, 'env'> };

/**
 * The child's environment: the inherited one without any other credentials or profile, plus
 * static keys (or a container credentials endpoint), the region and ROLECALL_ROLE.
 */
export const childEnvironment = (
  base: NodeJS.ProcessEnv,
  credentials: ChildCredentials,
  region: string,
  roleLabel: string,
): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of CREDENTIAL_VARIABLES) delete env[name];
  if ('keys' in credentials) {
    env.AWS_ACCESS_KEY_ID = credentials.keys.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = credentials.keys.secretAccessKey;
    env.AWS_SESSION_TOKEN = credentials.keys.sessionToken;
    env.AWS_CREDENTIAL_EXPIRATION = new Date(credentials.keys.expiration).toISOString();
  } else {
    Object.assign(env, credentials.server.env);
  }
  env.AWS_REGION = region;
  env.AWS_DEFAULT_REGION = region;
  env[ROLE_VARIABLE] = roleLabel;
  return env;
};

/** What a shell reports for a child: its exit code, or 128 + the signal's number. */
export const shellExitCode = (code: number | null, signal: NodeJS.Signals | null): number => {
  if (code !== null) return code;
  if (signal) return 128 + (constants.signals[signal] ?? 0);
  return 1;
};

/** The command line as given after `--`: the command, or the user's shell when nothing follows. */
export const commandToRun = (command: readonly string[], env: NodeJS.ProcessEnv): { file: string; args: string[] } => {
  if (command.length > 0) return { file: command[0]!, args: command.slice(1) };
  const shell = process.platform === 'win32' ? (env.COMSPEC ?? 'cmd.exe') : (env.SHELL ?? '/bin/sh');
  return { file: shell, args: [] };
};

/**
 * Runs the child with stdio inherited, forwarding SIGINT (unless it came from the terminal,
 * which already sent it to the child)/SIGTERM/SIGHUP; resolves with its
 * exit code as a shell would report it (127 when the command is not found, 126 when it
 * cannot be run).
 */
export const runChild = (file: string, args: readonly string[], env: NodeJS.ProcessEnv, output: CliOutput): Promise<number> =>
  new Promise((resolveRun) => {
    const child = spawn(file, [...args], { stdio: 'inherit', env });
    const forwarders = FORWARDED_SIGNALS.map((signal) => {
      const forward = (): void => {
        // Ctrl+C on a terminal reaches the whole foreground process group, the child included:
        // a second SIGINT from us would read as "interrupt twice" (terraform then aborts hard).
        if (signal === 'SIGINT' && process.stdin.isTTY) return;
        child.kill(signal);
      };
      process.on(signal, forward);
      return [signal, forward] as const;
    });
    const done = (code: number): void => {
      for (const [signal, forward] of forwarders) process.off(signal, forward);
      resolveRun(code);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      const notFound = error.code === 'ENOENT';
      output.err(notFound ? `Command not found: ${file}.` : `Could not run ${file}: ${error.message}.`);
      done(notFound ? 127 : 126);
    });
    child.once('exit', (code, signal) => done(shellExitCode(code, signal)));
  });

export interface ExecCommandLine {
  /** Whether `--` came before the command (required, so Rolecall's options never reach it). */
  readonly dashDash: boolean;
}

const usage =
  'Give the command after `--`, e.g. `rolecall exec --account prod --role ReadOnly -- aws s3 ls` (or `--` alone for your shell).';

/**
 * `rolecall exec … -- COMMAND [ARGS…]`: runs COMMAND as a role. Its exit code becomes
 * Rolecall's; nothing but the child's output reaches stdout. A malformed command line, or a
 * nested exec without --force, sets exit code 2 with one sentence.
 */
export const exec = async (command: readonly string[], raw: unknown, line: ExecCommandLine, output: CliOutput): Promise<void> => {
  if (!line.dashDash) {
    output.err(usage);
    process.exitCode = 2;
    return;
  }
  const options = parseOptions(execSchema, raw);
  const nested = process.env[ROLE_VARIABLE];
  if (nested && !options.force) {
    output.err(
      `This shell already runs as ${nested} (${ROLE_VARIABLE} is set): exit it first, or add --force to run as another role inside it.`,
    );
    process.exitCode = 2;
    return;
  }
  const { file, args } = commandToRun(command, process.env);
  process.exitCode = options.server ? await execWithServer(options, file, args, output) : await execWithKeys(options, file, args, output);
};

type ExecOptions = z.output<typeof execSchema>;

interface ResolvedRole {
  readonly label: string;
  readonly region: string;
  /** The role's credentials, or the chained role's (--assume-role). */
  readonly credentials: () => Promise<RoleCredentials>;
}

const resolve = async (core: RolecallController, options: ExecOptions): Promise<ResolvedRole> => {
  const resolved = await resolveCredentials(core, options);
  return { label: resolved.label, region: options.region ?? resolved.instance.region, credentials: resolved.credentials };
};

/** Static keys: the core is stopped before the child starts (no timers or sockets held for its lifetime). */
const execWithKeys = async (options: ExecOptions, file: string, args: readonly string[], output: CliOutput): Promise<number> => {
  const { role, keys } = await withCore(async (core) => {
    const found = await resolve(core, options);
    return { role: found, keys: await found.credentials() };
  });
  return runChild(file, args, childEnvironment(process.env, { keys }, role.region, role.label), output);
};

/** A container credentials endpoint for the child's lifetime: fresh credentials past the first ones' expiry. */
const execWithServer = async (options: ExecOptions, file: string, args: readonly string[], output: CliOutput): Promise<number> => {
  const { core } = await openCliCore();
  try {
    const role = await resolve(core, options);
    await role.credentials(); // signed out: one sentence now, not an error inside the child
    const server = await startContainerCredentialsServer({ credentials: role.credentials });
    try {
      return await runChild(file, args, childEnvironment(process.env, { server }, role.region, role.label), output);
    } finally {
      await server.close();
    }
  } finally {
    await core.stop();
  }
};
