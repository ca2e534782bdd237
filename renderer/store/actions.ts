import type { EventPayloads, RolecallBridge } from '../../app/ipc/contract';
import type { NewInstance } from '../../app/model/instances';
import type { RoleRef } from '../../app/model/roles';
import type { CopyFormat, Preferences } from '../../app/model/settings';
import type { AppSnapshot } from '../../app/model/snapshot';
import { toBridgeError } from '../bridge/bridge-error';
import { consoleMessage, copiedMessage, profileMessage } from '../format/messages';
import type { RolecallStore } from './store';
import { viewOf } from './ui-slice';
import type { RoleTarget } from '../search/role-entries';
import { importMessage } from '../../app/model/setups';
import type { SetupDiscovery } from '../../app/model/setups';

/** What the page itself does in web mode: the Clipboard API and window.open. */
export interface Platform {
  writeClipboard(text: string): Promise<void>;
  /** Optional: used to clear the clipboard only if it still holds what we put there. */
  readClipboard?(): Promise<string>;
  openUrl(url: string): void;
  now(): number;
  setTimer(callback: () => void, ms: number): void;
}

export const browserPlatform = (win: Window = window): Platform => ({
  writeClipboard: (text) => win.navigator.clipboard.writeText(text),
  readClipboard: () => win.navigator.clipboard.readText(),
  openUrl: (url) => {
    win.open(url, '_blank', 'noopener');
  },
  now: () => Date.now(),
  setTimer: (callback, ms) => {
    win.setTimeout(callback, ms);
  },
});

export type ActionResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

export interface Actions {
  /** Subscribes the store to the bridge's events and loads the first snapshot; returns the unsubscribe. */
  connect(): () => void;
  /** A chained role's target (chainedRole set) is copied and opened by its saved name. */
  copy(role: RoleTarget, format?: CopyFormat): Promise<void>;
  openConsole(role: RoleTarget): Promise<void>;
  /** A chained role is pinned by its saved name (the tray shows it under Pinned). */
  toggleFavorite(role: RoleTarget): Promise<void>;
  /** A chained role is kept fresh by its saved name, like a role. */
  toggleKeepFresh(role: RoleTarget): Promise<void>;
  addProfile(role: RoleRef): Promise<void>;
  addAllProfiles(instanceId: string): Promise<void>;
  addInstance(input: NewInstance): Promise<ActionResult>;
  removeInstance(instanceId: string): Promise<void>;
  /** Renames an instance or changes its sso-session name; errors come back for the form. */
  updateInstance(instanceId: string, change: { label?: string; ssoSessionName?: string }): Promise<ActionResult>;
  /** Sets the user's own name for an account ('' removes it); errors come back for the editor. */
  setAlias(instanceId: string, accountId: string, alias: string): Promise<ActionResult>;
  /** Saves a chained role (this role assumes `roleArn`) as profile `name`; errors come back for the editor. */
  saveChainedRole(source: RoleRef, chain: { name: string; roleArn: string; externalId?: string }): Promise<ActionResult>;
  /** Forgets the saved chained role of that name. */
  removeChainedRole(name: string): Promise<void>;
  /** The core's default flow (PKCE where it can open a browser) unless one is asked for. */
  signIn(instanceId: string, flow?: 'device' | 'pkce'): Promise<void>;
  /** The Identity Center set-ups in ~/.aws/config; undefined after an error (shown as a toast). */
  findSetups(): Promise<SetupDiscovery | undefined>;
  /** Adds those set-ups as instances (all new ones, or the named ones); ~/.aws/config is only read. */
  importSetups(names?: readonly string[]): Promise<void>;
  cancelSignIn(instanceId: string): Promise<void>;
  openVerification(instanceId: string): Promise<void>;
  signOut(instanceId: string): Promise<void>;
  refresh(instanceId?: string): Promise<void>;
  updatePreferences(patch: Partial<Preferences>): Promise<ActionResult>;
  dismissNotice(id: string): Promise<void>;
  /** Copies a non-secret text (a user code, a URL) with the page's clipboard. */
  copyText(text: string, what: string): Promise<void>;
}

const toastMs = { success: 4_000, info: 5_000, error: 9_000 } as const;

