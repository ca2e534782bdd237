import type { Command } from 'commander';

/**
 * The role-chaining options every command that hands out a role's credentials takes (creds,
 * whoami, console, exec, credential-process), worded once. Commander only: credential-process
 * loads this on its fast path without the rest of the CLI.
 */
export const withRoleChainingOptions = (command: Command): Command =>
  command
    .option('--assume-role <arn>', 'then assume this IAM role with those credentials (role chaining)')
    .option('--external-id <id>', 'the ExternalId the assumed role requires (with --assume-role)')
    .option('--role-session-name <name>', "the assumed role's session name (with --assume-role; default: rolecall)");
