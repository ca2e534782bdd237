import type { PopulateInput, PopulateRole } from '../populate';

/** A hand-kept config with everything real files have: comments, [default], legacy SSO, role chaining, services with nested s3 settings. */
export const REALISTIC_CONFIG = `# AWS CLI configuration, kept by hand
# see https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html

[default]
region = us-east-1
output = json
cli_pager=

[profile legacy-admin]
sso_start_url = https://d-9999999999.awsapps.com/start
sso_region = us-west-2
sso_account_id = 999999999999
sso_role_name = AdministratorAccess
region = us-west-2

; my personal sandbox
[profile sandbox]
role_arn = arn:aws:iam::123456789012:role/Sandbox
source_profile = default
  # odd indented comment

[services local-s3]
s3 =
  endpoint_url = http://127.0.0.1:9000
  addressing_style = path
sts =
  endpoint_url = http://127.0.0.1:9001

[profile with-services]
services = local-s3
region=eu-central-1
`;

export const ROLES: readonly PopulateRole[] = [
  { accountId: '111111111111', accountName: 'prod', roleName: 'AdministratorAccess' },
  { accountId: '111111111111', accountName: 'prod', roleName: 'ReadOnly' },
  { accountId: '222222222222', accountName: 'Dev Sandbox (EU)', roleName: 'Developer' },
];

export const baseInput = (text: string, overrides: Partial<PopulateInput> = {}): PopulateInput => ({
  text,
  instanceId: 'corp',
  session: { name: 'acme', startUrl: 'https://d-1234567890.awsapps.com/start', region: 'eu-west-1' },
  roles: ROLES,
  ...overrides,
});

/**
 * Removes every Rolecall-marked section (marker line, header, its lines) and the blank
 * line before it, by plain text scanning, independent of the editor under test.
 */
export const stripRolecallSections = (text: string): string => {
  const lines = text.split(/(?<=\r\n|\n|\r(?!\n))/);
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.startsWith('# Managed by Rolecall')) {
      kept.push(line);
      continue;
    }
    if (kept.length > 0 && (kept.at(-1) as string).trim() === '') kept.pop();
    i++; // the header
    while (
      i + 1 < lines.length &&
      !(lines[i + 1] as string).startsWith('[') &&
      !(lines[i + 1] as string).startsWith('# Managed by Rolecall') &&
      (lines[i + 1] as string).trim() !== ''
    )
      i++;
    // A section at the end of a file without a final newline took the previous line's ending with it.
    if (i === lines.length - 1 && !/[\r\n]$/.test(lines[i] as string) && kept.length > 0)
      kept.push((kept.pop() as string).replace(/\r\n$|\n$|\r$/, ''));
  }
  return kept.join('');
};
