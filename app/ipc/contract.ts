import { z } from 'zod';
import { RolecallError } from '../model/errors';
import { accountIdSchema, roleRefSchema } from '../model/roles';
import type { Directory } from '../model/roles';
import { copyFormatSchema, preferencesPatchSchema, savedChainedRoleSchema } from '../model/settings';
import type { Preferences } from '../model/settings';
import { newInstanceSchema, ssoSessionNameSchema } from '../model/instances';
import type { AppSnapshot, CopyResult } from '../model/snapshot';
import type { DirectoryDiff } from './directory-diff';
import type { SetupDiscovery, SetupImportResult } from '../model/setups';
import { requestChannels as listedRequestChannels } from './request-channels';

/**
 * The one IPC contract between views (Electron renderer, tray, `rolecall web` page) and the
 * core. Main, the preload and the web bridge all derive from these maps: a channel name,
 * a zod schema for what a view may send, and the type it gets back. Payloads are validated
 * on arrival in the privileged process; nothing here carries a secret, except the
 * `clipboardText` / `url` a caller that delivers them itself receives for the one action it
 * asked for (see RequestCaller; the desktop's window never gets them).
 */

const instanceIdPayload = z.object({ instanceId: z.string().min(1).max(100) }).strict();
const rolePayload = z.object({ role: roleRefSchema }).strict();
const optionalRole = z.optional(roleRefSchema);
const chainedRoleName = z.string().min(1).max(64);
const oneTarget = (payload: { role?: unknown; chainedRole?: unknown }): boolean =>
  (payload.role === undefined) !== (payload.chainedRole === undefined);
const oneTargetMessage = { message: 'name either a role or a chained role' };

export const requestSchemas = {
  /** The current snapshot (views also get every change through `state:changed`). */
  'state:get': z.undefined(),
  /** The full directory of one instance (large: fetched once per view, then kept current by `directory:changed` diffs). */
  'directory:get': instanceIdPayload,
  'instance:add': z.strictObject(newInstanceSchema.shape),
  'instance:remove': instanceIdPayload,
  /** Renames an instance or changes its `[sso-session]` name (the AWS CLI cache moves with it). */
  'instance:update': z
    .object({
      instanceId: z.string().min(1).max(100),
      label: z.string().trim().min(1).max(100).optional(),
      ssoSessionName: z.optional(ssoSessionNameSchema),
    })
    .strict(),
  /** A user's own name for an account, searchable like its real name; '' removes it. */
  'aliases:set': z
    .object({ instanceId: z.string().min(1).max(100), accountId: accountIdSchema, alias: z.string().trim().max(60) })
    .strict(),
  /** Saves a chained role (an Identity Center role + a role ARN it assumes) under its name, replacing one of that name. */
  'chained-roles:save': savedChainedRoleSchema,
  /** Forgets the saved chained role of that name. */
  'chained-roles:remove': z.object({ name: chainedRoleName }).strict(),
  /**
   * Starts a sign-in; its progress (user code, stage, errors) arrives in snapshots. Without a
   * flow the core picks its default: PKCE where it can open a browser, else the device code.
   */
  'session:sign-in': z.object({ instanceId: z.string().min(1).max(100), flow: z.enum(['device', 'pkce']).optional() }).strict(),
  'session:cancel-sign-in': instanceIdPayload,
  /** Opens the verification page of the sign-in in progress again. */
  'session:open-verification': instanceIdPayload,
  'session:sign-out': instanceIdPayload,
  /** Re-syncs one instance's directory, or all of them. */
  'directory:refresh': z.object({ instanceId: z.string().min(1).max(100).optional() }).strict(),
  /**
   * Copy and console take a role, or a saved chained role by its name (exactly one): one
   * request per action keeps one clipboard path (auto-clear, the desktop's own clipboard when
   * it is the client of another owner) and one result shape for every view.
   */
  'credentials:copy': z
    .object({ role: optionalRole, chainedRole: chainedRoleName.optional(), format: z.optional(copyFormatSchema) })
    .strict()
    .refine(oneTarget, oneTargetMessage),
  'console:open': z
    .object({
      role: optionalRole,
      chainedRole: chainedRoleName.optional(),
      region: z.string().max(30).optional(),
      destination: z.string().url().max(2048).optional(),
    })
    .strict()
    .refine(oneTarget, oneTargetMessage),
  /** Pins or unpins a role, or a saved chained role by its name. */
  'favorites:toggle': z
    .object({ role: optionalRole, chainedRole: chainedRoleName.optional() })
    .strict()
    .refine(oneTarget, oneTargetMessage),
  /** Marks a role, or a saved chained role by its name, to have its credentials fetched again before they expire (or unmarks it). */
  'keep-fresh:toggle': z
    .object({ role: optionalRole, chainedRole: chainedRoleName.optional() })
    .strict()
    .refine(oneTarget, oneTargetMessage),
  'preferences:update': preferencesPatchSchema,
  'notices:dismiss': z.object({ id: z.string().max(100) }).strict(),
  /** Adds an `[profile]` for one role to ~/.aws/config. */
  'aws-config:add-profile': rolePayload,
  /** Adds profiles for every role of an instance. */
  'aws-config:add-all': instanceIdPayload,
  /** Lists the Identity Center set-ups in ~/.aws/config (sso-sessions, legacy profiles); reads only. */
  'aws-config:find-setups': z.undefined(),
  /** Adds those set-ups as instances (all new ones, or the named ones); never edits ~/.aws/config. */
  'aws-config:import-setups': z
    .object({ names: z.array(z.string().min(1).max(100)).max(100).optional() })
    .strict()
    .default({}),
} as const;

