import { CHAIN_SOURCE_ACCOUNT, chainingDirectory, deployerArn } from '../../../emulator/test-support/chaining-directory';
import { parseRequest } from '../../ipc/contract';
import { startTestEmulator } from './emulated-core';
import type { EmulatedCore, TestEmulator } from './emulated-core';

/**
 * The product side of the role-chaining tests: an emulator on the shared chaining
 * directory (emulator/test-support/chaining-directory.ts), and a chained role saved
 * through the contract as the window's "Assume another role from here…" would.
 */

export const startChainingEmulator = (): Promise<TestEmulator> => startTestEmulator({ directory: chainingDirectory });

/** Saves `name`: from `roleName` (default AdministratorAccess) of the source account to Deployer. */
export const saveChainedRole = (h: EmulatedCore, name = 'deployer', roleName = 'AdministratorAccess'): Promise<void> =>
  h.core.api['chained-roles:save'](
    parseRequest('chained-roles:save', {
      source: { instanceId: h.instanceId, accountId: CHAIN_SOURCE_ACCOUNT, roleName },
      roleArn: deployerArn,
      name,
    }),
  );
