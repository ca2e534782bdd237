import { roleKey, sameRole } from '../../app/model/roles';
import type { RoleRef } from '../../app/model/roles';
import { copyFormatLabels, copyFormats } from '../../app/model/settings';
import type { CopyFormat } from '../../app/model/settings';
import type { AppSnapshot, InstanceView } from '../../app/model/snapshot';
import { chainedRoleTarget } from '../../app/model/chained-roles';
import { formatUntil } from '../../app/model/countdown';
import { isSignedIn, sessionStatusAt } from '../../app/model/session-status';

/**
 * Stable ids of the tray menu's items. Role items append the role key
 * (`pinned:<instance>/<account>/<role>:copy`), instance items the instance id, so an id
 * names the same thing across rebuilds and in tests.
 */
export const TrayMenuId = {
  Status: 'status',
  NoInstance: 'no-instance',
  SignIn: 'sign-in',
  SignOut: 'sign-out',
  EnterCode: 'enter-code',
  CancelSignIn: 'cancel-sign-in',
  PinnedHeader: 'pinned-header',
  Pinned: 'pinned',
  RecentHeader: 'recent-header',
  Recent: 'recent',
  ActiveHeader: 'active-header',
  Active: 'active',
  Copy: 'copy',
  CopyAs: 'copy-as',
  Console: 'console',
  OpenWindow: 'open-window',
  Refresh: 'refresh',
  Preferences: 'preferences',
  Quit: 'quit',
  Separator: 'separator',
} as const;
export type TrayMenuIdPrefix = (typeof TrayMenuId)[keyof typeof TrayMenuId];

/** What clicking an item asks for; the Electron adapter maps each to one core call. */
export type TrayAction =
  | { readonly type: 'sign-in'; readonly instanceId: string }
  | { readonly type: 'sign-out'; readonly instanceId: string }
  | { readonly type: 'open-verification'; readonly instanceId: string }
  | { readonly type: 'cancel-sign-in'; readonly instanceId: string }
  /** chainedRole: a saved chained role, by its name (role is then the role it assumes, for the label). */
  | { readonly type: 'copy'; readonly role: RoleRef; readonly chainedRole?: string; readonly format?: CopyFormat }
  | { readonly type: 'open-console'; readonly role: RoleRef; readonly chainedRole?: string }
  | { readonly type: 'open-window' }
  | { readonly type: 'refresh' }
  | { readonly type: 'preferences' }
  | { readonly type: 'quit' };

export type MenuItemModel =
  | { readonly kind: 'item'; readonly id: string; readonly label: string; readonly enabled: boolean; readonly action?: TrayAction }
  | { readonly kind: 'submenu'; readonly id: string; readonly label: string; readonly items: readonly MenuItemModel[] }
  | { readonly kind: 'separator'; readonly id: string };

/** Resolves an account id to its name from the synced directory, when known. */
export type DirectoryLookup = (role: RoleRef) => string | undefined;

/** Recent roles shown in the tray; the window lists them all. */
export const TRAY_RECENT_LIMIT = 5;

const item = (id: string, label: string, action?: TrayAction): MenuItemModel =>
  action ? { kind: 'item', id, label, enabled: true, action } : { kind: 'item', id, label, enabled: false };

const separator = (after: string): MenuItemModel => ({ kind: 'separator', id: `${TrayMenuId.Separator}:${after}` });

const sessionLabel = (instance: InstanceView, now: number): string => {
  const { session } = instance;
  switch (sessionStatusAt(session, now)) {
    case 'signed-in':
      return session.expiresAt === undefined
        ? `${instance.label}: signed in`
        : `${instance.label}: signed in · ${formatUntil(session.expiresAt, now)} left`;
    case 'signing-in':
      return session.signIn?.expiresAt === undefined
        ? `${instance.label}: signing in…`
        : `${instance.label}: signing in · code valid ${formatUntil(session.signIn.expiresAt, now)}`;
    case 'reconnecting':
      return `${instance.label}: reconnecting (AWS did not answer; retrying)`;
    case 'expired':
      return `${instance.label}: session ended`;
    case 'error':
      return `${instance.label}: ${session.error ?? 'sign-in failed'}`;
    case 'signed-out':
      return `${instance.label}: signed out`;
  }
};