export type RequestChannel = keyof typeof requestSchemas;
export type RequestPayload<C extends RequestChannel> = z.input<(typeof requestSchemas)[C]>;
export type ValidatedPayload<C extends RequestChannel> = z.output<(typeof requestSchemas)[C]>;

export type DirectoryView = Pick<Directory, 'instanceId' | 'accounts' | 'syncedAt'>;

export interface ConsoleOpenResult {
  readonly role: CopyResult['role'];
  readonly chainedRole?: CopyResult['chainedRole'];
  readonly region: string;
  /** Only for a caller that opens the console itself (see RequestCaller); the desktop's core opens it. */
  readonly url?: string;
}

export interface AwsConfigResult {
  readonly path: string;
  readonly profiles: readonly string[];
  readonly backupPath?: string;
}

export interface ResponseTypes {
  'state:get': AppSnapshot;
  'directory:get': DirectoryView | null;
  'instance:add': { instanceId: string };
  'instance:remove': void;
  'instance:update': void;
  'aliases:set': void;
  'chained-roles:save': void;
  'chained-roles:remove': void;
  'session:sign-in': void;
  'session:cancel-sign-in': void;
  /** The verification page, only for a caller that opens it itself (see RequestCaller); the desktop's core opens it. */
  'session:open-verification': { readonly url?: string };
  'session:sign-out': void;
  'directory:refresh': void;
  'credentials:copy': CopyResult & { readonly clipboardText?: string };
  'console:open': ConsoleOpenResult;
  'favorites:toggle': void;
  'keep-fresh:toggle': void;
  'preferences:update': Preferences;
  'notices:dismiss': void;
  'aws-config:add-profile': AwsConfigResult;
  'aws-config:add-all': AwsConfigResult;
  'aws-config:find-setups': SetupDiscovery;
  'aws-config:import-setups': SetupImportResult;
}

/** Events the core pushes to every view. */
export interface EventPayloads {
  'state:changed': AppSnapshot;
  /**
   * A directory changed. With `diff` (after a sync), a view holding the directory at
   * `diff.fromSyncedAt` applies it; any other view, or one given no diff, fetches `directory:get`.
   */
  'directory:changed': { instanceId: string; diff?: DirectoryDiff };
  /** The shell asks the view to focus the search (global shortcut, tray). */
  'quick-switcher:open': undefined;
  /** The shell asks the view to show a screen (the tray's "Preferences…"). */
  'view:open': { view: 'roles' | 'preferences' };
}
export type EventChannel = keyof EventPayloads;

/**
 * Who sent a request, as its transport knows; only copy and console answer differently.
 * - 'view' (the default): a view in the core's own process (the desktop's window and tray, the
 *   `rolecall web` page, the CLI). The desktop's core writes its own clipboard and opens the
 *   console itself, so its window never receives the text or URL; any other core hands them back.
 * - 'client': another process on the authenticated agent socket (the CLI, `rolecall web`, a
 *   desktop client), whatever the owner's shell. It gets the text or URL of the one action it
 *   asked for and delivers it in its own process, as it does when working alone.
 */
export type RequestCaller = 'view' | 'client';

/** The handlers the privileged side implements, one per request channel. */
export type RolecallApi = {
  [C in RequestChannel]: (payload: ValidatedPayload<C>, caller?: RequestCaller) => Promise<ResponseTypes[C]>;
};

/** What a view sees: the preload's `window.rolecall` and the web bridge both implement it. */
export interface RolecallBridge {
  invoke<C extends RequestChannel>(channel: C, payload: RequestPayload<C>): Promise<ResponseTypes[C]>;
  on<E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void): () => void;
}

/** An error as it crosses IPC: the code and the one sentence, never a stack or a cause. */
export interface IpcError {
  readonly code: string;
  readonly message: string;
}

/** Every request channel by name (request-channels.ts lists them for clients that load no schema). */
export const requestChannels: readonly RequestChannel[] = listedRequestChannels;
type MustBeNever<T extends never> = T;
/** Compiles only while request-channels.ts names every channel of requestSchemas. */
export type EveryRequestChannelListed = MustBeNever<Exclude<RequestChannel, (typeof listedRequestChannels)[number]>>;
export const eventChannels: readonly EventChannel[] = ['state:changed', 'directory:changed', 'quick-switcher:open', 'view:open'];

export const isRequestChannel = (value: unknown): value is RequestChannel =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, value);

/** Validates an untrusted payload for a channel; throws RolecallError('invalid-input') on failure. */
export const parseRequest = <C extends RequestChannel>(channel: C, payload: unknown): ValidatedPayload<C> => {
  const result = requestSchemas[channel].safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
    throw new RolecallError('invalid-input', `Rejected a malformed "${channel}" request${where}: ${issue?.message ?? 'invalid payload'}.`);
  }
  return result.data as ValidatedPayload<C>;
};

/**
 * What travels back over an invoke: a value, or the error's code and one sentence. Electron
 * would otherwise wrap a thrown error's message in its own text and drop the code.
 */
export type IpcResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcError };

/**
 * What the preload exposes as `window.rolecall` (contextBridge): one method per request
 * channel, and `on` for events (returns an unsubscribe function). Rejections carry an
 * Error whose `code` and `message` come from the IpcError.
 */
export type PreloadApi = {
  readonly [C in RequestChannel]: (payload: RequestPayload<C>) => Promise<ResponseTypes[C]>;
} & {
  readonly on: <E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void) => () => void;
};
