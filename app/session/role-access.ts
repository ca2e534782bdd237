import { createConsoleUrl } from '../console/federation';
import type { RoleCredentialsCache } from '../credentials/role-credentials';
import { toRolecallError } from '../identity-center/error-mapping';
import type { AccountWithRoles, RoleRef } from '../model/roles';
import { sameRole } from '../model/roles';
import type { RoleCredentials } from '../model/tokens';
import type { CoreState } from './core-state';
import type { InstanceClients } from './instance-clients';
import type { InstanceRuntime } from './runtime';
import type { SessionTokens } from './session-tokens';

const RECENTS_LIMIT = 10;

/** Turning a role into something usable: its credentials and a console sign-in URL. */
export class RoleAccess {
  constructor(
    private readonly state: CoreState,
    private readonly clients: InstanceClients,
    private readonly tokens: SessionTokens,
    private readonly cache: RoleCredentialsCache,
  ) {}

  findAccount(runtime: InstanceRuntime, accountId: string): AccountWithRoles | undefined {
    return runtime.directory?.accounts.find((account) => account.accountId === accountId);
  }

  /** The name a role's credentials are labelled with (an ini profile, a toast). */
  profileName(ref: RoleRef): string {
    const account = this.findAccount(this.state.runtimeOf(ref.instanceId), ref.accountId);
    return `${account?.accountName ?? ref.accountId}-${ref.roleName}`;
  }

  /** "prod-payments / AdministratorAccess", for notifications. */
  displayName(ref: RoleRef): string {
    const account = this.findAccount(this.state.runtimeOf(ref.instanceId), ref.accountId);
    return `${account?.accountName ?? ref.accountId} / ${ref.roleName}`;
  }

  /** Role credentials, cached in memory until shortly before they expire. */
  async credentials(ref: RoleRef): Promise<RoleCredentials> {
    const runtime = this.state.runtimeOf(ref.instanceId);
    const { portal } = this.clients.of(runtime.instance);
    try {
      return await this.tokens.withAccessToken(runtime, (accessToken) => this.cache.get(ref, { portal, accessToken }));
    } catch (error) {
      const mapped = toRolecallError(error, `get credentials for ${ref.accountId} / ${ref.roleName}`);
      if (mapped.code === 'not-assigned') this.dropRole(runtime, ref);
      throw mapped;
    }
  }

  async consoleUrl(ref: RoleRef, choice: { region?: string; destination?: string } = {}): Promise<{ url: string; region: string }> {
    const runtime = this.state.runtimeOf(ref.instanceId);
    const credentials = await this.credentials(ref);
    const preferences = this.state.settings().preferences;
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
  }

  async rememberRecent(ref: RoleRef): Promise<void> {
    await this.state.updateSettings((stored) => ({
      ...stored,
      recents: [ref, ...stored.recents.filter((other) => !sameRole(other, ref))].slice(0, RECENTS_LIMIT),
    }));
  }

  /** A role AWS says is no longer assigned leaves the list with a visible note, instead of failing again later. */
  private dropRole(runtime: InstanceRuntime, ref: RoleRef): void {
    if (!runtime.directory) return;
    runtime.directory = {
      ...runtime.directory,
      accounts: runtime.directory.accounts
        .map((account) =>
          account.accountId === ref.accountId ? { ...account, roles: account.roles.filter((role) => role !== ref.roleName) } : account,
        )
        .filter((account) => account.roles.length > 0),
    };
    this.state.notice('warning', `${ref.roleName} in account ${ref.accountId} is no longer assigned to you; it was removed from the list.`);
    this.state.emit({ channel: 'directory:changed', payload: { instanceId: ref.instanceId } });
  }
}
