import { isStale } from '../directory/directory-cache';
import { canRefresh } from '../identity-center/token-refresh';
import type { Account, RoleRef } from '../model/roles';
import type { Settings } from '../model/settings';
import type { ActiveCredentialView, AppSnapshot, InstanceView, Notice, SessionView } from '../model/snapshot';
import type { SecretStorageStatus } from '../ports/secret-store';
import type { InstanceRuntime } from './runtime';
import { sessionStatus } from './session-state';

const sessionView = (runtime: InstanceRuntime, now: number): SessionView => {
  const { token } = runtime;
  const status = sessionStatus(runtime, now);
  switch (status) {
    case 'signing-in':
      return {
        status,
        ...(runtime.signIn ? { signIn: runtime.signIn.view } : {}),
        ...(runtime.sessionError ? { error: runtime.sessionError } : {}),
      };
    case 'signed-in':
    case 'reconnecting':
      return {
        status,
        ...(token ? { expiresAt: token.expiresAt, refreshable: canRefresh(token, { now: () => now }) } : {}),
        source: runtime.tokenSource ?? 'rolecall',
        ...(status === 'reconnecting' && runtime.retrying ? { error: runtime.retrying } : {}),
      };
    case 'expired':
      return { status, ...(token ? { expiresAt: token.expiresAt } : {}), ...(runtime.sessionError ? { error: runtime.sessionError } : {}) };
    case 'error':
      return { status, ...(runtime.sessionError ? { error: runtime.sessionError } : {}) };
    case 'signed-out':
      return { status };
  }
};

const instanceView = (runtime: InstanceRuntime, now: number): InstanceView => {
  const { instance, directory, sync } = runtime;
  return {
    id: instance.id,
    label: instance.label,
    startUrl: instance.startUrl,
    region: instance.region,
    ssoSessionName: instance.ssoSessionName,
    session: sessionView(runtime, now),
    sync: {
      status: sync.status,
      done: sync.done,
      ...(sync.total !== undefined ? { total: sync.total } : {}),
      ...(directory ? { syncedAt: directory.syncedAt } : {}),
      // A list painted from a cache older than a day gets the "stale" badge.
      stale: directory ? isStale(directory, now) : false,
      accountCount: directory?.accounts.length ?? 0,
      roleCount: directory?.accounts.reduce((sum, account) => sum + account.roles.length, 0) ?? 0,
      failedAccounts: directory?.failedAccounts.length ?? 0,
      ...(sync.error ? { error: sync.error } : {}),
    },
  };
};

export interface SnapshotInput {
  readonly settings: Settings;
  readonly runtimes: readonly InstanceRuntime[];
  /** chainedRole: a saved chained role's credentials (ref is the role it assumed). */
  readonly activeCredentials: readonly { readonly ref: RoleRef; readonly expiration: number; readonly chainedRole?: string }[];
  readonly secretStorage: SecretStorageStatus;
  readonly notices: readonly Notice[];
  readonly now: number;
}

/**
 * Account names by id, per directory: built the first time a snapshot needs a name from that
 * directory (an active credential in it) and kept while the directory is the same object. A
 * directory is replaced, never changed in place, so its accounts array is its identity.
 */
const accountNamesByDirectory = new WeakMap<readonly Account[], ReadonlyMap<string, string>>();

const accountNameIn = (accounts: readonly Account[], accountId: string): string | undefined => {
  let names = accountNamesByDirectory.get(accounts);
  if (!names) {
    names = new Map(accounts.map((account) => [account.accountId, account.accountName]));
    accountNamesByDirectory.set(accounts, names);
  }
  return names.get(accountId);
};

/** Derives the redacted snapshot every view renders. Pure; holds no secret by construction. */
export const buildSnapshot = (input: SnapshotInput): AppSnapshot => {
  // Names are looked up only for the credentials shown, not for every account of every directory.
  const accountNameOf = (ref: RoleRef): string | undefined => {
    const accounts = input.runtimes.find((runtime) => runtime.instance.id === ref.instanceId)?.directory?.accounts;
    return accounts ? accountNameIn(accounts, ref.accountId) : undefined;
  };
  const activeCredentials: ActiveCredentialView[] = input.activeCredentials
    .filter((entry) => entry.expiration > input.now)
    .map((entry) => {
      const accountName = accountNameOf(entry.ref);
      return {
        role: entry.ref,
        expiresAt: entry.expiration,
        ...(accountName ? { accountName } : {}),
        ...(entry.chainedRole ? { chainedRole: entry.chainedRole } : {}),
      };
    })
    .sort((a, b) => a.expiresAt - b.expiresAt);
  return {
    instances: input.runtimes.map((runtime) => instanceView(runtime, input.now)),
    preferences: input.settings.preferences,
    favorites: input.settings.favorites,
    recents: input.settings.recents,
    keepFresh: input.settings.keepFresh,
    aliases: input.settings.aliases,
    chainedRoles: input.settings.chainedRoles,
    chainedFavorites: input.settings.chainedFavorites,
    chainedRecents: input.settings.chainedRecents,
    chainedKeepFresh: input.settings.chainedKeepFresh,
    activeCredentials,
    secretStorage: input.secretStorage,
    notices: input.notices,
  };
};
