import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTokenLock } from './session-tokens';
import { startEmulatedCore, startTestEmulator } from './test-support/emulated-core';
import type { EmulatedCore, TestEmulator } from './test-support/emulated-core';

/**
 * A sign-out and a refresh of the same session in one process, the sign-out first in line
 * for the token lock (another process held it: here, the test). The refresh read the
 * session before it waited; what counts is what the sign-out left.
 */
let emu: TestEmulator;
let h: EmulatedCore;
beforeAll(async () => {
  emu = await startTestEmulator({ directory: { accounts: 2, rolesPerAccount: 1, seed: 4 }, accessTokenTtlSeconds: 3600 });
  h = await startEmulatedCore(emu, { core: { autoSync: false, watchExpiry: false, openVerification: false } });
});
afterAll(async () => {
  await h?.close();
  await emu?.close();
});

describe('signing out while a refresh waits behind it for the token lock', () => {
  it('leaves the user signed out: the refresh does not renew the token it read before the sign-out', async () => {
    const [account] = h.accounts();
    const role = { instanceId: h.instanceId, accountId: account!.accountId, roleName: account!.roles[0]! };
    // The access token has expired: a copy must refresh it first.
    h.clock.advance(3601_000);
    let release = () => undefined as void;
    const held = withTokenLock(join(h.configDir, 'cache'), h.instanceId, () => new Promise<void>((resolve) => (release = resolve)));
    // Let the test's hold of the lock begin before the core's requests queue behind it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const signingOut = h.core.api['session:sign-out']({ instanceId: h.instanceId });
    const copying = h.core.api['credentials:copy']({ role });
    copying.catch(() => undefined);
    // Time for the copy to reach its refresh, which queues behind the sign-out (a copy slower
    // than that starts after the sign-out and is refused at once: the same outcome).
    await new Promise((resolve) => setTimeout(resolve, 200));
    emu.emulator.resetCounters();
    release();
    await held;
    await signingOut;
    await expect(copying).rejects.toMatchObject({ code: 'signed-out' });
    expect(emu.emulator.counters().CreateToken?.requests ?? 0).toBe(0);
    // Signed out as the user asked, with no message about another window.
    expect(h.view().session).toEqual({ status: 'signed-out' });
  });
});
