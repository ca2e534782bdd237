import { RolecallError } from '../../model/errors';
import { createInstance } from '../instance-registry';
import { defaultSettings, preferencesSchema } from '../../model/settings';
import { roleKey, sameRole } from '../../model/roles';
import type { AccountWithRoles, RoleRef } from '../../model/roles';
import type { Instance } from '../../model/instances';
import type { Settings } from '../../model/settings';
import type { AppSnapshot, InstanceView, Notice, SessionView } from '../../model/snapshot';
import type { DirectoryView, RolecallApi } from '../../ipc/contract';
import type { CoreEvent, RolecallCore } from '../core';

/**
 * A RolecallCore test double: the real interface over in-memory state, for testing the
 * shells' transports (web server, page bridge) and for looking at the UI with a large
 * directory. It talks to no AWS endpoint; "credentials" are fake strings it makes up.
 */

export interface MemoryCoreSeed {
  readonly now?: () => number;
  /** Instances that start signed in, with their directories. */
  readonly signedIn?: readonly {
    readonly instance: Instance;
    readonly accounts: readonly AccountWithRoles[];
    readonly sessionEndsAt: number;
  }[];
  readonly shell?: 'web' | 'desktop';
}

export interface MemoryCore extends RolecallCore {
  /** What the API was asked, in order (channel names), for assertions. */
  readonly calls: string[];
  /** Completes a device sign-in as if the user allowed it in the browser. */
  approveSignIn(instanceId: string, accounts: readonly AccountWithRoles[], sessionEndsAt: number): void;
  /** Pushes a notice, as a failed refresh would. */
  addNotice(notice: Notice): void;
}

interface InstanceState {
  instance: Instance;
  session: SessionView;
  accounts: readonly AccountWithRoles[];
  syncedAt?: number;
}

const toggle = (list: readonly RoleRef[], role: RoleRef): RoleRef[] =>
  list.some((item) => sameRole(item, role)) ? list.filter((item) => !sameRole(item, role)) : [...list, role];

/** A fake-but-plausible directory: `accountCount` accounts with a few roles each. */
export const generateAccounts = (accountCount: number, rolesPerAccount = 4): AccountWithRoles[] => {
  const envs = ['prod', 'staging', 'dev', 'sandbox', 'shared', 'qa', 'perf', 'audit'];
  const teams = ['payments', 'identity', 'search', 'billing', 'data', 'platform', 'mobile', 'ledger', 'edge', 'ml'];
  const roles = [
    'AdministratorAccess',
    'ReadOnlyAccess',
    'PowerUserAccess',
    'Developer',
    'BillingViewer',
    'SecurityAudit',
    'DataScientist',
    'SupportUser',
  ];
  return Array.from({ length: accountCount }, (_, index) => {
    const env = envs[index % envs.length] ?? 'dev';
    const team = teams[Math.floor(index / envs.length) % teams.length] ?? 'core';
    const suffix = index >= envs.length * teams.length ? `-${Math.floor(index / (envs.length * teams.length)) + 1}` : '';
    const accountName = `${env}-${team}${suffix}`;
    return {
      accountId: String(100_000_000_000 + index * 7_919).padStart(12, '0'),
      accountName,
      emailAddress: `aws+${accountName}@example.com`,
      roles: Array.from({ length: rolesPerAccount }, (_, r) => roles[(index + r) % roles.length] ?? 'Developer'),
    };
  });
};

