import { z } from 'zod';
import { instanceSchema } from './instances';
import { roleRefSchema } from './roles';

export const copyFormats = ['posix', 'fish', 'powershell', 'cmd', 'dotenv', 'json', 'ini'] as const;
export const copyFormatSchema = z.enum(copyFormats);
export type CopyFormat = z.infer<typeof copyFormatSchema>;

export const copyFormatLabels: Readonly<Record<CopyFormat, string>> = {
  posix: 'POSIX shell (export)',
  fish: 'fish (set -gx)',
  powershell: 'PowerShell ($Env:)',
  cmd: 'Windows cmd (set)',
  dotenv: '.env file',
  json: 'credential_process JSON',
  ini: '~/.aws/credentials block',
};

/** User preferences. Every field has a default so an older settings file still loads. */
export const preferencesSchema = z.object({
  defaultCopyFormat: copyFormatSchema.default('posix'),
  /** Clear the clipboard after N seconds if it still holds what we copied; 0 = never. */
  clipboardClearSeconds: z.number().int().min(0).max(3600).default(0),
  /** Notify this many minutes before the Identity Center session ends. */
  notificationLeadMinutes: z.number().int().min(1).max(240).default(15),
  /** Console region; null means the instance's region. */
  consoleRegion: z.string().nullable().default(null),
  /** Console destination URL (an AWS console page); null means the console home. */
  consoleDestination: z.string().nullable().default(null),
  /** A browser command to open console sessions in; null means the default browser. */
  consoleBrowser: z.string().nullable().default(null),
  /** Share the sign-in with the AWS CLI and SDKs through ~/.aws/sso/cache. */
  awsCliInterop: z.boolean().default(true),
  launchAtLogin: z.boolean().default(false),
  /** Accelerator for the quick switcher, e.g. "CommandOrControl+Shift+A"; null = none. */
  globalShortcut: z.string().nullable().default(null),
});
export type Preferences = z.infer<typeof preferencesSchema>;

/** Everything Rolecall persists that is not secret: the settings file. */
export const settingsSchema = z.object({
  version: z.literal(1).default(1),
  instances: z.array(instanceSchema).default([]),
  preferences: preferencesSchema.default(() => preferencesSchema.parse({})),
  favorites: z.array(roleRefSchema).default([]),
  /** Most recent first, capped. */
  recents: z.array(roleRefSchema).default([]),
  /** Roles whose credentials are re-fetched before they expire while the session is valid. */
  keepFresh: z.array(roleRefSchema).default([]),
  /** The user's own names for accounts, keyed by `<instanceId>/<accountId>`; searchable. */
  aliases: z.record(z.string().max(120), z.string().min(1).max(60)).default({}),
});
export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings = (): Settings => settingsSchema.parse({});
