import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron } from 'playwright-core';
import type { ElectronApplication } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../web/renderer-build';
import { findElectron } from '../scripts/electron-binary';
import { startEmulator } from '../emulator/server';
import type { RunningEmulator } from '../emulator/options';

const root = join(import.meta.dirname, '..');

const electron = findElectron();
const display = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const skipReason = !electron.path
  ? electron.reason
  : !display
    ? 'no display (DISPLAY / WAYLAND_DISPLAY unset) to open a window on'
    : undefined;
if (skipReason) console.log(`e2e/electron.spec.ts skipped: ${skipReason}. The same UI is covered in Chromium through rolecall web.`);

describe.skipIf(skipReason !== undefined)('the Electron app', () => {
  let emulator: RunningEmulator;
  let home: string;
  let app: ElectronApplication;

  beforeAll(async () => {
    await buildRenderer({ log: () => undefined });
    // @ts-expect-error -- a plain .mjs build script without type declarations
    const { buildElectron } = (await import('../scripts/build-electron.mjs')) as { buildElectron: () => Promise<unknown> };
    await buildElectron();
    emulator = await startEmulator({ directory: { accounts: 5, rolesPerAccount: 2, seed: 1 }, log: () => undefined });
    home = await mkdtemp(join(tmpdir(), 'rolecall-electron-e2e-'));
    app = await _electron.launch({
      executablePath: electron.path!,
      args: [join(root, 'dist', 'main', 'main.cjs')],
      env: {
        ...process.env,
        HOME: join(home, 'home'),
        ROLECALL_HOME: join(home, 'rolecall'),
        AWS_CONFIG_FILE: join(home, 'home', '.aws', 'config'),
        ROLECALL_SECRET_STORAGE: 'memory',
        ROLECALL_DEMO_INSTANCE: JSON.stringify({
          startUrl: emulator.startUrl,
          region: emulator.region,
          endpoint: emulator.url,
          label: 'Emulator',
        }),
      },
    });
  });

  afterAll(async () => {
    await app?.close();
    await emulator?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('serves the renderer from rolecall://app, isolated from Node', async () => {
    const window = await app.firstWindow();
    expect(window.url()).toBe('rolecall://app/index.html');
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await window.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    expect(await window.evaluate(() => Object.keys((window as unknown as { rolecall: object }).rolecall).includes('state:get'))).toBe(true);
  });

  it('shows the sign-in screen for the emulator instance', async () => {
    const window = await app.firstWindow();
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.show());
    await window
      .getByRole('button', { name: /sign in/i })
      .first()
      .waitFor({ state: 'visible', timeout: 20_000 });
    expect(await window.title()).toBe('Rolecall');
  });
});
