import { CredentialProcessCache } from '../credentials/credential-process-cache';
import { RoleChainer } from '../credentials/role-chaining';
import { formatCredentials } from '../credentials/formats';
import { RoleCredentialsCache } from '../credentials/role-credentials';
import { DirectoryCache } from '../directory/directory-cache';
import type { Instance } from '../model/instances';
import type { Directory, RoleRef } from '../model/roles';
import type { CopyFormat, Settings } from '../model/settings';
import type { RoleCredentials } from '../model/tokens';
import { createApiHandlers } from './api-handlers';
import type { CorePorts, RolecallCore } from './core';
import { CoreState } from './core-state';
import { DirectorySyncRunner } from './directory-sync-runner';
import { ExpiryWatcher } from './expiry-watcher';
import { InstanceClients } from './instance-clients';
import { InstanceLifecycle } from './instance-lifecycle';
import { RoleAccess } from './role-access';
import { ChainedRoleAccess } from './chained-role-access';
import { SessionTokens } from './session-tokens';
import { Shutdown } from './shutdown';
import { SignInRunner } from './sign-in-runner';
import { SetupImporter } from './setup-import';
import { TokenVault } from './token-vault';
import { liveToken } from './session-state';

export interface CoreOptions {
  /** Sync directories in the background after start and sign-in (the desktop and web shells). */
  readonly autoSync?: boolean;
  /** Run the expiry watcher: refresh tokens, warn before expiry, keep credentials fresh. */
  readonly watchExpiry?: boolean;
  /** Open the verification page in the browser as soon as a sign-in has a code. */
  readonly openVerification?: boolean;
  /**
   * The sign-in flow when none is named. PKCE (authorization code with a loopback redirect)
   * needs a browser on this machine, as the AWS CLI 2.22+ defaults to; the device code works
   * from anywhere. Default: PKCE in the desktop app, the device code elsewhere.
   */
  readonly defaultSignInFlow?: 'device' | 'pkce';
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
 * AWS through the SDK, updates its state and pushes a redacted snapshot. This function only
 * wires the parts (see the modules it imports, one job each).
 */
export const createRolecallCore = (ports: CorePorts, options: CoreOptions = {}): RolecallController => {
  // Chained roles assume from role credentials; signing out forgets both.
  const chainer = new RoleChainer({
    clock: ports.clock,
    sourceCredentials: (ref) => roles.credentials(ref),
    instanceOf: (instanceId) => state.runtimeOf(instanceId).instance,
    onChange: () => state.changed(),
  });
  const credentialCache = new RoleCredentialsCache({ clock: ports.clock, onForgetInstance: (id) => chainer.forgetInstance(id) });
  // What stop() ends and waits for: every flow below takes it.
  const shutdown = new Shutdown(ports.clock, ports.log ?? ((line) => process.emitWarning(line)));
  const state: CoreState = new CoreState(
    ports,
    () => [...credentialCache.list(), ...chained.active().map(({ name, ref, expiration }) => ({ ref, expiration, chainedRole: name }))],
    () => shutdown.throwIfClosed(),
  );
  const clients = new InstanceClients(ports.clock);
  const vault = new TokenVault(ports.secrets, ports.env ?? process.env);
  const directoryCache = new DirectoryCache(ports.cacheDir);
  const tokens = new SessionTokens(state, vault, clients, credentialCache, ports.cacheDir, shutdown);
  const syncs = new DirectorySyncRunner(state, clients, tokens, directoryCache, shutdown);
  const roles = new RoleAccess(state, clients, tokens, credentialCache);
  const chained: ChainedRoleAccess = new ChainedRoleAccess(state, chainer);
  const lifecycle = new InstanceLifecycle(
    state,
    clients,
    vault,
    directoryCache,
    credentialCache,
    new CredentialProcessCache({ dir: ports.cacheDir, secrets: ports.secrets, now: () => ports.clock.now() }),
  );
  state.adoptInstance = (instance) => lifecycle.load(instance);
  const defaultSignInFlow = options.defaultSignInFlow ?? (ports.shell === 'desktop' ? 'pkce' : 'device');
  const signIns = new SignInRunner(state, clients, tokens, shutdown, {
    openVerification: options.openVerification !== false,
    onSignedIn: (runtime) => {
      if (options.autoSync !== false) syncs.inBackground(runtime);
    },
  });
  const watcher = new ExpiryWatcher(
    state,
    tokens,
    roles,
    credentialCache,
    chained,
    // "Sign in again" from a notification: the same flow as the Sign in button.
    (runtime) => void signIns.start(runtime, defaultSignInFlow).catch(() => undefined),
    options.autoSync ? (runtime) => syncs.inBackground(runtime) : undefined,
    shutdown,
  );
  const setups = new SetupImporter(state, lifecycle, vault, (runtime) => {
    if (options.autoSync) syncs.inBackground(runtime);
  });
  let started: Promise<void> | undefined;

  const start = (): Promise<void> => {
    // Tracked: a start still loading (a corrupt cache is moved aside) finishes before stop() resolves.
    started ??= shutdown.track(
      (async () => {
        const settings = await ports.settings.load();
        state.loaded(settings);
        const settingsProblem = ports.settings.lastLoadProblem;
        if (settingsProblem) state.notice('warning', settingsProblem.message, 'settings-problem');
        await Promise.all(settings.instances.map((instance) => lifecycle.load(instance)));
        // The secret store reads its file on first use, so its problem is known only now.
        const secretsProblem = ports.secrets.lastLoadProblem;
        if (secretsProblem) state.notice('warning', secretsProblem.message, 'secrets-problem');
        state.changed();
        if (options.watchExpiry) watcher.start();
        if (options.autoSync) {
          // Only lists that are missing or old: the cache painted above is the list otherwise.
          for (const runtime of state.runtimes.values()) {
            if (liveToken(runtime, ports.clock.now())) syncs.whenDue(runtime);
          }
        }
      })(),
      'the start',
    );
    return started;
  };

  // Sign-ins, syncs, refreshes and the watcher all listen on the shutdown signal and are
  // tracked by it: one abort ends them, one bounded wait settles them.
  const stop = async (): Promise<void> => {
    await shutdown.stop();
    clients.dropAll();
  };

  return {
    api: shutdown.trackRequests(
      createApiHandlers({
        state,
        lifecycle,
        signIns,
        syncs,
        roles,
        chained,
        setups,
        started: start,
        shutdown: shutdown.signal,
        autoSync: Boolean(options.autoSync),
        defaultSignInFlow,
      }),
    ),
    snapshot: () => state.snapshot(),
    subscribe: (listener) => state.subscribe(listener),
    start,
    stop,
    signIn: async (instanceId, flow = defaultSignInFlow) => signIns.start(state.runtimeOf(instanceId), flow),
    sync: async (instanceId) => syncs.run(state.runtimeOf(instanceId)),
    directory: async (instanceId) => {
      const runtime = state.runtimeOf(instanceId);
      return runtime.directory ?? (await syncs.run(runtime));
    },
    credentials: (ref) => roles.credentials(ref),
    formattedCredentials: async (ref, format) => {
      const credentials = await roles.credentials(ref);
      return { text: formatCredentials(credentials, format, { profileName: roles.profileName(ref) }), credentials };
    },
    consoleUrl: (ref, choice) => roles.consoleUrl(ref, choice),
    settings: () => state.settings(),
    instances: () => state.settings().instances,
  };
};
