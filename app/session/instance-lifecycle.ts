import { applyPopulate, readConfigFile } from '../aws-config/config-file';
import { planSessionRename } from '../aws-config/session-rename';
import type { CredentialProcessCache } from '../credentials/credential-process-cache';
import type { RoleCredentialsCache } from '../credentials/role-credentials';
import type { DirectoryCache } from '../directory/directory-cache';
import { logoutPortal } from '../identity-center/logout';
import { RolecallError } from '../model/errors';
import type { Instance, NewInstance } from '../model/instances';
import type { RoleRef } from '../model/roles';
import type { CoreState } from './core-state';
import { createInstance } from './instance-registry';
import type { InstanceClients } from './instance-clients';
import { newRuntime } from './runtime';
import type { InstanceRuntime } from './runtime';
import type { TokenVault } from './token-vault';
import { clearSession, holdToken, liveToken } from './session-state';
import { withTokenLock } from './session-tokens';

/**
 * Instances coming and going: loading them (with their cached directory and token) at
 * start, adding, renaming, removing (with every setting that refers to it: pins, recents,
 * keep-fresh, aliases, and the chained roles reached from its roles), and signing out —
 * which ends the portal session and deletes every token and cached credential Rolecall
 * holds for the instance.
 */
export class InstanceLifecycle {
  constructor(
    private readonly state: CoreState,
    private readonly clients: InstanceClients,
    private readonly vault: TokenVault,
    private readonly directories: DirectoryCache,
    private readonly credentials: RoleCredentialsCache,
    private readonly credentialProcessCache: CredentialProcessCache,
  ) {}

  /** Paints an instance from disk: its cached directory, and a token (ours or the AWS CLI's). */
  async load(instance: Instance): Promise<InstanceRuntime> {
    const runtime = newRuntime(instance);
    this.state.runtimes.set(instance.id, runtime);
    const cached = await this.directories.load(instance.id).catch(() => ({}) as Awaited<ReturnType<DirectoryCache['load']>>);
    if (cached.directory) runtime.directory = cached.directory;
    if (cached.corrupt) {
      this.state.notice(
        'warning',
        `The cached account list of ${instance.label} was unreadable and was moved to ${cached.corrupt.movedTo}; it will be rebuilt.`,
      );
    }
    const loaded = await this.vault.load(instance, this.state.interop());
    if (loaded) {
      holdToken(runtime, loaded.token, loaded.source);
      if (loaded.source === 'aws-cli-cache' && liveToken(runtime, this.state.ports.clock.now())) {
        this.state.notice('info', `Using the AWS CLI sign-in found for ${instance.label} (aws sso login); no need to sign in again.`);
      }
    }
    return runtime;
  }

  async add(input: NewInstance): Promise<InstanceRuntime> {
    let instance: Instance | undefined;
    await this.state.updateSettings((stored) => {
      // Checked against what is stored now: another process may have added the same one.
      instance = createInstance(input, stored.instances);
      return { ...stored, instances: [...stored.instances, instance] };
    });
    const added = instance as Instance;
    const runtime = this.state.runtimes.get(added.id) ?? (await this.load(added));
    this.state.changed();
    return runtime;
  }

  async update(instanceId: string, change: { label?: string; ssoSessionName?: string }): Promise<void> {
    const runtime = this.state.runtimeOf(instanceId);
    const current = this.state.settings();
    const before = runtime.instance;
    const { ssoSessionName, label } = change;
    if (
      ssoSessionName &&
      ssoSessionName !== before.ssoSessionName &&
      current.instances.some((other) => other.id !== instanceId && other.ssoSessionName === ssoSessionName)
    ) {
      throw new RolecallError('invalid-input', `Another instance already uses the sso-session name "${ssoSessionName}"; choose another.`);
    }
    const updated: Instance = { ...before, ...(label ? { label } : {}), ...(ssoSessionName ? { ssoSessionName } : {}) };
    if (updated.ssoSessionName !== before.ssoSessionName && runtime.token && runtime.tokenSource === 'rolecall' && this.state.interop()) {
      // The shared AWS CLI cache file is named after the session: move Rolecall's entry with it.
      await this.vault.remove(before, true);
      await this.vault.save(updated, runtime.token, true);
    }
    runtime.instance = updated;
    await this.state.updateSettings((stored) => ({
      ...stored,
      instances: stored.instances.map((instance) => (instance.id === instanceId ? updated : instance)),
    }));
    if (updated.ssoSessionName !== before.ssoSessionName) await this.renameInAwsConfig(updated, before.ssoSessionName);
  }

