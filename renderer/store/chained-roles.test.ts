import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulatedCore, startTestEmulator, waitUntil } from '../../app/session/test-support/emulated-core';
import type { EmulatedCore, TestEmulator } from '../../app/session/test-support/emulated-core';
import { createActions } from './actions';
import { createRolecallStore } from './store';
import { bridgeTo } from './test-support/core-bridge';

/** "Assume another role from here…": the action saves a chained role through the contract, and the snapshot shows it. */

let emu: TestEmulator;
let h: EmulatedCore;
beforeAll(async () => {
  emu = await startTestEmulator({ directory: { accounts: 3, rolesPerAccount: 2, seed: 3, manyRolesEvery: 0 } });
  h = await startEmulatedCore(emu, { shell: 'web' });
});
afterAll(async () => {
  await h?.close();
  await emu?.close();
});

describe('saved chained roles in the store', () => {
  it('saves one under its name (replacing one of that name), shows it in the snapshot, and refuses a malformed ARN in words', async () => {
    const store = createRolecallStore();
    const actions = createActions(store, bridgeTo(h.core), {
      writeClipboard: async () => undefined,
      readClipboard: async () => '',
      openUrl: () => undefined,
      now: () => emu.clock.now(),
      setTimer: () => undefined,
    });
    const disconnect = actions.connect();
    try {
      const source = h.role(0);
      const target = h.accounts()[1]!.accountId;
      const roleArn = `arn:aws:iam::${target}:role/ChainedDeployer`;
      expect(await actions.saveChainedRole(source, { name: 'deployer', roleArn: 'arn:aws:iam::1:role/x', externalId: '' })).toEqual({
        ok: false,
        message: expect.stringContaining('arn:aws:iam::123456789012:role/Name'),
      });
      expect(await actions.saveChainedRole(source, { name: 'deployer', roleArn, externalId: 'old-id' })).toEqual({ ok: true });
      expect(await actions.saveChainedRole(source, { name: 'deployer', roleArn, externalId: ` rolecall-${target} ` })).toEqual({
        ok: true,
      });
      const saved = await waitUntil(
        () => (store.getState().snapshot?.chainedRoles?.[0]?.externalId === `rolecall-${target}` ? store.getState().snapshot : undefined),
        'the chained role in the snapshot',
      );
      expect(saved?.chainedRoles).toEqual([{ source, name: 'deployer', roleArn, externalId: `rolecall-${target}` }]);
      await h.core.api['chained-roles:remove']({ name: 'deployer' });
      await waitUntil(() => (store.getState().snapshot?.chainedRoles?.length === 0 ? true : undefined), 'the chained role gone');
    } finally {
      disconnect();
    }
  });
});
