import type { SSOClient } from '@aws-sdk/client-sso';
import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { join } from 'node:path';
import { createConsoleUrl } from '../console/federation';
import { scheduleClipboardClear } from '../credentials/clipboard-clear';
import { formatCredentials } from '../credentials/formats';
import { CredentialProcessCache } from '../credentials/credential-process-cache';
import { RoleCredentialsCache } from '../credentials/role-credentials';
import { AdaptiveLimiter } from '../directory/adaptive-limiter';
import { DirectoryCache } from '../directory/directory-cache';
import { syncDirectory } from '../directory/sync';
import { createOidcClient, createPortalClient } from '../identity-center/clients';
import { runDeviceFlow } from '../identity-center/device-flow';
import type { DeviceFlowState } from '../identity-center/device-flow';
import { isUnauthorized, toRolecallError } from '../identity-center/error-mapping';
import { logoutPortal } from '../identity-center/logout';
import { runPkceFlow } from '../identity-center/pkce-flow';
import { canRefresh, refreshSsoToken } from '../identity-center/token-refresh';
import type { DirectoryView, RolecallApi, ValidatedPayload } from '../ipc/contract';
import { RolecallError } from '../model/errors';
import type { Instance } from '../model/instances';
import type { AccountWithRoles, Directory, RoleRef } from '../model/roles';
import { sameRole } from '../model/roles';
import type { CopyFormat, Settings } from '../model/settings';
import type { AppSnapshot, Notice, SignInView } from '../model/snapshot';
import type { RoleCredentials, SsoToken } from '../model/tokens';
import { addProfilesToAwsConfig } from './aws-config-bridge';
import type { Notification } from '../ports/desktop';
import type { CoreEvent, CorePorts, RolecallCore } from './core';
import { credentialsDue, nextWakeDelay, sessionActionAt } from './expiry-rules';
import { createInstance } from './instance-registry';
import { newRuntime } from './runtime';
import type { InstanceRuntime } from './runtime';
import { buildSnapshot } from './snapshot-builder';
import { TokenVault } from './token-vault';

const RECENTS_LIMIT = 10;
const NOTICES_LIMIT = 20;

export interface CoreOptions {
  /** Sync directories in the background after start and sign-in (the desktop and web shells). */
  readonly autoSync?: boolean;
  /** Run the expiry watcher: refresh tokens, warn before expiry, keep credentials fresh. */
  readonly watchExpiry?: boolean;
  /** Open the verification page in the browser as soon as a sign-in has a code. */
  readonly openVerification?: boolean;
}

/** The core plus the awaitable operations the CLI needs (the views use the api only). */
export interface RolecallController extends RolecallCore {
  /** Starts a sign-in and resolves when it ends (rejects with the sign-in's error). */
  signIn(instanceId: string, flow?: 'device' | 'pkce'): Promise<void>;
  /** Syncs one instance's directory and resolves with it. */
  sync(instanceId: string): Promise<Directory>;
  /** The instance's directory: cached, or synced now when there is none. */
  directory(instanceId: string): Promise<Directory>;
  /** Role credentials for a role (cached in memory until shortly before expiry). */
  credentials(ref: RoleRef): Promise<RoleCredentials>;
  /** Formatted credentials for printing (the CLI's `creds`). */
  formattedCredentials(ref: RoleRef, format: CopyFormat): Promise<{ text: string; credentials: RoleCredentials }>;
  /** A console sign-in URL for a role. */
  consoleUrl(ref: RoleRef, options?: { region?: string; destination?: string }): Promise<{ url: string; region: string }>;
  settings(): Settings;
  instances(): readonly Instance[];
}

/**
 * The session controller: the one place that owns sessions, directories and credentials
 * for every instance, for every shell. Views send one typed request; the controller calls
 * AWS through the SDK, updates its state and pushes a redacted snapshot.
 */
