/**
 * The "Example:" block each command's --help ends with, by command path. Kept in one table
 * so the CLI program, the web shell's own parser and `credential-process` (which
 * bin/rolecall.mjs runs without the program) print the same lines. Commands whose help
 * already explains more (exec, serve, login, import, creds, completion) carry their own.
 */
export const commandExamples: Readonly<Record<string, readonly string[]>> = {
  logout: ['rolecall logout --instance corp', 'rolecall logout --all'],
  ls: ['rolecall ls prod adm', 'rolecall ls --json --refresh | jq -r ".[].accountName"'],
  whoami: ['rolecall whoami --account prod --role ReadOnlyAccess'],
  console: ['rolecall console --account prod --role ReadOnlyAccess', 'rolecall console --account prod --role ReadOnlyAccess --print'],
  'credential-process': [
    '# in ~/.aws/config:',
    '[profile prod-ro]',
    'credential_process = rolecall credential-process --account prod --role ReadOnlyAccess',
  ],
  config: ['rolecall config populate --dry-run'],
  'config populate': [
    'rolecall config populate --dry-run',
    'rolecall config populate --filter prod --profile-template "{account_name}.{role_name}" --lowercase',
  ],
  'config chain': ['rolecall config chain ls'],
  'config chain add': [
    'rolecall config chain add deployer --account prod --role AdministratorAccess --assume-role arn:aws:iam::210987654321:role/Deployer',
  ],
  'config chain remove': ['rolecall config chain remove deployer'],
  'config chain ls': ['rolecall config chain ls --json'],
  web: ['rolecall web --open', 'rolecall web --port 8080'],
  agent: ['rolecall agent --idle-exit 60 &'],
  status: ['rolecall status', 'rolecall status --json | jq ".instances[].signedIn"'],
  emulator: ['rolecall emulator --port 4510 --accounts 20 --auto-approve'],
};

/** The block commander prints after a command's help (addHelpText('after', …)); '' when the path has none. */
export const examplesText = (path: string): string => {
  const lines = commandExamples[path];
  return lines ? ['', 'Example:', ...lines.map((line) => `  ${line}`)].join('\n') : '';
};
