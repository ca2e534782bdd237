import { afterAll, describe, expect, it, vi } from 'vitest';
import { connectToOwner } from '../app/agent/agent-client';
import { startOwner } from '../app/agent/agent-server';
import { openLocalCore } from '../app/node/open-core';
import type { RolecallController } from '../app/session/controller';
import { startEmulator } from '../emulator/server';
import type { FakeElectron, FakeWebContents } from './testing/fake-electron';

// The whole main process (main.ts against the Electron fake) started while a `rolecall agent`
// style owner — a real core of this config dir serving the socket — already runs: the app
// must defer to it, copy onto its own clipboard, show the owner's sign-in in the tray, and
// take the sessions over once that owner stops.
const fake = await vi.hoisted(async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/rolecall-defer-`);
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  process.env.ROLECALL_HOME = `${dir}/rolecall`;
  process.env.HOME = `${dir}/home`;
  process.env.ROLECALL_NO_BROWSER = '1';
  // electron-store loads the real `electron` package, which needs a dist path to resolve here.
  process.env.ELECTRON_OVERRIDE_DIST_PATH = '/nonexistent-electron-dist';
  delete process.env.ROLECALL_DEMO_INSTANCE;
  delete process.env.ROLECALL_SECRET_STORAGE;
  delete process.env.ROLECALL_NO_AGENT;
  return { electron: undefined as unknown as FakeElectron, dir };
});

vi.mock('electron', async () => {
  const { createFakeElectron } = await import('./testing/fake-electron');
  fake.electron = createFakeElectron();
  return fake.electron;
});

const configDir = process.env.ROLECALL_HOME!;
const emulator = await startEmulator({
  directory: { accounts: 2, rolesPerAccount: 2, seed: 8 },
  deviceCodeIntervalSeconds: 0,
  log: () => undefined,
});

// The first owner, as `rolecall agent` builds it, signed in through the emulator.
const agent = await startOwner<RolecallController>({
  configDir,
  openCore: async () =>
    (await openLocalCore(configDir, process.env, { shell: 'cli', autoSync: true, watchExpiry: true, browser: false })).core,
});
if (agent.status !== 'owner') throw new Error('the test owner could not take the lock');
const { instanceId } = await agent.core.api['instance:add']({
  startUrl: emulator.startUrl,
  region: emulator.region,
  endpoint: emulator.url,
});
const signingIn = agent.core.signIn(instanceId);
// Bounded (10 s): the device code appears within a few polls, later on a loaded machine.
for (let i = 0; i < 1000 && emulator.pendingUserCodes().length === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
emulator.approveDevice(emulator.pendingUserCodes()[0]!);
await signingIn;
const [account] = (await agent.core.directory(instanceId)).accounts;
const role = { instanceId, accountId: account!.accountId, roleName: account!.roles[0]! };

await import('./main');
const electron = fake.electron;
await vi.waitFor(() => expect(electron.Tray.all).toHaveLength(1), { timeout: 10_000 });
const contents = electron.BrowserWindow.all[0]!.webContents as FakeWebContents;
const tray = electron.Tray.all[0]!;
const invoke = async (channel: string, payload: unknown): Promise<{ ok: boolean; value?: Record<string, unknown>; error?: unknown }> =>
  (await electron.ipcMain.invoke(channel, payload, contents)) as { ok: boolean; value?: Record<string, unknown> };

let agentStopped = false;
const stopAgent = async () => {
  if (agentStopped) return;
  agentStopped = true;
  await agent.close();
  await agent.core.stop();
};

afterAll(async () => {
  electron.app.emit('before-quit');
  electron.app.emit('will-quit');
  await stopAgent();
  await emulator.close();
});

describe('the desktop app started while another owner serves the config dir', () => {
  it("defers to it: the agent's socket stays the agent's, and its sign-in shows in the tray", async () => {
    const endpoint = await connectToOwner(configDir);
    expect(endpoint?.socketPath).toBe(agent.server.socketPath);
    await endpoint?.stop();
    expect((await invoke('state:get', undefined)).value).toMatchObject({
      instances: [{ id: instanceId, session: { status: 'signed-in' } }],
    });
    await vi.waitFor(() => expect(tray.tooltip).not.toMatch(/signed out/));
    expect((tray.image as { path: string }).path).toMatch(/tray-signed-in/);
  });

  it('copies onto its own clipboard and opens the console in its own browser; the window gets neither secret', async () => {
    electron.clipboard.text = '';
    const copied = await invoke('credentials:copy', { role, format: 'posix' });
    expect(copied.ok).toBe(true);
    expect(copied.value).not.toHaveProperty('clipboardText');
    expect(electron.clipboard.text).toMatch(/AWS_ACCESS_KEY_ID=/);

    const opened = await invoke('console:open', { role });
    expect(opened).toMatchObject({ ok: true });
    expect(opened.value).not.toHaveProperty('url');
    expect(electron.shell.opened.at(-1)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    // The owner's core did the work: the role is now its most recent.
    expect(agent.core.settings().recents[0]).toEqual(role);
  });

  it('takes the sessions over when the agent stops: it serves the socket and the tray keeps working', async () => {
    await stopAgent();
    let owner: Awaited<ReturnType<typeof connectToOwner>>;
    await vi.waitFor(
      async () => {
        owner = await connectToOwner(configDir);
        expect(owner).toBeDefined();
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(owner!.socketPath).not.toBe(undefined);
    expect(owner!.instances().map((instance) => instance.id)).toEqual([instanceId]);
    await owner!.stop();

    electron.clipboard.text = '';
    const copied = await invoke('credentials:copy', { role, format: 'posix' });
    expect(copied.ok, JSON.stringify(copied.error)).toBe(true);
    expect(copied.value).not.toHaveProperty('clipboardText');
    expect(electron.clipboard.text).toMatch(/AWS_ACCESS_KEY_ID=/);
    const ids = ((tray.menu as { template: { id: string }[] }).template ?? []).map((item) => item.id);
    expect(ids).toContain('quit');
    await vi.waitFor(() => expect(tray.tooltip).not.toMatch(/signed out/));
  }, 30_000);
});
