import { scheduleClipboardClear } from '../credentials/clipboard-clear';
import { formatCredentials } from '../credentials/formats';
import type { DirectoryView, RequestCaller, RolecallApi } from '../ipc/contract';
import { RolecallError } from '../model/errors';
import type { RoleRef } from '../model/roles';
import { chainedRoleTarget } from '../model/chained-roles';
import type { RoleCredentials } from '../model/tokens';
import { sameRole } from '../model/roles';
import { addProfilesToAwsConfig } from './aws-config-bridge';
import type { CoreState } from './core-state';
import type { DirectorySyncRunner } from './directory-sync-runner';
import type { InstanceLifecycle } from './instance-lifecycle';
import type { RoleAccess } from './role-access';
import type { ChainedRoleAccess } from './chained-role-access';
import type { SignInRunner } from './sign-in-runner';
import type { SetupImporter } from './setup-import';
import { heldToken, liveToken } from './session-state';
import type { CopyFormat } from '../model/settings';

const CHAINED_RECENTS_LIMIT = 10;

/** The contract lets a copy or console request name a role or a chained role, exactly one. */
const requireRole = (role: RoleRef | undefined): RoleRef => {
  if (!role) throw new RolecallError('invalid-input', 'Name the role to use.');
  return role;
};

export interface ApiServices {
  readonly state: CoreState;
  readonly lifecycle: InstanceLifecycle;
  readonly signIns: SignInRunner;
  readonly syncs: DirectorySyncRunner;
  readonly roles: RoleAccess;
  readonly chained: ChainedRoleAccess;
  readonly setups: SetupImporter;
  /** Resolves once settings are loaded (the first `state:get` waits for it). */
  readonly started: () => Promise<void>;
  /** Aborted at shutdown: pending clipboard clears stop with it. */
  readonly shutdown: AbortSignal;
  readonly autoSync: boolean;
  /** The flow a sign-in uses when the view names none (see CoreOptions.defaultSignInFlow). */
  readonly defaultSignInFlow: 'device' | 'pkce';
}

/**
 * The request handlers of the IPC contract, one per channel. Payloads arrive validated (the
 * shell ran parseRequest); what goes back holds no secret, except the copied text or console
 * URL a caller that delivers it itself needs for the one action it asked for (see RequestCaller).
 */
