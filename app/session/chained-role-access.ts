import { consoleUrlFor } from '../console/console-url';
import type { RoleChainer } from '../credentials/role-chaining';
import { chainedRoleTarget } from '../model/chained-roles';
import { RolecallError } from '../model/errors';
import type { SavedChainedRole } from '../model/settings';
import type { RoleCredentials } from '../model/tokens';
import type { CoreState } from './core-state';

/**
 * A saved chained role, by its name, turned into something usable: its credentials (STS
 * AssumeRole from its source role's credentials, held by the chainer) and a console URL.
 */
export class ChainedRoleAccess {
  constructor(
    private readonly state: CoreState,
    private readonly chainer: RoleChainer,
  ) {}

  saved(name: string): SavedChainedRole {
    const found = this.state.settings().chainedRoles.find((chain) => chain.name === name);
    if (!found) throw new RolecallError('not-found', `No chained role "${name}" is saved; add it from its source role's menu first.`);
    return found;
  }

  async credentials(name: string): Promise<{ chain: SavedChainedRole; credentials: RoleCredentials }> {
    const chain = this.saved(name);
    // The source's instance must still be configured: a clear sentence instead of an STS error.
    this.state.runtimeOf(chain.source.instanceId);
    return { chain, credentials: await this.chainer.credentials(chain) };
  }

  async consoleUrl(
    name: string,
    choice: { region?: string; destination?: string },
  ): Promise<{ chain: SavedChainedRole; url: string; region: string }> {
    const { chain, credentials } = await this.credentials(name);
    const instance = this.state.runtimeOf(chain.source.instanceId).instance;
    const { url, region } = await consoleUrlFor({ instance, preferences: this.state.settings().preferences, credentials, choice });
    return { chain, url, region };
  }

  /** Saved chained roles marked "keep fresh", for the expiry watcher (a name no longer saved is skipped). */
  keptFresh(): SavedChainedRole[] {
    const settings = this.state.settings();
    return settings.chainedKeepFresh.flatMap((name) => settings.chainedRoles.find((chain) => chain.name === name) ?? []);
  }

  /** When the chain's credentials held in memory expire, if any are held; never calls STS. */
  heldUntil(chain: SavedChainedRole): number | undefined {
    return this.chainer.peek(chain)?.expiration;
  }

  /** "deployer (shared / Deployer)", for notifications: its name and the account and role it assumes. */
  displayName(chain: SavedChainedRole): string {
    const target = chainedRoleTarget(chain);
    const account = this.state.runtimes
      .get(target.instanceId)
      ?.directory?.accounts.find((candidate) => candidate.accountId === target.accountId);
    return `${chain.name} (${account?.accountName ?? target.accountId} / ${target.roleName})`;
  }

  /** Saved chained roles with credentials in memory, for the snapshot's countdowns (no secrets). */
  active(): { readonly name: string; readonly ref: ReturnType<typeof chainedRoleTarget>; readonly expiration: number }[] {
    const held = [];
    for (const chain of this.state.settings().chainedRoles) {
      const credentials = this.chainer.peek(chain);
      if (credentials) held.push({ name: chain.name, ref: chainedRoleTarget(chain), expiration: credentials.expiration });
    }
    return held;
  }
}