const sessionItems = (instances: readonly InstanceView[], now: number): MenuItemModel[] => {
  if (instances.length === 0) {
    return [item(TrayMenuId.NoInstance, 'Add an Identity Center instance…', { type: 'open-window' })];
  }
  // With one instance, "Sign in…" is unambiguous; with several, each names its instance.
  const named = (verb: string, instance: InstanceView) => (instances.length === 1 ? verb : `${verb} ${instance.label}`);
  return instances.flatMap((instance): MenuItemModel[] => {
    const suffix = `:${instance.id}`;
    const status = item(`${TrayMenuId.Status}${suffix}`, sessionLabel(instance, now));
    const instanceId = instance.id;
    switch (sessionStatusAt(instance.session, now)) {
      case 'signed-in':
        return [status, item(`${TrayMenuId.SignOut}${suffix}`, named('Sign out', instance), { type: 'sign-out', instanceId })];
      case 'signing-in': {
        const code = instance.session.signIn?.userCode;
        return [
          status,
          item(`${TrayMenuId.EnterCode}${suffix}`, code ? `Enter code ${code} in the browser…` : 'Open the sign-in page…', {
            type: 'open-verification',
            instanceId,
          }),
          item(`${TrayMenuId.CancelSignIn}${suffix}`, 'Cancel sign-in', { type: 'cancel-sign-in', instanceId }),
        ];
      }
      default:
        return [status, item(`${TrayMenuId.SignIn}${suffix}`, `${named('Sign in', instance)}…`, { type: 'sign-in', instanceId })];
    }
  });
};

interface RoleContext {
  readonly snapshot: AppSnapshot;
  readonly now: number;
  readonly lookup: DirectoryLookup | undefined;
}

/** The user's own alias when there is one (it is how they think of the account), else its name. */
const accountLabel = (role: RoleRef, context: RoleContext): string =>
  context.snapshot.aliases[`${role.instanceId}/${role.accountId}`] ??
  context.lookup?.(role) ??
  context.snapshot.activeCredentials.find((credential) => credential.role.accountId === role.accountId && credential.accountName)
    ?.accountName ??
  role.accountId;

/** A row's target: a role, or a saved chained role (its name, and the role it assumes for the label). */
interface TrayTarget {
  readonly role: RoleRef;
  readonly chainedRole?: string;
}

const roleLabel = (target: TrayTarget, context: RoleContext): string => {
  const { role, chainedRole } = target;
  const base = `${accountLabel(role, context)} · ${role.roleName}${chainedRole ? ` (chained: ${chainedRole})` : ''}`;
  // Each has its own countdown: a chained role's credentials are not its target's or its source's.
  const held = context.snapshot.activeCredentials.find((credential) =>
    chainedRole ? credential.chainedRole === chainedRole : !credential.chainedRole && sameRole(credential.role, role),
  );
  return held && held.expiresAt > context.now ? `${base} — ${formatUntil(held.expiresAt, context.now)}` : base;
};

const targetKey = (target: TrayTarget): string => (target.chainedRole ? `chained/${target.chainedRole}` : roleKey(target.role));

const roleSubmenu = (prefix: string, target: TrayTarget, context: RoleContext): MenuItemModel => {
  const id = `${prefix}:${targetKey(target)}`;
  const defaultFormat = context.snapshot.preferences.defaultCopyFormat;
  return {
    kind: 'submenu',
    id,
    label: roleLabel(target, context),
    items: [
      item(`${id}:${TrayMenuId.Copy}`, `Copy credentials (${copyFormatLabels[defaultFormat]})`, {
        type: 'copy',
        ...target,
        format: defaultFormat,
      }),
      {
        kind: 'submenu',
        id: `${id}:${TrayMenuId.CopyAs}`,
        label: 'Copy as…',
        items: copyFormats.map((format) =>
          item(`${id}:${TrayMenuId.CopyAs}:${format}`, copyFormatLabels[format], { type: 'copy', ...target, format }),
        ),
      },
      item(`${id}:${TrayMenuId.Console}`, 'Open console', { type: 'open-console', ...target }),
    ],
  };
};

