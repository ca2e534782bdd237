import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectToOwner } from '../app/agent/agent-client';
import type { OwnerClient } from '../app/agent/agent-client';
import { startOwner } from '../app/agent/agent-server';
import type { OwnerStart } from '../app/agent/agent-server';
import { parseRequest } from '../app/ipc/contract';
import type { RolecallController } from '../app/session/controller';
import { saveChainedRole, startChainingEmulator } from '../app/session/test-support/chained-roles';
import { startEmulatedCore, waitUntil } from '../app/session/test-support/emulated-core';
import type { EmulatedCore, TestEmulator } from '../app/session/test-support/emulated-core';
import { CHAIN_TARGET_ACCOUNT as SHARED } from '../emulator/test-support/chaining-directory';
import { deliverInThisProcess } from './desktop-session';

/**
 * The desktop as the client of another owner (`rolecall web` here, a real core on the
 * emulator serving the agent socket): a chained role's copy crosses the socket like a role's,
 * lands on the desktop's own clipboard (cleared later) and its console opens in the desktop's
 * browser; neither the text nor the URL comes back to the window.
 */

let emu: TestEmulator;
let h: EmulatedCore;
let owner: OwnerStart<RolecallController>;
let client: OwnerClient | undefined;
beforeAll(async () => {
  emu = await startChainingEmulator();
  h = await startEmulatedCore(emu, { shell: 'web' });
  await saveChainedRole(h);
  await h.core.api['preferences:update']({ clipboardClearSeconds: 20 });
  owner = await startOwner<RolecallController>({ configDir: h.configDir, openCore: async () => h.core });
  if (owner.status !== 'owner') throw new Error('the test owner could not take the lock');
  client = await connectToOwner(h.configDir);
  if (!client) throw new Error('the desktop could not connect to the owner');
});
afterAll(async () => {
  if (owner?.status === 'owner') await owner.close();
  await h?.close();
  await emu?.close();
});

describe('a chained role from a desktop that is the client of another owner', () => {
  it('copies onto the desktop clipboard and opens the console in its browser, handing neither to the window', async () => {
    const clipboard: string[] = [];
    const opened: string[] = [];
    const desktop = deliverInThisProcess(client!, {
      clipboard: { writeText: (text) => void clipboard.push(text), readText: () => clipboard.at(-1) ?? '' },
      opener: { openExternal: async (url) => void opened.push(url) },
      clock: emu.clock,
    });
    const copied = await desktop.api['credentials:copy'](parseRequest('credentials:copy', { chainedRole: 'deployer', format: 'dotenv' }));
    expect(copied).not.toHaveProperty('clipboardText');
    expect(copied).toMatchObject({ chainedRole: 'deployer', clearsAfterSeconds: 20, role: { accountId: SHARED, roleName: 'Deployer' } });
    expect(clipboard.at(-1)).toMatch(/^AWS_ACCESS_KEY_ID="ASIA/m);
    // The owner's own clipboard (a web owner has none in use) stayed untouched.
    expect(h.clipboard).toEqual([]);
    await emu.clock.advanceAndSettle(21_000);
    await waitUntil(() => clipboard.at(-1) === '', 'the desktop clipboard cleared');

    const console = await desktop.api['console:open'](parseRequest('console:open', { chainedRole: 'deployer' }));
    expect(console).not.toHaveProperty('url');
    const html = await (await fetch(opened.at(-1)!)).text();
    expect(html).toContain(`id="account-id">${SHARED}<`);
    expect(html).toContain('id="role-name">Deployer<');
    // The countdown reaches the desktop through the owner's snapshot.
    await waitUntil(() => desktop.snapshot().activeCredentials.find((entry) => entry.chainedRole === 'deployer'), 'the chained countdown');
  });
});