export const createMemoryCore = (seed: MemoryCoreSeed = {}): MemoryCore => {
  const now = seed.now ?? (() => Date.now());
  const shell = seed.shell ?? 'web';
  const listeners = new Set<(event: CoreEvent) => void>();
  const calls: string[] = [];
  let settings: Settings = defaultSettings();
  let notices: Notice[] = [];
  const active = new Map<string, { role: RoleRef; accountName?: string; expiresAt: number }>();
  const instances = new Map<string, InstanceState>();
  for (const entry of seed.signedIn ?? []) {
    settings = { ...settings, instances: [...settings.instances, entry.instance] };
    instances.set(entry.instance.id, {
      instance: entry.instance,
      session: { status: 'signed-in', expiresAt: entry.sessionEndsAt, refreshable: true, source: 'rolecall' },
      accounts: entry.accounts,
      syncedAt: now(),
    });
  }

  const emit = (event: CoreEvent): void => {
    for (const listener of listeners) listener(event);
  };

  const view = (state: InstanceState): InstanceView => ({
    id: state.instance.id,
    label: state.instance.label,
    startUrl: state.instance.startUrl,
    region: state.instance.region,
    ssoSessionName: state.instance.ssoSessionName,
    session: state.session,
    sync: {
      status: 'idle',
      done: state.accounts.length,
      total: state.accounts.length,
      syncedAt: state.syncedAt,
      stale: false,
      accountCount: state.accounts.length,
      roleCount: state.accounts.reduce((sum, account) => sum + account.roles.length, 0),
      failedAccounts: 0,
    },
  });

  const snapshot = (): AppSnapshot => ({
    instances: [...instances.values()].map(view),
    preferences: settings.preferences,
    favorites: settings.favorites,
    recents: settings.recents,
    keepFresh: settings.keepFresh,
    aliases: settings.aliases,
    activeCredentials: [...active.values()].filter((c) => c.expiresAt > now()).sort((a, b) => a.expiresAt - b.expiresAt),
    secretStorage: { mode: 'private-file' },
    notices,
  });

  const changed = (): void => emit({ channel: 'state:changed', payload: snapshot() });

  const stateOf = (instanceId: string): InstanceState => {
    const state = instances.get(instanceId);
    if (!state) throw new RolecallError('not-found', `There is no instance "${instanceId}".`);
    return state;
  };

  const findRole = (role: RoleRef): AccountWithRoles => {
    const state = stateOf(role.instanceId);
    if (state.session.status !== 'signed-in') throw new RolecallError('signed-out', `Sign in to ${state.instance.label} first.`);
    const account = state.accounts.find((item) => item.accountId === role.accountId);
    if (!account || !account.roles.includes(role.roleName)) {
      throw new RolecallError('not-assigned', `${role.roleName} in ${role.accountId} is no longer assigned to you.`);
    }
    return account;
  };

  const issue = (role: RoleRef) => {
    const account = findRole(role);
    const expiresAt = now() + 60 * 60 * 1000;
    active.set(roleKey(role), { role, accountName: account.accountName, expiresAt });
    settings = { ...settings, recents: [role, ...settings.recents.filter((item) => !sameRole(item, role))].slice(0, 10) };
    return { account, expiresAt };
  };

  const api: RolecallApi = {
    'state:get': async () => {
      calls.push('state:get');
      return snapshot();
    },
    'directory:get': async ({ instanceId }) => {
      calls.push('directory:get');
      const state = instances.get(instanceId);
      if (!state || state.syncedAt === undefined) return null;
      const directory: DirectoryView = { instanceId, accounts: state.accounts, syncedAt: state.syncedAt };
      return directory;
    },
    'instance:add': async (input) => {
      calls.push('instance:add');
      const instance = createInstance(input, settings.instances);
      settings = { ...settings, instances: [...settings.instances, instance] };
      instances.set(instance.id, { instance, session: { status: 'signed-out' }, accounts: [] });
      changed();
      return { instanceId: instance.id };
    },
    'instance:remove': async ({ instanceId }) => {
      calls.push('instance:remove');
      stateOf(instanceId);
      instances.delete(instanceId);
      settings = { ...settings, instances: settings.instances.filter((item) => item.id !== instanceId) };
      changed();
    },
    'instance:update': async ({ instanceId, label, ssoSessionName }) => {
      calls.push('instance:update');
      const state = stateOf(instanceId);
      state.instance = { ...state.instance, ...(label ? { label } : {}), ...(ssoSessionName ? { ssoSessionName } : {}) };
      settings = { ...settings, instances: settings.instances.map((item) => (item.id === instanceId ? state.instance : item)) };
      changed();
    },
    'aliases:set': async ({ instanceId, accountId, alias }) => {
      calls.push('aliases:set');
      stateOf(instanceId);
      const aliases = { ...settings.aliases };
      if (alias) aliases[`${instanceId}/${accountId}`] = alias;
      else delete aliases[`${instanceId}/${accountId}`];
      settings = { ...settings, aliases };
      changed();
    },
    'session:sign-in': async ({ instanceId, flow }) => {
      calls.push('session:sign-in');
      const state = stateOf(instanceId);
      state.session = {
        status: 'signing-in',
        signIn: {
          // Like a core with no browser to open: the device code unless PKCE is asked for.
          flow: flow ?? 'device',
          stage: 'awaiting-user',
          userCode: 'WDJB-MJHT',
          verificationUri: 'http://127.0.0.1:9/device',
          verificationUriComplete: 'http://127.0.0.1:9/device?user_code=WDJB-MJHT',
          expiresAt: now() + 10 * 60 * 1000,
        },
      };
      changed();
    },
    'session:cancel-sign-in': async ({ instanceId }) => {
      calls.push('session:cancel-sign-in');
      stateOf(instanceId).session = { status: 'signed-out' };
      changed();
    },
    'session:open-verification': async ({ instanceId }) => {
      calls.push('session:open-verification');
      if (stateOf(instanceId).session.status !== 'signing-in') {
        throw new RolecallError('invalid-input', 'No sign-in is waiting for the browser.');
      }
    },
    'session:sign-out': async ({ instanceId }) => {
      calls.push('session:sign-out');
      stateOf(instanceId).session = { status: 'signed-out' };
      for (const [key, credential] of active) if (credential.role.instanceId === instanceId) active.delete(key);
      changed();
    },
    'directory:refresh': async ({ instanceId }) => {
      calls.push('directory:refresh');
      for (const state of instanceId ? [stateOf(instanceId)] : instances.values()) {
        if (state.session.status !== 'signed-in') continue;
        state.syncedAt = now();
        emit({ channel: 'directory:changed', payload: { instanceId: state.instance.id } });
      }
      changed();
    },
    'credentials:copy': async ({ role, format }) => {
      calls.push('credentials:copy');
      const { account, expiresAt } = issue(role);
      const chosen = format ?? settings.preferences.defaultCopyFormat;
      changed();
      return {
        format: chosen,
        role,
        accountName: account.accountName,
        expiresAt,
        clearsAfterSeconds: settings.preferences.clipboardClearSeconds,
        ...(shell === 'web' ? { clipboardText: `export AWS_ACCESS_KEY_ID=ASIAMEMORYCORE${role.accountId}` } : {}),
      };
    },
    'console:open': async ({ role, region }) => {
      calls.push('console:open');
      issue(role);
      const chosenRegion = region ?? settings.preferences.consoleRegion ?? stateOf(role.instanceId).instance.region;
      changed();
      return {
        role,
        region: chosenRegion,
        ...(shell === 'web'
          ? { url: `http://127.0.0.1:9/console?account=${role.accountId}&role=${role.roleName}&region=${chosenRegion}` }
          : {}),
      };
    },
    'favorites:toggle': async ({ role }) => {
      calls.push('favorites:toggle');
      settings = { ...settings, favorites: toggle(settings.favorites, role) };
      changed();
    },
    'keep-fresh:toggle': async ({ role }) => {
      calls.push('keep-fresh:toggle');
      settings = { ...settings, keepFresh: toggle(settings.keepFresh, role) };
      changed();
    },
    'preferences:update': async (patch) => {
      calls.push('preferences:update');
      settings = { ...settings, preferences: preferencesSchema.parse({ ...settings.preferences, ...patch }) };
      changed();
      return settings.preferences;
    },
    'notices:dismiss': async ({ id }) => {
      calls.push('notices:dismiss');
      notices = notices.filter((notice) => notice.id !== id);
      changed();
    },
    'aws-config:add-profile': async ({ role }) => {
      calls.push('aws-config:add-profile');
      const account = findRole(role);
      return { path: '/home/user/.aws/config', profiles: [`${account.accountName}-${role.roleName}`] };
    },
    'aws-config:add-all': async ({ instanceId }) => {
      calls.push('aws-config:add-all');
      const state = stateOf(instanceId);
      return { path: '/home/user/.aws/config', profiles: state.accounts.flatMap((a) => a.roles.map((r) => `${a.accountName}-${r}`)) };
    },
    // The memory core has no AWS config file: nothing to import.
    'aws-config:find-setups': async () => {
      calls.push('aws-config:find-setups');
      return { path: '/home/user/.aws/config', exists: false, setups: [], skipped: [] };
    },
    'aws-config:import-setups': async () => {
      calls.push('aws-config:import-setups');
      return { imported: [], skipped: [] };
    },
  };

  return {
    api,
    calls,
    snapshot,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start: async () => undefined,
    stop: async () => undefined,
    approveSignIn: (instanceId, accounts, sessionEndsAt) => {
      const state = stateOf(instanceId);
      state.session = { status: 'signed-in', expiresAt: sessionEndsAt, refreshable: true, source: 'rolecall' };
      state.accounts = accounts;
      state.syncedAt = now();
      changed();
      emit({ channel: 'directory:changed', payload: { instanceId } });
    },
    addNotice: (notice) => {
      notices = [notice, ...notices];
      changed();
    },
  };
};
