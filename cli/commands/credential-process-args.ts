/** The options `credential-process` takes, by flag, as commander names them. */
const FLAGS: Readonly<Record<string, string>> = {
  '--account': 'account',
  '--role': 'role',
  '--instance': 'instance',
  '--wait': 'wait',
  '--assume-role': 'assumeRole',
  '--external-id': 'externalId',
  '--role-session-name': 'roleSessionName',
};

/**
 * The arguments of `credential-process` in their plain forms (`--flag value`, `--flag=value`,
 * each flag once, --account and --role given), as commander would hand them to the action;
 * undefined for anything else (--help, an unknown or repeated flag, a missing or dash-led
 * value), which is then left to commander, so every message stays what it was. The AWS CLI
 * starts this command for every credential lookup: the plain form need not load commander.
 */
export const parsePlainCredentialProcessArgs = (argv: readonly string[]): Record<string, string> | undefined => {
  const options: Record<string, string> = {};
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index]!;
    const equals = token.startsWith('--') ? token.indexOf('=') : -1;
    const flag = equals > 0 ? token.slice(0, equals) : token;
    const key = Object.hasOwn(FLAGS, flag) ? FLAGS[flag] : undefined;
    if (!key || Object.hasOwn(options, key)) return undefined;
    const value = equals > 0 ? token.slice(equals + 1) : argv[++index];
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    options[key] = value;
  }
  return options.account !== undefined && options.role !== undefined ? options : undefined;
};