/** Saved chained roles named in a list (pinned or recent), skipping names no longer saved. */
const chainedTargets = (names: readonly string[] | undefined, snapshot: AppSnapshot): TrayTarget[] =>
  (names ?? []).flatMap((name) => {
    const chain = snapshot.chainedRoles?.find((saved) => saved.name === name);
    return chain ? [{ role: chainedRoleTarget(chain), chainedRole: name }] : [];
  });

/**
 * The tray menu as data: a pure function of the snapshot and the time, so it is tested
 * without Electron and rebuilt whenever either changes.
 */
export const buildTrayMenu = (snapshot: AppSnapshot, now: number, directoryLookup?: DirectoryLookup): readonly MenuItemModel[] => {
  const context: RoleContext = { snapshot, now, lookup: directoryLookup };
  const menu: MenuItemModel[] = [...sessionItems(snapshot.instances, now)];

  // Chained roles sit beside roles: pinned after the pinned roles, recent after the recent ones.
  const pinned: TrayTarget[] = [...snapshot.favorites.map((role) => ({ role })), ...chainedTargets(snapshot.chainedFavorites, snapshot)];
  if (pinned.length > 0) {
    menu.push(separator(TrayMenuId.PinnedHeader), item(TrayMenuId.PinnedHeader, 'Pinned'));
    menu.push(...pinned.map((target) => roleSubmenu(TrayMenuId.Pinned, target, context)));
  }

  const recents = snapshot.recents
    .filter((role) => !snapshot.favorites.some((favorite) => sameRole(favorite, role)))
    .slice(0, TRAY_RECENT_LIMIT)
    .map((role): TrayTarget => ({ role }));
  const chainedRecents = chainedTargets(
    snapshot.chainedRecents?.filter((name) => !snapshot.chainedFavorites?.includes(name)),
    snapshot,
  ).slice(0, TRAY_RECENT_LIMIT);
  if (recents.length + chainedRecents.length > 0) {
    menu.push(separator(TrayMenuId.RecentHeader), item(TrayMenuId.RecentHeader, 'Recent'));
    menu.push(...[...recents, ...chainedRecents].map((target) => roleSubmenu(TrayMenuId.Recent, target, context)));
  }

  const active = snapshot.activeCredentials.filter((credential) => credential.expiresAt > now);
  if (active.length > 0) {
    menu.push(separator(TrayMenuId.ActiveHeader), item(TrayMenuId.ActiveHeader, 'Active credentials'));
    menu.push(
      ...active.map((credential) => {
        const target: TrayTarget = credential.chainedRole
          ? { role: credential.role, chainedRole: credential.chainedRole }
          : { role: credential.role };
        return item(`${TrayMenuId.Active}:${targetKey(target)}`, roleLabel(target, context), { type: 'copy', ...target });
      }),
    );
  }

  const anySignedIn = snapshot.instances.some((instance) => isSignedIn(instance.session, now));
  menu.push(
    separator(TrayMenuId.OpenWindow),
    item(TrayMenuId.OpenWindow, 'Open Rolecall', { type: 'open-window' }),
    anySignedIn ? item(TrayMenuId.Refresh, 'Refresh accounts', { type: 'refresh' }) : item(TrayMenuId.Refresh, 'Refresh accounts'),
    item(TrayMenuId.Preferences, 'Preferences…', { type: 'preferences' }),
    separator(TrayMenuId.Quit),
    item(TrayMenuId.Quit, 'Quit Rolecall', { type: 'quit' }),
  );
  return menu;
};
