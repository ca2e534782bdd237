import { Argument, Command, CommanderError, Option } from 'commander';
import { copyFormats } from '../app/model/settings';
import { agent } from './commands/agent';
import { completion, completionLists, completionShells } from './commands/completion';
import { chainAdd, chainList, chainRemove } from './commands/chained-roles';
import { withRoleChainingOptions } from './commands/chaining-options';
import { configPopulate } from './commands/config-populate';
import { credentialProcess, defineCredentialProcessOptions } from './commands/credential-process';
import { consoleCommand, creds, logout, ls } from './commands/directory-commands';
import { exec } from './commands/exec';
import { whoami } from './commands/whoami';
import { importSetups } from './commands/import';
import { login } from './commands/login';
import { serve } from './commands/serve';
import { status } from './commands/status';
import { describeError, reportError } from '../app/node/terminal-output';
import { examplesText } from '../app/node/help-examples';
import type { CliOutput } from '../app/node/terminal-output';

/**
 * The `rolecall` command line. Each command validates its options with zod and talks to the
 * same core as the desktop app; errors become one or two lines on stderr and exit code 1
 * (2 for a malformed command line). `--debug` adds the stack.
 */
export const buildProgram = (output: CliOutput, argv: readonly string[] = []): Command => {
  const program = new Command('rolecall')
    .description('Sign in to AWS IAM Identity Center once; get credentials for any account and role.')
    .option('--debug', 'show stack traces on errors')
    .showSuggestionAfterError()
    // Set before the subcommands are added: they copy it, so malformed input throws instead of exiting.
    .exitOverride()
    .configureOutput({ writeOut: (text) => output.out(text.trimEnd()), writeErr: (text) => output.err(text.trimEnd()) });

  const run =
    <A extends unknown[]>(action: (...args: A) => Promise<void>) =>
    async (...args: A): Promise<void> => {
      try {
        await action(...args);
      } catch (error) {
        reportError(output, error, Boolean(program.opts().debug));
        process.exitCode = 1;
      }
    };

  program
    .command('login')
    .description('sign in (in the browser with PKCE where one opens here, else with a device code) and remember the instance')
    .option('--start-url <url>', 'the AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start')
    .option('--region <region>', 'the IAM Identity Center region, e.g. us-east-1')
    .option('--endpoint <url>', 'one base URL serving OIDC, portal and federation (the local emulator)')
    .option('--instance <name>', 'which configured instance to sign in to')
    .option('--label <label>', 'a name for a new instance')
    .option('--sso-session <name>', 'the [sso-session] name for ~/.aws/config and the AWS CLI cache')
    .option('--no-browser', 'open no browser: sign in with a device code on any device')
    .option('--pkce', 'use the authorization code flow with PKCE (the default where a browser opens here)')
    .option('--device-code', 'use the device code even where a browser opens here')
    .addHelpText(
      'after',
      [
        '',
        'Like the AWS CLI 2.22+, sign-in uses the authorization code flow with PKCE where a browser can be',
        'opened on this machine, and the device code over SSH, in WSL without a browser, with --no-browser',
        'or --device-code. Approve a device code only if you just ran rolecall login yourself.',
        'With no instance yet, at a terminal, it offers the set-ups of ~/.aws/config first (see rolecall import).',
        '',
        'Example:',
        '  rolecall login --start-url https://d-1234567890.awsapps.com/start --region us-east-1',
        '  rolecall login --instance corp --device-code',
      ].join('\n'),
    )
    .action(run(async (options) => login(options, output)));

  program
    .command('logout')
    .description('sign out at AWS and delete local tokens and cached credentials')
    .option('--instance <name>', 'which instance')
    .option('--all', 'every instance')
    .action(run(async (options) => logout(options, output)));

  program
    .command('ls')
    .description('list every account and role assigned to you (multi-word filter, e.g. "prod adm")')
    .argument('[filter...]', 'words that must all match the account name, id, e-mail or role')
    .option('--json', 'print a JSON array: accountId, accountName, emailAddress, roleName')
    .option('--refresh', 'sync from AWS instead of using the cached list')
    .option('--instance <name>', 'which instance')
    .action(run(async (filter: string[], options) => ls(filter, options, output)));

  withRoleChainingOptions(
    program
      .command('creds')
      .description("print credentials for a role in your shell's format")
      .requiredOption('--account <id|name>', 'account id or name')
      .requiredOption('--role <name>', 'role name')
      .addOption(new Option('--format <format>', 'output format').choices(copyFormats).default('posix'))
      .option('--verify', 'check them with STS GetCallerIdentity first (the ARN goes to stderr)'),
  )
    .option('--instance <name>', 'which instance')
    .addHelpText(
      'after',
      ['', 'Example:', '  rolecall creds --account prod --role ReadOnly --assume-role arn:aws:iam::210987654321:role/Deployer'].join('\n'),
    )
    .action(run(async (options) => creds(options, output)));

  withRoleChainingOptions(
    program
      .command('whoami')
      .description("ask STS who a role's credentials are (GetCallerIdentity): prints the ARN")
      .requiredOption('--account <id|name>', 'account id or name')
      .requiredOption('--role <name>', 'role name'),
  )
    .option('--region <region>', "the STS region (default: the instance's)")
    .option('--json', 'print UserId, Account and Arn as `aws sts get-caller-identity` does')
    .option('--instance <name>', 'which instance')
    .action(run(async (options) => whoami(options, output)));

  withRoleChainingOptions(
    program
      .command('console')
      .description('open the AWS console as a role (or --print the sign-in URL)')
      .requiredOption('--account <id|name>', 'account id or name')
      .requiredOption('--role <name>', 'role name')
      .option('--region <region>', "console region (default: the instance's, or your preference)")
      .option('--destination <url>', 'console page to land on')
      .option('--print', 'print the URL instead of opening it'),
  )
    .option('--instance <name>', 'which instance')
    .action(run(async (options) => consoleCommand(options, output)));

  withRoleChainingOptions(
    program
      .command('exec')
      .description("run a command as a role: credentials in its environment, its exit code is rolecall's")
      .usage('--account <id|name> --role <name> [options] -- COMMAND [ARGS...]')
      .argument('[command...]', 'the command and its arguments, after `--`')
      .requiredOption('--account <id|name>', 'account id or name')
      .requiredOption('--role <name>', 'role name')
      .option('--region <region>', "AWS_REGION and AWS_DEFAULT_REGION (default: the instance's region)")
      .option(
        '--server',
        'give the command a container credentials endpoint (fresh credentials for its whole lifetime) instead of static keys',
      )
      .option('--force', 'run even inside another `rolecall exec` (ROLECALL_ROLE already set)'),
  )
    .option('--instance <name>', 'which instance')
    .addHelpText(
      'after',
      [
        '',
        'The command gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,',
        'AWS_CREDENTIAL_EXPIRATION, AWS_REGION, AWS_DEFAULT_REGION and ROLECALL_ROLE=account/role;',
        'AWS_PROFILE and AWS_DEFAULT_PROFILE are removed. With --server it gets',
        'AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN instead of keys.',
        "Nothing after `--` starts your $SHELL as the role. Signals are forwarded; the exit code is the command's.",
        '',
        'Example:',
        '  rolecall exec --account prod --role ReadOnlyAccess -- aws s3 ls',
        '  rolecall exec --account prod --role AdministratorAccess --server -- terraform apply',
      ].join('\n'),
    )
    .action(run(async (command: string[], options) => exec(command, options, { dashDash: dashDashAfter(argv, 'exec') }, output)));

  program
    .command('serve')
    .description("serve a role's credentials on 127.0.0.1 as a container credentials endpoint (what ECS gives SDKs)")
    .requiredOption('--account <id|name>', 'account id or name')
    .requiredOption('--role <name>', 'role name')
    .option('--port <port>', 'port to listen on (default: any free port)')
    .option('--instance <name>', 'which instance')
    .addHelpText(
      'after',
      [
        '',
        'Prints AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN as export',
        'lines; SDKs and the AWS CLI given both fetch (and refresh) credentials from it. Requests',
        'without the token are refused. Runs until Ctrl+C / SIGTERM.',
        '',
        'Example:',
        '  rolecall serve --account prod --role ReadOnlyAccess   # then run the two export lines in another shell',
      ].join('\n'),
    )
    .action(run(async (options) => serve(options, output)));

  // bin/rolecall.mjs runs this command through runCredentialProcessCli, without this program.
  defineCredentialProcessOptions(program.command('credential-process')).action(run(async (options) => credentialProcess(options, output)));

  const config = program.command('config').description('manage AWS CLI profiles in ~/.aws/config (or AWS_CONFIG_FILE)');
  const chain = config
    .command('chain')
    .description('saved chained roles (an Identity Center role assuming another role), written by populate');
  chain
    .command('add')
    .description('save a chained role as profile NAME: --account/--role assume --assume-role ARN')
    .argument('<name>', 'the AWS CLI profile name')
    .requiredOption('--account <id|name>', 'account id or name of the Identity Center role')
    .requiredOption('--role <name>', 'the Identity Center role (its profile is the source_profile)')
    .requiredOption('--assume-role <arn>', 'the IAM role ARN to assume')
    .option('--external-id <id>', 'the ExternalId the role requires')
    .option('--role-session-name <name>', 'the session name (role_session_name)')
    .option('--duration <seconds>', 'duration_seconds, 900–3600 (role chaining allows one hour)')
    .option('--region <region>', 'region of the profile')
    .option('--instance <name>', 'which instance')
    .action(run(async (name: string, options) => chainAdd(name, options, output)));
  chain
    .command('remove')
    .description('forget a saved chained role')
    .argument('<name>', 'its profile name')
    .action(run(async (name: string) => chainRemove(name, output)));
  chain
    .command('ls')
    .description('list the saved chained roles')
    .option('--json', 'print them as JSON')
    .action(run(async (options) => chainList(options, output)));
  config
    .command('populate')
    .description("write an [sso-session] and a [profile] per assigned role, editing only Rolecall's sections")
    .option('--instance <name>', 'which instance')
    .option('--filter <words>', 'only roles matching all these words (account name, id, e-mail or role)')
    .option(
      '--profile-template <template>',
      'profile names from {account_name}, {account_id}, {role_name}, {sso_session}',
      '{account_name}-{role_name}',
    )
    .option('--region <region>', 'set region in every profile written')
    .option('--lowercase', 'lowercase profile names')
    .option('--credential-process', 'profiles run `rolecall credential-process` instead of using sso_* keys')
    .option('--prune', "remove Rolecall's profiles for roles no longer assigned")
    .option('--refresh', 'sync the account list from AWS first')
    .option('--dry-run', 'print the unified diff and change nothing')
    .action(run(async (options) => configPopulate(options, output)));

  program
    .command('web')
    .description('serve the Rolecall UI on 127.0.0.1 (for machines without a tray)')
    .option('--port <port>', 'port to listen on (default: any free port)')
    .option('--open', 'open it in the browser')
    // bin/rolecall.mjs starts the web shell (web/main.ts) itself; listed here for help and completion.
    .action(() => {
      output.err('Run the web UI through the rolecall command itself: `rolecall web`.');
      process.exitCode = 2;
    });

  program
    .command('agent')
    .description('own the sessions headless (no tray): every rolecall command asks it over a private socket')
    .option('--idle-exit <minutes>', 'exit after this many minutes without a request')
    .addHelpText(
      'after',
      [
        '',
        'One owner per config dir: the desktop app, `rolecall web` or this agent. It listens on',
        '<config dir>/agent.sock (0600, in a 0700 dir; a named pipe on Windows) and writes',
        '<config dir>/agent.json (0600) with the socket, its pid and a per-launch secret. Other',
        'rolecall processes find it there and ask it; with none running they work alone.',
        'ROLECALL_NO_AGENT=1 makes a command work alone even when an owner runs.',
      ].join('\n'),
    )
    .action(run(async (options) => agent(options, output)));

  program
    .command('import')
    .description('add the IAM Identity Center set-ups of ~/.aws/config (sso-sessions, legacy sso_start_url profiles) as instances')
    .option('--yes', 'add them without asking')
    .option('--dry-run', 'only list what would be added')
    .option('--json', 'print a JSON object: path, setups, skipped, imported')
    .addHelpText(
      'after',
      [
        '',
        'Reads AWS_CONFIG_FILE (or ~/.aws/config) and never changes it. A set-up whose start URL and region',
        'an instance already has is not added again; one whose AWS CLI sign-in (~/.aws/sso/cache) is still',
        'valid arrives signed in.',
        '',
        'Example:',
        '  rolecall import --dry-run',
        '  rolecall import --yes',
      ].join('\n'),
    )
    .action(run(async (options) => importSetups(options, output)));

  program
    .command('status')
    .description('each instance: signed in or not, time left, directory age and size; and whether an owner runs (no AWS call)')
    .option('--json', 'print a JSON object: owner, instances, credentials')
    .action(run(async (options) => status(options, output)));

  program
    .command('completion')
    .description('print a shell completion script (bash, zsh, fish or powershell)')
    .addArgument(new Argument('[shell]', 'bash, zsh, fish or powershell').choices(completionShells))
    .addOption(new Option('--list <kind>', 'print cached candidates (what the scripts call)').choices(completionLists).hideHelp())
    .addOption(new Option('--account <id|name>').hideHelp())
    .addOption(new Option('--instance <name>').hideHelp())
    .addHelpText(
      'after',
      [
        '',
        "Account, role and instance names are completed from Rolecall's cache (never an AWS call).",
        '',
        'Install:',
        '  bash: rolecall completion bash > ~/.local/share/bash-completion/completions/rolecall',
        '  zsh:  rolecall completion zsh > "${fpath[1]}/_rolecall"   (or: eval "$(rolecall completion zsh)" in ~/.zshrc)',
        '  fish: rolecall completion fish > ~/.config/fish/completions/rolecall.fish',
        '  PowerShell: rolecall completion powershell | Out-String | Invoke-Expression   (in $PROFILE)',
        '',
        'Example:',
        '  eval "$(rolecall completion bash)"',
      ].join('\n'),
    )
    .action(run(async (shell: string | undefined, options) => completion(shell, options, program, output)));

  program
    .command('emulator')
    .description('run the local IAM Identity Center emulator (see `rolecall emulator --help`)')
    .allowUnknownOption()
    .action(() => {
      output.err('Run the emulator through the rolecall command itself: `npx rolecall emulator --help`.');
      process.exitCode = 2;
    });

  addExamples(program);
  return program;
};

/** Ends the help of each command listed in help-examples.ts with its "Example:" block. */
const addExamples = (command: Command, path = ''): void => {
  for (const sub of command.commands) {
    const subPath = path ? `${path} ${sub.name()}` : sub.name();
    const text = examplesText(subPath);
    if (text) sub.addHelpText('after', text);
    addExamples(sub, subPath);
  }
};

/** Whether `--` appears after the subcommand `name` on the command line as given. */
const dashDashAfter = (argv: readonly string[], name: string): boolean => {
  const at = argv.indexOf(name);
  return at >= 0 && argv.indexOf('--', at + 1) > at;
};

/** Runs the CLI on argv; resolves with the exit code. */
export const runCli = async (argv: readonly string[], output: CliOutput): Promise<number> => {
  const program = buildProgram(output, argv);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander but successes to the user.
      return error.exitCode === 0 ? 0 : 2;
    }
    output.err(describeError(error));
    return 1;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
};