export const createRolecallCore = (ports: CorePorts, options: CoreOptions = {}): RolecallController => {
  const env = ports.env ?? process.env;
  const vault = new TokenVault(ports.secrets, env);
  const directoryCache = new DirectoryCache(join(ports.cacheDir));
  const credentialCache = new RoleCredentialsCache({ clock: ports.clock });
  const listeners = new Set<(event: CoreEvent) => void>();
  const runtimes = new Map<string, InstanceRuntime>();
  const oidcClients = new Map<string, SSOOIDCClient>();
  const portalClients = new Map<string, SSOClient>();
  const syncClients = new Map<string, SSOClient>();
  // One limiter per instance, so the rate learned from throttling carries over to the next sync.
  const syncLimiters = new Map<string, AdaptiveLimiter>();
  const credentialProcessCache = new CredentialProcessCache({ dir: ports.cacheDir, secrets: ports.secrets, now: () => ports.clock.now() });
  const notices: Notice[] = [];
  const watchAbort = new AbortController();
  const handsTextToView = ports.shell !== 'desktop';
  let settings: Settings | undefined;
  let started: Promise<void> | undefined;
  let emitScheduled = false;
  let noticeCounter = 0;
  let watcher: Promise<void> | undefined;
  let wakeWatcher: (() => void) | undefined;

  // ---- state and events -------------------------------------------------------------

  const currentSettings = (): Settings => {
    if (!settings) throw new RolecallError('internal', 'Rolecall has not finished starting; try again in a moment.');
    return settings;
  };

  const snapshot = (): AppSnapshot =>
    buildSnapshot({
      settings: currentSettings(),
      runtimes: [...runtimes.values()],
      activeCredentials: credentialCache.list(),
      secretStorage: ports.secretStorage,
      notices,
      now: ports.clock.now(),
    });

  const emit = (event: CoreEvent): void => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A broken view must not break the core or the other views.
      }
    }
  };

  /** Coalesces bursts of changes (sync progress) into one snapshot per turn of the event loop. */
  const changed = (): void => {
    wakeWatcher?.();
    if (emitScheduled || !settings) return;
    emitScheduled = true;
    setTimeout(() => {
      emitScheduled = false;
      emit({ channel: 'state:changed', payload: snapshot() });
    }, 0);
  };

  const notice = (level: Notice['level'], message: string): void => {
    noticeCounter += 1;
    notices.unshift({ id: `n${noticeCounter}`, level, message, at: ports.clock.now() });
    notices.splice(NOTICES_LIMIT);
    changed();
  };

  /** OS notifications in the desktop app; elsewhere the page shows them as notices. */
  const notify = (notification: Notification, level: Notice['level'] = 'info'): void => {
    ports.notifier.notify(notification);
    if (ports.shell !== 'desktop') notice(level, notification.body.replace(/; click to sign in again\.$/, '; sign in again.'));
  };

  const saveSettings = async (next: Settings): Promise<void> => {
    settings = next;
    await ports.settings.save(next);
    changed();
  };

  const runtimeOf = (instanceId: string): InstanceRuntime => {
    const runtime = runtimes.get(instanceId);
    if (!runtime) throw new RolecallError('not-found', `No instance "${instanceId}" is configured; add it first.`);
    return runtime;
  };

  const interop = (): boolean => currentSettings().preferences.awsCliInterop;

  // ---- AWS clients, one set per instance so instances never share state ----------------

  const clientFor = <T>(cache: Map<string, T>, instance: Instance, make: () => T): T => {
    let client = cache.get(instance.id);
    if (!client) {
      client = make();
      cache.set(instance.id, client);
    }
    return client;
  };
  const oidcOf = (instance: Instance) => clientFor(oidcClients, instance, () => createOidcClient(instance));
  const portalOf = (instance: Instance) => clientFor(portalClients, instance, () => createPortalClient(instance));
  // The sync's own limiter handles throttling, so its client must not retry behind its back.
  const syncPortalOf = (instance: Instance) => clientFor(syncClients, instance, () => createPortalClient(instance, { maxAttempts: 1 }));

  const dropClients = (instanceId: string): void => {
    for (const cache of [oidcClients, portalClients, syncClients] as Map<string, { destroy(): void }>[]) {
      cache.get(instanceId)?.destroy();
      cache.delete(instanceId);
    }
    syncLimiters.delete(instanceId);
  };

  // ---- tokens -------------------------------------------------------------------------

  const signedOutError = (runtime: InstanceRuntime): RolecallError =>
    new RolecallError('signed-out', `You are signed out of ${runtime.instance.label}; sign in again (rolecall login, or "Sign in" in the app).`);

  const storeToken = async (runtime: InstanceRuntime, token: SsoToken, source: 'rolecall' | 'aws-cli-cache'): Promise<void> => {
    runtime.token = token;
    runtime.tokenSource = source;
    runtime.expired = false;
    runtime.sessionError = undefined;
    await vault.save(runtime.instance, token, interop() && source === 'rolecall');
    changed();
  };

  /** Refreshes the access token with the refresh token, once at a time per instance. */
  const refreshToken = (runtime: InstanceRuntime): Promise<SsoToken> => {
    if (runtime.refreshing) return runtime.refreshing;
    const token = runtime.token;
    if (!token || !canRefresh(token, ports.clock)) return Promise.reject(signedOutError(runtime));
    runtime.refreshing = (async () => {
      try {
        const refreshed = await refreshSsoToken({ oidc: oidcOf(runtime.instance), token, clock: ports.clock });
        // A token found in the AWS CLI cache stays in sync with it after a refresh.
        await storeToken(runtime, refreshed, 'rolecall');
        return refreshed;
      } finally {
        runtime.refreshing = undefined;
      }
    })();
    return runtime.refreshing;
  };

  const markSignedOut = (runtime: InstanceRuntime, message: string): void => {
    runtime.expired = true;
    runtime.sessionError = message;
    credentialCache.forgetInstance(runtime.instance.id);
    changed();
  };

  /**
   * Runs a portal call with the instance's access token. Only a real UnauthorizedException,
   * after one refresh attempt, means "sign in again": throttling and network errors never do.
   */
  const withAccessToken = async <T>(runtime: InstanceRuntime, call: (accessToken: string) => Promise<T>): Promise<T> => {
    let token = runtime.token;
    if (!token || runtime.expired) throw signedOutError(runtime);
    if (token.expiresAt <= ports.clock.now()) {
      if (!canRefresh(token, ports.clock)) {
        markSignedOut(runtime, `Your ${runtime.instance.label} session has expired; sign in again.`);
        throw signedOutError(runtime);
      }
      token = await refreshToken(runtime).catch((error: unknown) => {
        markSignedOut(runtime, toRolecallError(error).userMessage);
        throw signedOutError(runtime);
      });
    }
    try {
      return await call(token.accessToken);
    } catch (error) {
      if (!isUnauthorized(error) && toRolecallError(error).code !== 'unauthorized') throw error;
      if (!canRefresh(token, ports.clock)) {
        markSignedOut(runtime, `Your ${runtime.instance.label} session is no longer valid (revoked or expired); sign in again.`);
        throw signedOutError(runtime);
      }
      const refreshed = await refreshToken(runtime).catch(() => {
        markSignedOut(runtime, `Your ${runtime.instance.label} session is no longer valid (revoked or expired); sign in again.`);
        throw signedOutError(runtime);
      });
      try {
        return await call(refreshed.accessToken);
      } catch (retryError) {
        if (isUnauthorized(retryError)) {
          markSignedOut(runtime, `Your ${runtime.instance.label} session is no longer valid (revoked or expired); sign in again.`);
          throw signedOutError(runtime);
        }
        throw retryError;
      }
    }
  };

  // ---- sign-in ------------------------------------------------------------------------

  const openUrl = (url: string | undefined): void => {
    if (!url) return;
    ports.opener.openExternal(url).catch(() => notice('warning', `Could not open the browser; open ${url} yourself.`));
  };

  const startSignIn = (runtime: InstanceRuntime, flow: 'device' | 'pkce'): Promise<void> => {
    if (runtime.signIn) return runtime.signIn.done;
    const abort = new AbortController();
    const view: SignInView = { flow, stage: 'registering' };
    const { instance } = runtime;
    const done = (async () => {
      try {
        const token =
          flow === 'device'
            ? await runDeviceFlow({
                oidc: oidcOf(instance),
                instance,
                secrets: ports.secrets,
                clock: ports.clock,
                signal: abort.signal,
                onState: (state) => {
                  if (!runtime.signIn) return;
                  const next = signInViewOf(state, runtime.signIn.view);
                  const firstCode = next.userCode && !runtime.signIn.view.userCode;
                  runtime.signIn.view = next;
                  changed();
                  if (firstCode && options.openVerification !== false) openUrl(next.verificationUriComplete ?? next.verificationUri);
                },
              })
            : await runPkceFlow({
                oidc: oidcOf(instance),
                instance,
                secrets: ports.secrets,
                clock: ports.clock,
                signal: abort.signal,
                open: async (url: string) => {
                  if (runtime.signIn) runtime.signIn.view = { flow: 'pkce', stage: 'awaiting-user', verificationUri: url };
                  changed();
                  await ports.opener.openExternal(url);
                },
              });
        runtime.signIn = undefined;
        runtime.warnedFor = undefined;
        await storeToken(runtime, token, 'rolecall');
        notify({ title: 'Signed in', body: `Signed in to ${instance.label}; your session lasts until ${new Date(token.expiresAt).toLocaleTimeString()}.` });
        if (options.autoSync !== false) void syncInBackground(runtime);
      } catch (error) {
        runtime.signIn = undefined;
        const mapped = toRolecallError(error, 'sign in');
        runtime.sessionError = mapped.code === 'sign-in-cancelled' ? undefined : mapped.userMessage;
        changed();
        throw mapped;
      }
    })();
    runtime.signIn = { abort, view, done };
    runtime.sessionError = undefined;
    changed();
    // The view learns the outcome from snapshots; the awaiting caller (CLI) from the promise.
    done.catch(() => undefined);
    return done;
  };

  // ---- directory ------------------------------------------------------------------------

  const runSync = (runtime: InstanceRuntime): Promise<Directory | undefined> => {
    if (runtime.syncing) return runtime.syncing;
    const abort = new AbortController();
    runtime.syncAbort = abort;
    runtime.sync = { status: 'syncing', done: 0 };
    changed();
    runtime.syncing = (async () => {
      try {
        const result = await withAccessToken(runtime, (accessToken) =>
          syncDirectory({
            portal: syncPortalOf(runtime.instance),
            accessToken,
            instanceId: runtime.instance.id,
            signal: abort.signal,
            clock: ports.clock,
            limiter: clientFor(syncLimiters, runtime.instance, () => new AdaptiveLimiter({ clock: ports.clock })),
            ...(runtime.directory ? { previous: runtime.directory } : {}),
            onProgress: (progress) => {
              runtime.sync = { status: 'syncing', done: progress.done, ...(progress.total !== undefined ? { total: progress.total } : {}) };
              changed();
            },
          }),
        );
        runtime.directory = result.directory;
        runtime.sync = { status: 'idle', done: result.directory.accounts.length, total: result.directory.accounts.length };
        for (const accountId of result.dropped) {
          notice('info', `Account ${accountId} is no longer assigned to you in ${runtime.instance.label}; it was removed from the list.`);
        }
        if (result.directory.failedAccounts.length > 0) {
          notice('warning', `${result.directory.failedAccounts.length} account(s) in ${runtime.instance.label} could not be listed this time; their last known roles are shown.`);
        }
        await directoryCache.save(result.directory);
        emit({ channel: 'directory:changed', payload: { instanceId: runtime.instance.id } });
        changed();
        return result.directory;
      } catch (error) {
        const mapped = toRolecallError(error, `list the accounts of ${runtime.instance.label}`);
        runtime.sync = { status: mapped.code === 'sign-in-cancelled' ? 'idle' : 'error', done: 0, ...(mapped.code === 'sign-in-cancelled' ? {} : { error: mapped.userMessage }) };
        changed();
        throw mapped;
      } finally {
        runtime.syncing = undefined;
        runtime.syncAbort = undefined;
      }
    })();
    return runtime.syncing;
  };

  const syncInBackground = async (runtime: InstanceRuntime): Promise<void> => {
    await runSync(runtime).catch(() => undefined);
  };

  const findAccount = (runtime: InstanceRuntime, accountId: string): AccountWithRoles | undefined =>
    runtime.directory?.accounts.find((account) => account.accountId === accountId);

  // ---- credentials ----------------------------------------------------------------------

  const getCredentials = async (ref: RoleRef): Promise<RoleCredentials> => {
    const runtime = runtimeOf(ref.instanceId);
    try {
      return await withAccessToken(runtime, (accessToken) => credentialCache.get(ref, { portal: portalOf(runtime.instance), accessToken }));
    } catch (error) {
      const mapped = toRolecallError(error, `get credentials for ${ref.accountId} / ${ref.roleName}`);
      if (mapped.code === 'not-assigned' && runtime.directory) {
        // Drop the role from the list with a visible note instead of failing again later.
        runtime.directory = {
          ...runtime.directory,
          accounts: runtime.directory.accounts
            .map((account) => (account.accountId === ref.accountId ? { ...account, roles: account.roles.filter((role) => role !== ref.roleName) } : account))
            .filter((account) => account.roles.length > 0),
        };
        notice('warning', `${ref.roleName} in account ${ref.accountId} is no longer assigned to you; it was removed from the list.`);
        emit({ channel: 'directory:changed', payload: { instanceId: ref.instanceId } });
      }
      throw mapped;
    }
  };

  const rememberRecent = async (ref: RoleRef): Promise<void> => {
    const current = currentSettings();
    const recents = [ref, ...current.recents.filter((other) => !sameRole(other, ref))].slice(0, RECENTS_LIMIT);
    await saveSettings({ ...current, recents });
  };

  const consoleUrl = async (ref: RoleRef, choice: { region?: string; destination?: string } = {}) => {
    const runtime = runtimeOf(ref.instanceId);
    const credentials = await getCredentials(ref);
    const preferences = currentSettings().preferences;
    const region = choice.region ?? preferences.consoleRegion ?? runtime.instance.region;
    const destination = choice.destination ?? preferences.consoleDestination ?? undefined;
    const url = await createConsoleUrl({
      credentials,
      region,
      ...(destination ? { destination } : {}),
      ...(runtime.instance.endpoints?.federation ? { federationEndpoint: runtime.instance.endpoints.federation } : {}),
      issuer: 'Rolecall',
    });
    return { url, region };
  };

  // ---- the expiry watcher ------------------------------------------------------------------

  const watchTick = async (): Promise<void> => {
    const now = ports.clock.now();
    const lead = currentSettings().preferences.notificationLeadMinutes * 60_000;
    for (const runtime of runtimes.values()) {
      const token = runtime.token;
      if (!token || runtime.expired || runtime.signIn) continue;
      const action = sessionActionAt({ expiresAt: token.expiresAt, refreshable: canRefresh(token, ports.clock), ...(runtime.warnedFor !== undefined ? { warnedFor: runtime.warnedFor } : {}) }, now, lead);
      if (action === 'refresh') {
        await refreshToken(runtime).catch((error: unknown) => {
          const message = toRolecallError(error, 'refresh your session').userMessage;
          if (token.expiresAt <= ports.clock.now()) markSignedOut(runtime, message);
          else notice('warning', `Could not refresh the ${runtime.instance.label} session: ${message}`);
        });
      } else if (action === 'warn') {
        runtime.warnedFor = token.expiresAt;
        const minutes = Math.max(1, Math.round((token.expiresAt - now) / 60_000));
        notify({
          title: 'Session ending soon',
          body: `Your ${runtime.instance.label} session ends in ${minutes} minute${minutes === 1 ? '' : 's'}; click to sign in again.`,
          onClick: () => void startSignIn(runtime, 'device').catch(() => undefined),
        }, 'warning');
        changed();
      } else if (action === 'expire') {
        markSignedOut(runtime, `Your ${runtime.instance.label} session has ended; sign in again.`);
        notify({
          title: 'Signed out',
          body: `Your ${runtime.instance.label} session has ended; click to sign in again.`,
          onClick: () => void startSignIn(runtime, 'device').catch(() => undefined),
        }, 'warning');
      }
    }
    for (const ref of currentSettings().keepFresh) {
      const runtime = runtimes.get(ref.instanceId);
      if (!runtime?.token || runtime.expired || runtime.token.expiresAt <= now) continue;
      if (!credentialsDue(credentialCache.peek(ref)?.expiration, now)) continue;
      credentialCache.forget(ref);
      await getCredentials(ref).then(
        () => changed(),
        (error: unknown) =>
          notify({
            title: 'Credentials refresh failed',
            body: `Could not refresh ${ref.roleName} in ${ref.accountId}: ${toRolecallError(error).userMessage}`,
          }, 'error'),
      );
    }
  };

  const startWatcher = (): void => {
    watcher = (async () => {
      // Bounded by stop(): the abort signal ends the sleep and the loop.
      while (!watchAbort.signal.aborted) {
        await watchTick().catch(() => undefined);
        const now = ports.clock.now();
        const lead = currentSettings().preferences.notificationLeadMinutes * 60_000;
        const sessions = [...runtimes.values()]
          .filter((runtime) => runtime.token && !runtime.expired)
          .map((runtime) => ({ expiresAt: runtime.token!.expiresAt, refreshable: canRefresh(runtime.token!, ports.clock), ...(runtime.warnedFor !== undefined ? { warnedFor: runtime.warnedFor } : {}) }));
        const kept = currentSettings().keepFresh.flatMap((ref) => {
          const expiration = credentialCache.peek(ref)?.expiration;
          return expiration === undefined ? [] : [expiration];
        });
        // Woken early by stop() or by any state change (a new sign-in moves the next deadline).
        const wake = new AbortController();
        wakeWatcher = () => wake.abort();
        await ports.clock.sleep(nextWakeDelay(sessions, kept, now, lead), AbortSignal.any([watchAbort.signal, wake.signal])).catch(() => undefined);
        wakeWatcher = undefined;
      }
    })();
  };

  // ---- start / stop ------------------------------------------------------------------------

  const start = (): Promise<void> => {
    started ??= (async () => {
      settings = await ports.settings.load();
      const settingsProblem = ports.settings.lastLoadProblem;
      if (settingsProblem) notices.push({ id: 'settings-problem', level: 'warning', message: settingsProblem.message, at: ports.clock.now() });
      for (const instance of settings.instances) runtimes.set(instance.id, newRuntime(instance));
      await Promise.all(
        [...runtimes.values()].map(async (runtime) => {
          const cached = await directoryCache.load(runtime.instance.id).catch(() => ({}) as { directory?: Directory });
          if (cached.directory) runtime.directory = cached.directory;
          if ('corrupt' in cached && cached.corrupt) {
            notice('warning', `The cached account list of ${runtime.instance.label} was unreadable and was moved to ${cached.corrupt.movedTo}; it will be rebuilt.`);
          }
          const loaded = await vault.load(runtime.instance, interop());
          if (loaded) {
            runtime.token = loaded.token;
            runtime.tokenSource = loaded.source;
            if (loaded.source === 'aws-cli-cache') notice('info', `Using the AWS CLI sign-in found for ${runtime.instance.label} (aws sso login); no need to sign in again.`);
          }
        }),
      );
      // The secret store reads its file on first use, so its problem is known only now.
      const secretsProblem = ports.secrets.lastLoadProblem;
      if (secretsProblem) notices.push({ id: 'secrets-problem', level: 'warning', message: secretsProblem.message, at: ports.clock.now() });
      changed();
      if (options.watchExpiry) startWatcher();
      if (options.autoSync) {
        for (const runtime of runtimes.values()) {
          if (runtime.token && runtime.token.expiresAt > ports.clock.now()) void syncInBackground(runtime);
        }
      }
    })();
    return started;
  };

  const stop = async (): Promise<void> => {
    watchAbort.abort();
    for (const runtime of runtimes.values()) {
      runtime.signIn?.abort.abort();
      runtime.syncAbort?.abort();
    }
    await watcher?.catch(() => undefined);
    await Promise.all([...runtimes.values()].map((runtime) => runtime.syncing?.catch(() => undefined)));
    for (const id of runtimes.keys()) dropClients(id);
  };

  // ---- the IPC contract ------------------------------------------------------------------------

  const toggleRole = async (list: 'favorites' | 'keepFresh', ref: RoleRef): Promise<void> => {
    const current = currentSettings();
    const has = current[list].some((other) => sameRole(other, ref));
    await saveSettings({ ...current, [list]: has ? current[list].filter((other) => !sameRole(other, ref)) : [...current[list], ref] });
  };

  const copy = async ({ role, format }: ValidatedPayload<'credentials:copy'>) => {
    const runtime = runtimeOf(role.instanceId);
    const chosen = format ?? currentSettings().preferences.defaultCopyFormat;
    const credentials = await getCredentials(role);
    const account = findAccount(runtime, role.accountId);
    const text = formatCredentials(credentials, chosen, { profileName: account ? `${account.accountName}-${role.roleName}` : `${role.accountId}-${role.roleName}` });
    const clearsAfterSeconds = currentSettings().preferences.clipboardClearSeconds;
    if (!handsTextToView) {
      ports.clipboard.writeText(text);
      if (clearsAfterSeconds > 0) void scheduleClipboardClear({ clipboard: ports.clipboard, text, seconds: clearsAfterSeconds, clock: ports.clock, signal: watchAbort.signal });
    }
    await rememberRecent(role);
    changed();
    return {
      format: chosen,
      role,
      ...(account ? { accountName: account.accountName } : {}),
      expiresAt: credentials.expiration,
      clearsAfterSeconds,
      ...(handsTextToView ? { clipboardText: text } : {}),
    };
  };

  const api: RolecallApi = {
    'state:get': async () => {
      await start();
      return snapshot();
    },
    'directory:get': async ({ instanceId }): Promise<DirectoryView | null> => {
      const directory = runtimeOf(instanceId).directory;
      return directory ? { instanceId, accounts: directory.accounts, syncedAt: directory.syncedAt } : null;
    },
    'instance:add': async (input) => {
      const current = currentSettings();
      const instance = createInstance(input, current.instances);
      runtimes.set(instance.id, newRuntime(instance));
      await saveSettings({ ...current, instances: [...current.instances, instance] });
      const runtime = runtimeOf(instance.id);
      const loaded = await vault.load(instance, interop());
      if (loaded && loaded.token.expiresAt > ports.clock.now()) {
        runtime.token = loaded.token;
        runtime.tokenSource = loaded.source;
        if (loaded.source === 'aws-cli-cache') notice('info', `Found an AWS CLI sign-in for ${instance.label}; using it.`);
        if (options.autoSync) void syncInBackground(runtime);
      }
      changed();
      return { instanceId: instance.id };
    },
    'instance:remove': async ({ instanceId }) => {
      const runtime = runtimeOf(instanceId);
      await signOut(runtime);
      runtimes.delete(instanceId);
      dropClients(instanceId);
      await directoryCache.remove(instanceId);
      const current = currentSettings();
      const keep = (ref: RoleRef) => ref.instanceId !== instanceId;
      await saveSettings({
        ...current,
        instances: current.instances.filter((instance) => instance.id !== instanceId),
        favorites: current.favorites.filter(keep),
        recents: current.recents.filter(keep),
        keepFresh: current.keepFresh.filter(keep),
        aliases: Object.fromEntries(Object.entries(current.aliases).filter(([key]) => !key.startsWith(`${instanceId}/`))),
      });
    },
    'instance:update': async ({ instanceId, label, ssoSessionName }) => {
      const runtime = runtimeOf(instanceId);
      const current = currentSettings();
      const before = runtime.instance;
      if (ssoSessionName && ssoSessionName !== before.ssoSessionName && current.instances.some((other) => other.id !== instanceId && other.ssoSessionName === ssoSessionName)) {
        throw new RolecallError('invalid-input', `Another instance already uses the sso-session name "${ssoSessionName}"; choose another.`);
      }
      const updated = { ...before, ...(label ? { label } : {}), ...(ssoSessionName ? { ssoSessionName } : {}) };
      if (updated.ssoSessionName !== before.ssoSessionName && runtime.token && runtime.tokenSource === 'rolecall' && interop()) {
        // The shared AWS CLI cache file is named after the session: move Rolecall's entry with it.
        await vault.remove(before, true);
        await vault.save(updated, runtime.token, true);
      }
      runtime.instance = updated;
      await saveSettings({ ...current, instances: current.instances.map((instance) => (instance.id === instanceId ? updated : instance)) });
    },
    'aliases:set': async ({ instanceId, accountId, alias }) => {
      runtimeOf(instanceId);
      const current = currentSettings();
      const aliases = { ...current.aliases };
      const key = `${instanceId}/${accountId}`;
      if (alias) aliases[key] = alias;
      else delete aliases[key];
      await saveSettings({ ...current, aliases });
    },
    'session:sign-in': async ({ instanceId, flow }) => {
      void startSignIn(runtimeOf(instanceId), flow).catch(() => undefined);
    },
    'session:cancel-sign-in': async ({ instanceId }) => {
      runtimeOf(instanceId).signIn?.abort.abort();
    },
    'session:open-verification': async ({ instanceId }) => {
      const view = runtimeOf(instanceId).signIn?.view;
      if (!view?.verificationUri) throw new RolecallError('invalid-input', 'No sign-in is waiting for the browser; start a sign-in first.');
      openUrl(view.verificationUriComplete ?? view.verificationUri);
    },
    'session:sign-out': async ({ instanceId }) => signOut(runtimeOf(instanceId)),
    'directory:refresh': async ({ instanceId }) => {
      const targets = instanceId ? [runtimeOf(instanceId)] : [...runtimes.values()].filter((runtime) => runtime.token && !runtime.expired);
      for (const runtime of targets) void syncInBackground(runtime);
    },
    'credentials:copy': copy,
    'console:open': async ({ role, region, destination }) => {
      const result = await consoleUrl(role, { ...(region ? { region } : {}), ...(destination ? { destination } : {}) });
      if (!handsTextToView) await ports.opener.openExternal(result.url);
      await rememberRecent(role);
      return { role, region: result.region, ...(handsTextToView ? { url: result.url } : {}) };
    },
    'favorites:toggle': async ({ role }) => toggleRole('favorites', role),
    'keep-fresh:toggle': async ({ role }) => {
      await toggleRole('keepFresh', role);
      changed();
    },
    'preferences:update': async (patch) => {
      const current = currentSettings();
      const preferences = { ...current.preferences, ...patch };
      await saveSettings({ ...current, preferences });
      return preferences;
    },
    'notices:dismiss': async ({ id }) => {
      const index = notices.findIndex((entry) => entry.id === id);
      if (index >= 0) notices.splice(index, 1);
      changed();
    },
    'aws-config:add-profile': async ({ role }) => {
      const runtime = runtimeOf(role.instanceId);
      const account = findAccount(runtime, role.accountId);
      if (!account) throw new RolecallError('not-found', `Account ${role.accountId} is not in the ${runtime.instance.label} list; refresh the accounts first.`);
      return addProfilesToAwsConfig({ env, instance: runtime.instance, roles: [{ accountId: account.accountId, accountName: account.accountName, roleName: role.roleName }] });
    },
    'aws-config:add-all': async ({ instanceId }) => {
      const runtime = runtimeOf(instanceId);
      const directory = runtime.directory ?? (await runSync(runtime));
      if (!directory) throw new RolecallError('not-found', `The ${runtime.instance.label} account list is empty; refresh it first.`);
      const roles = directory.accounts.flatMap((account) => account.roles.map((roleName) => ({ accountId: account.accountId, accountName: account.accountName, roleName })));
      return addProfilesToAwsConfig({ env, instance: runtime.instance, roles });
    },
  };

  const signOut = async (runtime: InstanceRuntime): Promise<void> => {
    runtime.signIn?.abort.abort();
    runtime.syncAbort?.abort();
    const token = runtime.token;
    if (token && !runtime.expired && token.expiresAt > ports.clock.now()) {
      // Best effort: the local sign-out must succeed even when AWS cannot be reached.
      await logoutPortal({ portal: portalOf(runtime.instance), accessToken: token.accessToken }).catch(() => undefined);
    }
    await vault.remove(runtime.instance, Boolean(settings?.preferences.awsCliInterop) && runtime.tokenSource !== 'aws-cli-cache');
    credentialCache.forgetInstance(runtime.instance.id);
    // Credentials `rolecall credential-process` cached on disk go with the session.
    await credentialProcessCache.forgetInstance(runtime.instance.id).catch(() => undefined);
    runtime.token = undefined;
    runtime.tokenSource = undefined;
    runtime.expired = false;
    runtime.sessionError = undefined;
    runtime.warnedFor = undefined;
    changed();
  };

  return {
    api,
    snapshot,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start,
    stop,
    signIn: async (instanceId, flow = 'device') => startSignIn(runtimeOf(instanceId), flow),
    sync: async (instanceId) => {
      const directory = await runSync(runtimeOf(instanceId));
      if (!directory) throw new RolecallError('internal', 'The account list could not be built; try again.');
      return directory;
    },
    directory: async (instanceId) => {
      const runtime = runtimeOf(instanceId);
      return runtime.directory ?? (await runSync(runtime)) ?? runtime.directory!;
    },
    credentials: getCredentials,
    formattedCredentials: async (ref, format) => {
      const credentials = await getCredentials(ref);
      const account = findAccount(runtimeOf(ref.instanceId), ref.accountId);
      return { text: formatCredentials(credentials, format, { profileName: account ? `${account.accountName}-${ref.roleName}` : `${ref.accountId}-${ref.roleName}` }), credentials };
    },
    consoleUrl,
    settings: currentSettings,
    instances: () => currentSettings().instances,
  };
};

/** Adapts the device flow's waiting states to what views show; terminal states keep the last view. */
const signInViewOf = (state: DeviceFlowState, previous: SignInView): SignInView => {
  if (state.kind === 'registering') return { flow: 'device', stage: 'registering' };
  if (state.kind !== 'awaiting-user' && state.kind !== 'polling') return previous;
  return {
    flow: 'device',
    stage: state.kind,
    userCode: state.userCode,
    verificationUri: state.verificationUri,
    ...(state.verificationUriComplete ? { verificationUriComplete: state.verificationUriComplete } : {}),
    expiresAt: state.expiresAt,
  };
};
