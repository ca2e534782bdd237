import { RolecallError } from '../model/errors';
import type { CopyFormat } from '../model/settings';
import type { RoleCredentials } from '../model/tokens';
import { sanitizeProfileName } from '../aws-config/profile-names';
import { cmdSet, iniValue, quoteDotenv, quoteFish, quotePosix, quotePowerShell } from './shell-quote';

export interface FormatOptions {
  /** The `[name]` of the ~/.aws/credentials block; defaults to "default". */
  readonly profileName?: string;
  /** Adds AWS_REGION and AWS_DEFAULT_REGION (or `region =` in the ini block). */
  readonly region?: string;
}

/**
 * Expiration as ISO-8601 UTC to the second, the shape the AWS CLI and SDKs write. Floored,
 * so a consumer never believes the credentials live longer than they do.
 */
export const isoExpiration = (epochMs: number): string => {
  if (!Number.isFinite(epochMs)) throw new RolecallError('internal', 'The credentials have no valid expiration time; fetch them again.');
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
};

const variables = (credentials: RoleCredentials, region: string | undefined): readonly (readonly [string, string])[] => [
  ['AWS_ACCESS_KEY_ID', credentials.accessKeyId],
  ['AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey],
  ['AWS_SESSION_TOKEN', credentials.sessionToken],
  ['AWS_CREDENTIAL_EXPIRATION', isoExpiration(credentials.expiration)],
  ...(region
    ? ([
        ['AWS_REGION', region],
        ['AWS_DEFAULT_REGION', region],
      ] as const)
    : []),
];

const lines = (items: readonly string[]): string => `${items.join('\n')}\n`;

/** Credential_process output (PROTOCOL.md), also what `rolecall credential-process` prints. */
export const credentialProcessJson = (credentials: RoleCredentials): string =>
  `${JSON.stringify(
    {
      Version: 1,
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: isoExpiration(credentials.expiration),
    },
    null,
    2,
  )}\n`;

const iniBlock = (credentials: RoleCredentials, profileName: string, region: string | undefined): string => {
  // Account names hold spaces and worse ("dev sandbox"); the profile gets the same safe name
  // `config populate` would give it, instead of refusing the copy.
  const section = /^[A-Za-z0-9_.@+=,-]+$/.test(profileName) ? profileName : sanitizeProfileName(profileName) || 'rolecall';
  return lines([
    `[${section}]`,
    `# Written by Rolecall; these credentials expire at ${isoExpiration(credentials.expiration)}.`,
    `aws_access_key_id = ${iniValue('aws_access_key_id', credentials.accessKeyId)}`,
    `aws_secret_access_key = ${iniValue('aws_secret_access_key', credentials.secretAccessKey)}`,
    `aws_session_token = ${iniValue('aws_session_token', credentials.sessionToken)}`,
    ...(region ? [`region = ${iniValue('region', region)}`] : []),
  ]);
};

/** Renders role credentials as text to paste into a shell or file, one line per variable. */
export const formatCredentials = (credentials: RoleCredentials, format: CopyFormat, options: FormatOptions = {}): string => {
  const vars = variables(credentials, options.region);
  switch (format) {
    case 'posix':
      return lines(vars.map(([name, value]) => `export ${name}=${quotePosix(value)}`));
    case 'fish':
      return lines(vars.map(([name, value]) => `set -gx ${name} ${quoteFish(value)}`));
    case 'powershell':
      return lines(vars.map(([name, value]) => `$Env:${name} = ${quotePowerShell(value)}`));
    case 'cmd':
      return lines(vars.map(([name, value]) => cmdSet(name, value)));
    case 'dotenv':
      return lines(vars.map(([name, value]) => `${name}=${quoteDotenv(value)}`));
    case 'json':
      return credentialProcessJson(credentials);
    case 'ini':
      return iniBlock(credentials, options.profileName ?? 'default', options.region);
  }
};