  /** Rolecall's profiles in ~/.aws/config follow the new sso-session name (see planSessionRename). */
  private async renameInAwsConfig(instance: Instance, from: string): Promise<void> {
    const env = this.state.ports.env ?? process.env;
    let path = 'the AWS config file';
    try {
      const file = await readConfigFile(env);
      path = file.path;
      const plan = planSessionRename({ text: file.text, source: file.path, instance, from });
      if (plan.newText === plan.oldText) return;
      const result = await applyPopulate({ env, plan, dryRun: false });
      this.state.notice(
        'info',
        `Updated ${plan.profiles.length} AWS profile(s) in ${result.path} to the sso-session "${instance.ssoSessionName}"${result.backupPath ? ` (backup: ${result.backupPath})` : ''}.`,
      );
    } catch (error) {
      const why = error instanceof RolecallError ? error.userMessage : 'it could not be edited';
      this.state.notice('warning', `Renamed, but Rolecall's profiles in ${path} still name "${from}": ${why}`);
    }
  }

  async remove(instanceId: string): Promise<void> {
    const runtime = this.state.runtimeOf(instanceId);
    await this.signOut(runtime);
    this.state.runtimes.delete(instanceId);
    this.clients.drop(instanceId);
    await this.directories.remove(instanceId);
    const keep = (ref: RoleRef) => ref.instanceId !== instanceId;
    await this.state.updateSettings((stored) => {
      // A chained role is reached from a role of this instance: it cannot be used without it,
      // and its name must not linger as a pin, recent or keep-fresh the watcher would chase.
      const gone = new Set(stored.chainedRoles.filter((chain) => !keep(chain.source)).map((chain) => chain.name));
      const kept = (name: string) => !gone.has(name);
      return {
        ...stored,
        instances: stored.instances.filter((instance) => instance.id !== instanceId),
        favorites: stored.favorites.filter(keep),
        recents: stored.recents.filter(keep),
        keepFresh: stored.keepFresh.filter(keep),
        aliases: Object.fromEntries(Object.entries(stored.aliases).filter(([key]) => !key.startsWith(`${instanceId}/`))),
        chainedRoles: stored.chainedRoles.filter((chain) => keep(chain.source)),
        chainedFavorites: stored.chainedFavorites.filter(kept),
        chainedRecents: stored.chainedRecents.filter(kept),
        chainedKeepFresh: stored.chainedKeepFresh.filter(kept),
      };
    });
  }

  async signOut(runtime: InstanceRuntime): Promise<void> {
    runtime.signIn?.abort.abort();
    runtime.syncAbort?.abort();
    const live = liveToken(runtime, this.state.ports.clock.now());
    if (live) {
      // Best effort: the local sign-out must succeed even when AWS cannot be reached.
      await logoutPortal({ portal: this.clients.of(runtime.instance).portal, accessToken: live.accessToken }).catch(() => undefined);
    }
    // An `aws sso login` token is the AWS CLI's to remove, not ours. Under the token lock, so a
    // save still in flight (a sign-in or refresh that just finished) cannot land after it.
    const removeShared = this.state.interop() && runtime.tokenSource !== 'aws-cli-cache';
    // The session held here goes inside the lock too: a refresh queued behind it then finds
    // nothing to refresh, instead of the token it read before the sign-out.
    await withTokenLock(this.state.ports.cacheDir, runtime.instance.id, async () => {
      await this.vault.remove(runtime.instance, removeShared);
      clearSession(runtime);
    });
    this.credentials.forgetInstance(runtime.instance.id);
    // Credentials `rolecall credential-process` cached on disk go with the session.
    await this.credentialProcessCache.forgetInstance(runtime.instance.id).catch(() => undefined);
    this.state.changed();
  }
}