export const createApiHandlers = ({
  state,
  lifecycle,
  signIns,
  syncs,
  roles,
  chained,
  setups,
  started,
  shutdown,
  autoSync,
  defaultSignInFlow,
}: ApiServices): RolecallApi => {
  const { ports } = state;
  const env = ports.env ?? process.env;
  /**
   * Whether the caller gets the copied text, console URL or verification page back, decided per request: the
   * desktop's own window and tray never do (this process writes its clipboard and opens the
   * browser); a web page or the CLI of this process do, and so does every client process on
   * the agent socket, whatever this core's shell, since it delivers them in its own process.
   */
  const handsBack = (caller: RequestCaller = 'view'): boolean => caller === 'client' || ports.shell !== 'desktop';

  const toggleRole = async (list: 'favorites' | 'keepFresh', ref: RoleRef): Promise<void> => {
    await state.updateSettings((stored) => {
      const has = stored[list].some((other) => sameRole(other, ref));
      return { ...stored, [list]: has ? stored[list].filter((other) => !sameRole(other, ref)) : [...stored[list], ref] };
    });
  };

  /** Pins or keeps fresh a saved chained role (by name), or stops: only a name that is saved. */
  const toggleChained = async (list: 'chainedFavorites' | 'chainedKeepFresh', chainedRole: string): Promise<void> => {
    const { name } = chained.saved(chainedRole);
    await state.updateSettings((stored) => ({
      ...stored,
      [list]: stored[list].includes(name) ? stored[list].filter((other) => other !== name) : [...stored[list], name],
    }));
  };

  /**
   * Copied text goes on this process's clipboard (the desktop's own window or tray), cleared
   * later as the preference says, or back to the caller, which writes its own clipboard and
   * clears it after `clearsAfterSeconds` (a web page, the CLI, any client of this owner).
   */
  const deliverText = (text: string, credentials: RoleCredentials, format: CopyFormat, caller: RequestCaller | undefined) => {
    const clearsAfterSeconds = state.settings().preferences.clipboardClearSeconds;
    const toCaller = handsBack(caller);
    if (!toCaller) {
      ports.clipboard.writeText(text);
      if (clearsAfterSeconds > 0)
        void scheduleClipboardClear({
          clipboard: ports.clipboard,
          text,
          seconds: clearsAfterSeconds,
          clock: ports.clock,
          signal: shutdown,
        });
    }
    return { format, expiresAt: credentials.expiration, clearsAfterSeconds, ...(toCaller ? { clipboardText: text } : {}) };
  };

  // Like rememberRecent for roles; saving the settings also pushes the new countdown.
  const rememberChained = async (name: string): Promise<void> => {
    await state.updateSettings((stored) => ({
      ...stored,
      chainedRecents: [name, ...stored.chainedRecents.filter((other) => other !== name)].slice(0, CHAINED_RECENTS_LIMIT),
    }));
  };

  return {
    'state:get': async () => {
      await started();
      return state.snapshot();
    },
    'directory:get': async ({ instanceId }): Promise<DirectoryView | null> => {
      const directory = state.runtimeOf(instanceId).directory;
      return directory ? { instanceId, accounts: directory.accounts, syncedAt: directory.syncedAt } : null;
    },
    'instance:add': async (input) => {
      const runtime = await lifecycle.add(input);
      if (autoSync && liveToken(runtime, ports.clock.now())) syncs.inBackground(runtime);
      return { instanceId: runtime.instance.id };
    },
    'instance:remove': async ({ instanceId }) => lifecycle.remove(instanceId),
    'instance:update': async ({ instanceId, label, ssoSessionName }) =>
      lifecycle.update(instanceId, { ...(label ? { label } : {}), ...(ssoSessionName ? { ssoSessionName } : {}) }),
    'aliases:set': async ({ instanceId, accountId, alias }) => {
      state.runtimeOf(instanceId);
      const key = `${instanceId}/${accountId}`;
      await state.updateSettings((stored) => {
        const aliases = { ...stored.aliases };
        if (alias) aliases[key] = alias;
        else delete aliases[key];
        return { ...stored, aliases };
      });
    },
    'chained-roles:save': async (chain) => {
      state.runtimeOf(chain.source.instanceId);
      await state.updateSettings((stored) => ({
        ...stored,
        chainedRoles: [...stored.chainedRoles.filter((saved) => saved.name !== chain.name), chain],
      }));
    },
    'chained-roles:remove': async ({ name }) => {
      await state.updateSettings((stored) => ({
        ...stored,
        chainedRoles: stored.chainedRoles.filter((saved) => saved.name !== name),
        chainedFavorites: stored.chainedFavorites.filter((other) => other !== name),
        chainedRecents: stored.chainedRecents.filter((other) => other !== name),
        chainedKeepFresh: stored.chainedKeepFresh.filter((other) => other !== name),
      }));
    },
    'session:sign-in': async ({ instanceId, flow }) => {
      void signIns.start(state.runtimeOf(instanceId), flow ?? defaultSignInFlow).catch(() => undefined);
    },
    'session:cancel-sign-in': async ({ instanceId }) => {
      state.runtimeOf(instanceId).signIn?.abort.abort();
    },
    'session:open-verification': async ({ instanceId }, caller) => {
      const view = state.runtimeOf(instanceId).signIn?.view;
      if (!view?.verificationUri) throw new RolecallError('invalid-input', 'No sign-in is waiting for the browser; start a sign-in first.');
      const url = view.verificationUriComplete ?? view.verificationUri;
      // As for the console: a caller that opens URLs itself (a web page, a client) opens it in its own browser.
      if (handsBack(caller)) return { url };
      signIns.openUrl(url);
      return {};
    },
    'session:sign-out': async ({ instanceId }) => lifecycle.signOut(state.runtimeOf(instanceId)),
    'directory:refresh': async ({ instanceId }) => {
      const targets = instanceId ? [state.runtimeOf(instanceId)] : [...state.runtimes.values()].filter((runtime) => heldToken(runtime));
      for (const runtime of targets) syncs.inBackground(runtime);
    },
    'credentials:copy': async ({ role, chainedRole, format }, caller) => {
      const chosen = format ?? state.settings().preferences.defaultCopyFormat;
      if (chainedRole !== undefined) {
        const { chain, credentials } = await chained.credentials(chainedRole);
        const target = chainedRoleTarget(chain);
        const text = formatCredentials(credentials, chosen, { profileName: chain.name });
        // The target account's name when it is one of the user's accounts too.
        const account = roles.findAccount(state.runtimeOf(target.instanceId), target.accountId);
        await rememberChained(chain.name);
        return {
          ...deliverText(text, credentials, chosen, caller),
          role: target,
          chainedRole: chain.name,
          ...(account ? { accountName: account.accountName } : {}),
        };
      }
      const ref = requireRole(role);
      const runtime = state.runtimeOf(ref.instanceId);
      const credentials = await roles.credentials(ref);
      const account = roles.findAccount(runtime, ref.accountId);
      const text = formatCredentials(credentials, chosen, { profileName: roles.profileName(ref) });
      const delivered = deliverText(text, credentials, chosen, caller);
      await roles.rememberRecent(ref);
      return { ...delivered, role: ref, ...(account ? { accountName: account.accountName } : {}) };
    },
    'console:open': async ({ role, chainedRole, region, destination }, caller) => {
      const choice = { ...(region ? { region } : {}), ...(destination ? { destination } : {}) };
      const toCaller = handsBack(caller);
      if (chainedRole !== undefined) {
        const result = await chained.consoleUrl(chainedRole, choice);
        if (!toCaller) await ports.opener.openExternal(result.url, { browser: state.settings().preferences.consoleBrowser });
        await rememberChained(result.chain.name);
        return {
          role: chainedRoleTarget(result.chain),
          chainedRole: result.chain.name,
          region: result.region,
          ...(toCaller ? { url: result.url } : {}),
        };
      }
      const ref = requireRole(role);
      const result = await roles.consoleUrl(ref, choice);
      if (!toCaller) await ports.opener.openExternal(result.url, { browser: state.settings().preferences.consoleBrowser });
      await roles.rememberRecent(ref);
      return { role: ref, region: result.region, ...(toCaller ? { url: result.url } : {}) };
    },
    'favorites:toggle': async ({ role, chainedRole }) => {
      if (chainedRole === undefined) return toggleRole('favorites', requireRole(role));
      return toggleChained('chainedFavorites', chainedRole);
    },
    'keep-fresh:toggle': async ({ role, chainedRole }) => {
      if (chainedRole === undefined) return toggleRole('keepFresh', requireRole(role));
      return toggleChained('chainedKeepFresh', chainedRole);
    },
    'preferences:update': async (patch) => {
      const next = await state.updateSettings((stored) => ({ ...stored, preferences: { ...stored.preferences, ...patch } }));
      return next.preferences;
    },
    'notices:dismiss': async ({ id }) => {
      const index = state.notices.findIndex((entry) => entry.id === id);
      if (index >= 0) state.notices.splice(index, 1);
      state.changed();
    },
    'aws-config:add-profile': async ({ role }) => {
      const runtime = state.runtimeOf(role.instanceId);
      const account = roles.findAccount(runtime, role.accountId);
      if (!account)
        throw new RolecallError(
          'not-found',
          `Account ${role.accountId} is not in the ${runtime.instance.label} list; refresh the accounts first.`,
        );
      return addProfilesToAwsConfig({
        env,
        instance: runtime.instance,
        roles: [{ accountId: account.accountId, accountName: account.accountName, roleName: role.roleName }],
      });
    },
    'aws-config:add-all': async ({ instanceId }) => {
      const runtime = state.runtimeOf(instanceId);
      const directory = runtime.directory ?? (await syncs.run(runtime));
      const all = directory.accounts.flatMap((account) =>
        account.roles.map((roleName) => ({ accountId: account.accountId, accountName: account.accountName, roleName })),
      );
      if (all.length === 0) throw new RolecallError('not-found', `The ${runtime.instance.label} account list is empty; refresh it first.`);
      return addProfilesToAwsConfig({ env, instance: runtime.instance, roles: all });
    },
    'aws-config:find-setups': async () => {
      await started();
      return setups.find();
    },
    'aws-config:import-setups': async ({ names }) => {
      await started();
      return setups.import(names);
    },
  };
};
