import { createHash } from 'node:crypto';
import { chainedRoleKey, roleArnParts } from '../model/chained-roles';
import type { ChainedRole } from '../model/chained-roles';
import type { RoleRef } from '../model/roles';

/**
 * The entry a chained role's credentials take in a role-keyed cache (the credential-process
 * cache): the instance of its source role, so sign-out forgets it with the rest; the target
 * account; and a role name no permission set has, `chain.` + a digest of everything that
 * makes the chain (source role, target, external id, session name, duration, region).
 * Plain Node only: credential-process's cached path loads this without the AWS SDK.
 */
export const chainedCacheRef = (chain: ChainedRole): RoleRef => {
  const digest = createHash('sha256').update(chainedRoleKey(chain)).digest('hex').slice(0, 40);
  const target = roleArnParts(chain.roleArn);
  return { instanceId: chain.source.instanceId, accountId: target.accountId, roleName: `chain.${digest}` };
};
