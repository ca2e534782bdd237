import * as z from './zod-mini';
import { chainedRoleSchema } from './chained-roles';
import { instanceSchema } from './instances';
import { roleRefSchema } from './roles';

export const copyFormats = ['posix', 'fish', 'powershell', 'cmd', 'dotenv', 'json', 'ini'] as const;
export const copyFormatSchema = z.enum(copyFormats);
export type CopyFormat = z.output<typeof copyFormatSchema>;

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
export const consoleBrowserSchema = z.nullable(
  z.enum(CONSOLE_BROWSERS, { error: `choose one of ${CONSOLE_BROWSERS.join(', ')} (or none for the default browser)` }),
);

export const preferencesSchema = z.object({
  defaultCopyFormat: z._default(copyFormatSchema, 'posix'),
  /** Clear the clipboard after N seconds if it still holds what we copied; 0 = never. */
  clipboardClearSeconds: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(3600)), 0),
  /** Notify this many minutes before the Identity Center session ends. */
  notificationLeadMinutes: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(240)), 15),
  /** Console region; null means the instance's region. */
  consoleRegion: z._default(z.nullable(z.string()), null),
  /** Console destination URL (an AWS console page); null means the console home. */
  consoleDestination: z._default(z.nullable(z.string()), null),
  /**
   * The browser to open console sessions in; null means the default browser. A value from an
   * older settings file that is not one of the names (a free-form command) reads as null
   * rather than making the whole file unreadable.
   */
  consoleBrowser: z._default(z.catch(consoleBrowserSchema, null), null),
  /** Share the sign-in with the AWS CLI and SDKs through ~/.aws/sso/cache. */
  awsCliInterop: z._default(z.boolean(), true),
  launchAtLogin: z._default(z.boolean(), false),
  /** Accelerator for the quick switcher, e.g. "CommandOrControl+Shift+A"; null = none. */
  globalShortcut: z._default(z.nullable(z.string()), null),
});
export type Preferences = z.output<typeof preferencesSchema>;

type PreferenceShape = typeof preferencesSchema.shape;

/**
 * What one preferences change may carry: any subset of the preferences, each validated, and
 * no defaults filled in — `z.partial(preferencesSchema)` would still apply each field's
 * default, so changing one preference would reset all the others. The console browser must
 * be a known name here (the file schema forgives an old free-form value; a request may not).
 */
export const preferencesPatchSchema = z.extend(
  z.strictObject(
    Object.fromEntries(Object.entries(preferencesSchema.shape).map(([key, field]) => [key, z.optional(field._zod.def.innerType)])) as {
      [K in keyof PreferenceShape]: z.ZodMiniOptional<PreferenceShape[K]['_zod']['def']['innerType']>;
    },
  ),
  { consoleBrowser: z.optional(consoleBrowserSchema) },
);

/** A saved chained role: a name is required, it is the AWS CLI profile. */
export const savedChainedRoleSchema = z.required(chainedRoleSchema, { name: true });
export type SavedChainedRole = z.output<typeof savedChainedRoleSchema>;

/** Everything Rolecall persists that is not secret: the settings file. */
export const settingsSchema = z.object({
  version: z._default(z.literal(1), 1),
  instances: z._default(z.array(instanceSchema), []),
  preferences: z._default(preferencesSchema, () => preferencesSchema.parse({})),
  favorites: z._default(z.array(roleRefSchema), []),
  /** Most recent first, capped. */
  recents: z._default(z.array(roleRefSchema), []),
  /** Roles whose credentials are re-fetched before they expire while the session is valid. */
  keepFresh: z._default(z.array(roleRefSchema), []),
  /** The user's own names for accounts, keyed by `<instanceId>/<accountId>`; searchable. */
  aliases: z._default(z.record(z.string().check(z.maxLength(120)), z.string().check(z.minLength(1), z.maxLength(60))), {}),
  /**
   * Roles the user reaches by role chaining from an Identity Center role, saved by name;
   * `config populate` writes each as a `role_arn` + `source_profile` profile.
   */
  chainedRoles: z._default(z.array(savedChainedRoleSchema).check(z.maxLength(200)), []),
  /** Saved chained roles (by name) pinned, and used most recently first (capped), as favorites and recents are for roles. */
  chainedFavorites: z._default(z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(200)), []),
  chainedRecents: z._default(z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(50)), []),
  /** Saved chained roles (by name) whose credentials are assumed again before they expire, as keepFresh is for roles. */
  chainedKeepFresh: z._default(z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(200)), []),
});
export type Settings = z.output<typeof settingsSchema>;

export const defaultSettings = (): Settings => settingsSchema.parse({});