/** Wires the store to the bridge once, outside React; components call these. */
export const createActions = (store: RolecallStore, bridge: RolecallBridge, platform: Platform): Actions => {
  const toast = (kind: 'success' | 'error' | 'info', message: string): void => {
    const id = store.getState().pushToast({ kind, message });
    platform.setTimer(() => store.getState().dismissToast(id), toastMs[kind]);
  };
  const fail = (error: unknown): ActionResult => {
    const { message } = toBridgeError(error);
    toast('error', message);
    return { ok: false, message };
  };
  const run = async (work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      fail(error);
    }
  };

  // One fetch per instance at a time; a change during a fetch triggers one more.
  const fetching = new Map<string, boolean>();
  const fetchDirectory = async (instanceId: string): Promise<void> => {
    if (fetching.has(instanceId)) {
      fetching.set(instanceId, true);
      return;
    }
    fetching.set(instanceId, false);
    try {
      do {
        fetching.set(instanceId, false);
        store.getState().receiveDirectory(instanceId, await bridge.invoke('directory:get', { instanceId }));
      } while (fetching.get(instanceId));
    } catch (error) {
      fail(error);
    } finally {
      fetching.delete(instanceId);
    }
  };

  // A directory is fetched only when the snapshot names a syncedAt the view does not hold:
  // once when a view connects, never again for a sync (its diff arrives first), and not at
  // all on a reload that painted the same directory from the page's storage.
  // The web bridge answers `state:get` with the greeting's snapshot, which a listener
  // subscribed before the greeting also got: the store takes one snapshot once.
  let received: AppSnapshot | undefined;
  const receiveSnapshot = (snapshot: AppSnapshot): void => {
    if (snapshot === received) return;
    received = snapshot;
    // The requests go out before the store takes the snapshot (its subscribers render), so
    // the server builds and sends the directory meanwhile; the answers land after it.
    const unsynced: string[] = [];
    for (const instance of snapshot.instances) {
      const held = store.getState().directories[instance.id];
      if (fetching.has(instance.id) || held?.syncedAt === instance.sync.syncedAt) continue;
      if (instance.sync.syncedAt === undefined) unsynced.push(instance.id);
      else void fetchDirectory(instance.id);
    }
    store.getState().receiveSnapshot(snapshot);
    for (const instanceId of unsynced) store.getState().receiveDirectory(instanceId, null);
  };

  const receiveDirectoryChange = ({ instanceId, diff }: EventPayloads['directory:changed']): void => {
    if (diff && !fetching.has(instanceId) && store.getState().receiveDiff(instanceId, diff)) return;
    void fetchDirectory(instanceId);
  };

  const accountNameOf = (role: RoleRef): string =>
    store.getState().entries.find((entry) => entry.accountId === role.accountId && entry.ref.instanceId === role.instanceId)?.accountName ??
    role.accountId;

  // Exactly one of the two, as the contract asks; a row's ref may carry chainedRole.
  const targetOf = ({ instanceId, accountId, roleName, chainedRole }: RoleTarget) =>
    chainedRole ? { chainedRole } : { role: { instanceId, accountId, roleName } };

  const clearLater = (text: string, seconds: number): void => {
    if (seconds <= 0 || !platform.readClipboard) return;
    const read = platform.readClipboard;
    platform.setTimer(() => {
      // Only clear what we wrote: the user may have copied something else since.
      read()
        .then((current) => (current === text ? platform.writeClipboard('') : undefined))
        .catch(() => undefined);
    }, seconds * 1000);
  };

  return {
    connect: () => {
      const offs = [
        bridge.on('state:changed', receiveSnapshot),
        bridge.on('directory:changed', receiveDirectoryChange),
        bridge.on('quick-switcher:open', () => store.getState().requestSearchFocus()),
        bridge.on('view:open', ({ view }) => store.getState().showView(viewOf(view))),
      ];
      bridge.invoke('state:get', undefined).then(receiveSnapshot, fail);
      return () => offs.forEach((off) => off());
    },
    copy: (role, format) =>
      run(async () => {
        const result = await bridge.invoke('credentials:copy', { ...targetOf(role), ...(format ? { format } : {}) });
        if (result.clipboardText !== undefined) {
          await platform.writeClipboard(result.clipboardText).catch(() => {
            throw new Error('The browser did not allow Rolecall to write to the clipboard; click the page and try again.');
          });
          clearLater(result.clipboardText, result.clearsAfterSeconds);
        }
        toast('success', copiedMessage(result, platform.now()));
      }),
    openConsole: (role) =>
      run(async () => {
        const result = await bridge.invoke('console:open', targetOf(role));
        if (result.url) platform.openUrl(result.url);
        toast('success', consoleMessage(accountNameOf(role), role.roleName, result.region));
      }),
    toggleFavorite: (role) => run(() => bridge.invoke('favorites:toggle', targetOf(role))),
    toggleKeepFresh: (role) => run(() => bridge.invoke('keep-fresh:toggle', targetOf(role))),
    addProfile: (role) => run(async () => toast('success', profileMessage(await bridge.invoke('aws-config:add-profile', { role })))),
    findSetups: async () => {
      try {
        return await bridge.invoke('aws-config:find-setups', undefined);
      } catch (error) {
        fail(error);
        return undefined;
      }
    },
    importSetups: (names) =>
      run(async () => toast('success', importMessage(await bridge.invoke('aws-config:import-setups', names ? { names: [...names] } : {})))),
    addAllProfiles: (instanceId) =>
      run(async () => toast('success', profileMessage(await bridge.invoke('aws-config:add-all', { instanceId })))),
    addInstance: async (input) => {
      try {
        await bridge.invoke('instance:add', input);
        return { ok: true };
      } catch (error) {
        return { ok: false, message: toBridgeError(error).message };
      }
    },
    removeInstance: (instanceId) => run(() => bridge.invoke('instance:remove', { instanceId })),
    updateInstance: async (instanceId, change) => {
      try {
        await bridge.invoke('instance:update', { instanceId, ...change });
        return { ok: true };
      } catch (error) {
        return { ok: false, message: toBridgeError(error).message };
      }
    },
    setAlias: async (instanceId, accountId, alias) => {
      const name = alias.trim();
      try {
        await bridge.invoke('aliases:set', { instanceId, accountId, alias: name });
      } catch (error) {
        return { ok: false, message: toBridgeError(error).message };
      }
      const account = accountNameOf({ instanceId, accountId, roleName: '' });
      toast('success', name ? `Alias “${name}” set for ${account}` : `Removed the alias of ${account}`);
      return { ok: true };
    },
    saveChainedRole: async (source, chain) => {
      const name = chain.name.trim();
      const externalId = chain.externalId?.trim();
      try {
        await bridge.invoke('chained-roles:save', { source, name, roleArn: chain.roleArn.trim(), ...(externalId ? { externalId } : {}) });
      } catch (error) {
        return { ok: false, message: toBridgeError(error).message };
      }
      toast('success', `Saved “${name}”: ${accountNameOf(source)} / ${source.roleName} assumes ${chain.roleArn.trim()}`);
      return { ok: true };
    },
    removeChainedRole: (name) =>
      run(async () => {
        await bridge.invoke('chained-roles:remove', { name });
        toast('success', `Removed the chained role “${name}”`);
      }),
    // Without a flow the core picks its default (PKCE where it can open a browser).
    signIn: (instanceId, flow) => run(() => bridge.invoke('session:sign-in', { instanceId, ...(flow ? { flow } : {}) })),
    cancelSignIn: (instanceId) => run(() => bridge.invoke('session:cancel-sign-in', { instanceId })),
    openVerification: (instanceId) =>
      run(async () => {
        const result = await bridge.invoke('session:open-verification', { instanceId });
        if (result.url) platform.openUrl(result.url);
      }),
    signOut: (instanceId) => run(() => bridge.invoke('session:sign-out', { instanceId })),
    refresh: (instanceId) => run(() => bridge.invoke('directory:refresh', instanceId ? { instanceId } : {})),
    updatePreferences: async (patch) => {
      try {
        await bridge.invoke('preferences:update', patch);
        return { ok: true };
      } catch (error) {
        return fail(error);
      }
    },
    dismissNotice: (id) => run(() => bridge.invoke('notices:dismiss', { id })),
    copyText: (text, what) =>
      run(async () => {
        await platform.writeClipboard(text);
        toast('info', `Copied ${what}`);
      }),
  };
};
