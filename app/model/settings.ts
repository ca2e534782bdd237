import { z } from 'zod';
import { chainedRoleSchema } from './chained-roles';
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
/**
 * The browsers console sessions may be opened in, by name: the `open` package finds each
 * one's binary per platform. A name, never a path or command: a preference that held a
 * command would make "Open console" run any program a bridge client chose.
 */
export const CONSOLE_BROWSERS = ['chrome', 'chromium', 'brave', 'firefox', 'edge'] as const;
export type ConsoleBrowser = (typeof CONSOLE_BROWSERS)[number];
export const consoleBrowserSchema = z
  .enum(CONSOLE_BROWSERS, { error: `choose one of ${CONSOLE_BROWSERS.join(', ')} (or none for the default browser)` })
  .nullable();

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
  /**
   * The browser to open console sessions in; null means the default browser. A value from an
   * older settings file that is not one of the names (a free-form command) reads as null
   * rather than making the whole file unreadable.
   */
  consoleBrowser: consoleBrowserSchema.catch(null).default(null),
  /** Share the sign-in with the AWS CLI and SDKs through ~/.aws/sso/cache. */
  awsCliInterop: z.boolean().default(true),
  launchAtLogin: z.boolean().default(false),
  /** Accelerator for the quick switcher, e.g. "CommandOrControl+Shift+A"; null = none. */
  globalShortcut: z.string().nullable().default(null),
});
export type Preferences = z.infer<typeof preferencesSchema>;

type PreferenceShape = typeof preferencesSchema.shape;

/**
 * What one preferences change may carry: any subset of the preferences, each validated, and
 * no defaults filled in — `preferencesSchema.partial()` would still apply each field's
 * default, so changing one preference would reset all the others. The console browser must
 * be a known name here (the file schema forgives an old free-form value; a request may not).
 */
export const preferencesPatchSchema = z
  .strictObject(
    Object.fromEntries(Object.entries(preferencesSchema.shape).map(([key, field]) => [key, field.unwrap().optional()])) as {
      [K in keyof PreferenceShape]: z.ZodOptional<ReturnType<PreferenceShape[K]['unwrap']>>;
    },
  )
  .extend({ consoleBrowser: consoleBrowserSchema.optional() });

/** A saved chained role: a name is required, it is the AWS CLI profile. */
export const savedChainedRoleSchema = chainedRoleSchema.required({ name: true });
export type SavedChainedRole = z.infer<typeof savedChainedRoleSchema>;

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
  /**
   * Roles the user reaches by role chaining from an Identity Center role, saved by name;
   * `config populate` writes each as a `role_arn` + `source_profile` profile.
   */
  chainedRoles: z.array(savedChainedRoleSchema).max(200).default([]),
  /** Saved chained roles (by name) pinned, and used most recently first (capped), as favorites and recents are for roles. */
  chainedFavorites: z.array(z.string().min(1).max(64)).max(200).default([]),
  chainedRecents: z.array(z.string().min(1).max(64)).max(50).default([]),
  /** Saved chained roles (by name) whose credentials are assumed again before they expire, as keepFresh is for roles. */
  chainedKeepFresh: z.array(z.string().min(1).max(64)).max(200).default([]),
});
export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings = (): Settings => settingsSchema.parse({});
