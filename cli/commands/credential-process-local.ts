import { join } from 'node:path';
import { CredentialProcessCache } from '../../app/credentials/credential-process-cache';
import { chainedCacheRef } from '../../app/credentials/role-chaining-cache';
import type { ChainedRole } from '../../app/model/chained-roles';
import { RolecallError, needsSignInAgain } from '../../app/model/errors';
import type { Instance } from '../../app/model/instances';
import { roleKey } from '../../app/model/roles';
import type { RoleRef } from '../../app/model/roles';
import type { RoleCredentials } from '../../app/model/tokens';
import { TokenVault } from '../../app/session/token-vault';
import { lockName, withFileLock } from '../../app/storage/file-lock';
import { FileSecretStore } from '../../app/storage/file-secret-store';
import { FileSettingsStore } from '../../app/storage/file-settings-store';
import type { CliOutput } from '../../app/node/terminal-output';
import type { OwnerTarget } from './credential-process-owner';

/**
 * The part of `credential-process` that reads settings.json and Rolecall's secrets: the
 * sign-in, the encrypted credentials cache, the file locks, and on a miss the full core.
 * credential-process.ts loads it only when it works alone (no session owner answered) or chains
 * a role, so a call a running owner answers never loads, parses or decrypts any of it.
 */

type Env = Readonly<Record<string, string | undefined>>;

export interface AloneRequest {
  readonly env: Env;
  readonly configDir: string;
  /** The instance and role asked for, among the instances of settings.json. */
  readonly target: (instances: readonly Instance[]) => Promise<OwnerTarget>;
  readonly account: string;
  readonly role: string;
  readonly output: CliOutput;
}

interface LocalRequest extends OwnerTarget {
  readonly env: Env;
  readonly account: string;
  readonly role: string;
}

const cacheFor = (configDir: string) => {
  const secrets = new FileSecretStore(configDir);
  const cacheDir = join(configDir, 'cache');
  return { secrets, cacheDir, cache: new CredentialProcessCache({ dir: cacheDir, secrets }) };
};

/**
 * Fetches through the full core: the cached SSO token, refreshed with the refresh token when
 * it has expired, then GetRoleCredentials. Imported lazily so the cached path never loads the
 * AWS SDK or builds the controller.
 */
const fetchThroughCore = async (request: LocalRequest): Promise<{ ref: RoleRef; credentials: RoleCredentials }> => {
  const { openCliCore } = await import('../../app/node/open-core');
  const { core } = await openCliCore(request.env, { browser: false });
  try {
    const wanted = request.ref ?? request.resolve(await core.directory(request.instance.id));
    if (!wanted)
      throw new RolecallError('not-found', `No account "${request.account}" is assigned to you; run \`rolecall ls\` to see your accounts.`);
    return { ref: wanted, credentials: await core.credentials(wanted) };
  } finally {
    await core.stop();
  }
};

/**
 * The role's credentials working alone: from the encrypted cache while Rolecall still holds a
 * sign-in for the instance (so `rolecall logout` stops them at once even though they are still
 * valid at AWS), else from AWS through the core, one process per role at a time.
 */
export const credentialsWorkingAlone = async (
  alone: AloneRequest,
): Promise<{ instance: Instance; ref: RoleRef | undefined; credentials: RoleCredentials }> => {
  const { output } = alone;
  const settingsStore = new FileSettingsStore(alone.configDir);
  const settings = await settingsStore.load();
  // Said once: the unreadable file is moved aside, so the next run no longer finds it.
  if (settingsStore.lastLoadProblem) output.err(settingsStore.lastLoadProblem.message);
  const target = await alone.target(settings.instances);
  const { instance, ref } = target;
  const request: LocalRequest = { ...target, env: alone.env, account: alone.account, role: alone.role };
  const { secrets, cacheDir, cache } = cacheFor(alone.configDir);
  const session = await new TokenVault(secrets, alone.env).load(instance, settings.preferences.awsCliInterop);
  if (secrets.lastLoadProblem) output.err(secrets.lastLoadProblem.message);
  if (!session) {
    throw new RolecallError('signed-out', `You are not signed in to ${instance.label}; run \`${target.loginHint}\` and try again.`);
  }
  const cached = ref ? await cache.get(ref) : undefined;
  if (cached) return { instance, ref, credentials: cached };

  // Terraform or a parallel script starts dozens of these for one role at once: one of them
  // asks AWS, the others wait on the role's lock and then find its answer in the cache.
  const roleLock = lockName('role', ref ? roleKey(ref) : `${instance.id}/${request.account}/${request.role}`.toLowerCase());
  const found = await withFileLock(cacheDir, roleLock, async () => {
    const again = ref ? await cache.get(ref) : undefined;
    if (again && ref) return { ref, credentials: again };
    let fetched: { ref: RoleRef; credentials: RoleCredentials };
    try {
      fetched = await fetchThroughCore(request);
    } catch (error) {
      if (needsSignInAgain(error)) {
        throw new RolecallError(
          'session-expired',
          `Your ${instance.label} session has expired; run \`${request.loginHint}\` to sign in again.`,
          { cause: error },
        );
      }
      throw error;
    }
    // A cache that cannot be written costs an AWS call next time, never this answer.
    await cache.put(fetched.ref, fetched.credentials).catch(() => undefined);
    return fetched;
  });
  return { instance, ...found };
};

/**
 * With --assume-role the role's credentials are the source of one AssumeRole (the STS client
 * loads only then). The chained credentials join the encrypted cache under their own entry,
 * and one run per chain asks STS while the others wait on its lock. Without a resolved source
 * role (a name the cached directory does not know) nothing is cached.
 */
export const chainedCredentials = async (
  configDir: string,
  instance: Instance,
  chain: ChainedRole,
  source: RoleCredentials,
  sourceResolved: boolean,
): Promise<RoleCredentials> => {
  const { cacheDir, cache } = cacheFor(configDir);
  const entry = sourceResolved ? chainedCacheRef(chain) : undefined;
  const held = entry ? await cache.get(entry) : undefined;
  if (held) return held;
  const assume = async (): Promise<RoleCredentials> => {
    const again = entry ? await cache.get(entry) : undefined;
    if (again) return again;
    const { assumeChainedRole, stsTargetFor } = await import('../../app/credentials/role-chaining');
    const chained = await assumeChainedRole(chain, source, stsTargetFor(instance));
    if (entry) await cache.put(entry, chained).catch(() => undefined);
    return chained;
  };
  return entry ? withFileLock(cacheDir, lockName('role', roleKey(entry)), assume) : assume();
};
