import type { CopyFormat } from '../../app/model/settings';
import type { CopyResult } from '../../app/model/snapshot';
import type { AwsConfigResult } from '../../app/ipc/contract';
import { formatRemaining } from '../../app/model/countdown';

/** What a copy put on the clipboard, as a noun: "Copied export lines for …". */
export const copiedNoun: Readonly<Record<CopyFormat, string>> = {
  posix: 'export lines',
  fish: 'fish set -gx lines',
  powershell: 'PowerShell $Env: lines',
  cmd: 'cmd set lines',
  dotenv: '.env lines',
  json: 'credential_process JSON',
  ini: 'a ~/.aws/credentials block',
};

/** "Copied export lines for prod-payments / AdministratorAccess (expires in 59m)". */
export const copiedMessage = (result: CopyResult, now: number): string => {
  const account = result.accountName ?? result.role.accountId;
  const clears = result.clearsAfterSeconds > 0 ? `; the clipboard clears in ${formatRemaining(result.clearsAfterSeconds * 1000)}` : '';
  return `Copied ${copiedNoun[result.format]} for ${account} / ${result.role.roleName} (expires in ${formatRemaining(result.expiresAt - now)})${clears}`;
};

export const consoleMessage = (account: string, roleName: string, region: string): string =>
  `Opened the console for ${account} / ${roleName} in ${region}`;

export const profileMessage = (result: AwsConfigResult): string => {
  const names = result.profiles.length === 1 ? `profile "${result.profiles[0]}"` : `${result.profiles.length} profiles`;
  return `Added ${names} to ${result.path}${result.backupPath ? ` (backup: ${result.backupPath})` : ''}`;
};
