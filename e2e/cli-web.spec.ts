import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory } from '../emulator/directory-seed';
import type { RunningEmulator } from '../emulator/options';
import { startEmulator } from '../emulator/server';
import { collectPageErrors, launchChromium, newAppContext } from './support/browser';
import { spawnRolecall } from './support/cli-process';
import type { RolecallProcess } from './support/cli-process';
import { defaultDirectory } from './support/harness';
import { ensureRendererBuilt } from './support/renderer';
import { createSandbox } from './support/sandbox';
import type { Sandbox } from './support/sandbox';
import { waitUntil, withTimeout } from './support/wait';

/**
 * `rolecall login` then `rolecall web` as real processes sharing one ROLECALL_HOME: the web
 * UI starts signed in from the terminal's sign-in, lists the accounts, keeps out a browser
 * without the secret, and stops cleanly on SIGTERM.
 */

const directory = generateDirectory(defaultDirectory);
const roleCount = directory.reduce((sum, account) => sum + account.roles.length, 0);

let emulator: RunningEmulator;
let sandbox: Sandbox;
let browser: Browser | undefined;
let web: RolecallProcess | undefined;
let webUrl: URL;

describe('rolecall web as the CLI process', () => {
  beforeAll(async () => {
    // Built once here, so the child finds it current instead of building it itself.
    await ensureRendererBuilt();
    sandbox = await createSandbox('cli-web');
    emulator = await startEmulator({ directory: defaultDirectory, deviceCodeIntervalSeconds: 1, log: () => undefined });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (web && web.child.exitCode === null && web.child.signalCode === null) await web.stop('SIGKILL').catch(() => undefined);
    await emulator?.close();
    await sandbox?.remove();
  });

  it('rolecall login signs in through the device flow in the same ROLECALL_HOME', async () => {
    const login = spawnRolecall(
      [
        'login',
        '--start-url',
        emulator.startUrl,
        '--region',
        emulator.region,
        '--endpoint',
        emulator.url,
        '--label',
        'Emulator',
        '--no-browser',
      ],
      sandbox.env,
    );
    try {
      const code = await waitUntil(() => emulator.pendingUserCodes()[0], 'the login to start a device authorization', 20_000);
      // The code the terminal shows is the one the emulator is waiting for.
      await waitUntil(() => login.stderr().includes(code), 'the login to print the user code', 10_000);
      emulator.approveDevice(code);
      const exit = await withTimeout(login.exited, 20_000, 'rolecall login to exit');
      expect(exit, login.stderr()).toEqual({ code: 0, signal: null });
      expect(login.stderr()).toContain('Signed in to Emulator');
    } finally {
      if (login.child.exitCode === null) await login.stop('SIGKILL').catch(() => undefined);
    }
  }, 45_000);

  it('prints one JSON line with its URL, and the UI there is signed in and lists the accounts', async () => {
    web = spawnRolecall(['web', '--port', '0'], sandbox.env);
    const line = await web.firstLine(30_000);
    const printed = JSON.parse(line) as { url: string };
    expect(Object.keys(printed)).toEqual(['url']);
    webUrl = new URL(printed.url);
    expect(webUrl.hostname).toBe('127.0.0.1');
    expect(webUrl.searchParams.get('k')).toMatch(/^[A-Za-z0-9_-]{40,}$/);

    browser = await launchChromium(sandbox.env);
    const { context, offHostRequests } = await newAppContext(browser, webUrl.origin);
    const page = await context.newPage();
    const pageErrors = collectPageErrors(page);
    await page.goto(webUrl.href);
    // The secret was traded for a cookie and is gone from the address bar.
    expect(new URL(page.url()).searchParams.has('k')).toBe(false);

    await expect.poll(() => page.locator('.status-bar .sessions').textContent(), { timeout: 15_000 }).toMatch(/^Session 7h 5\dm$/);
    expect(await page.getByRole('button', { name: 'Sign in', exact: true }).count()).toBe(0);
    const search = page.getByRole('searchbox', { name: 'Search' });
    await expect
      .poll(() => search.getAttribute('placeholder'), { timeout: 15_000 })
      .toBe(`Search ${roleCount} roles — account, id, e-mail or role`);
    await search.fill('prod-payments');
    await expect
      .poll(() => page.getByRole('option').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label'))))
      .toEqual(directory[0]!.roles.map((role) => `${role}, prod-payments, ${directory[0]!.accountId}`));
    expect(pageErrors).toEqual([]);
    expect(offHostRequests).toEqual([]);
  }, 60_000);

  it('another server on 127.0.0.1 that the same browser visits receives no Rolecall cookie', async () => {
    const seen: string[] = [];
    const other = createServer((req, res) => {
      seen.push(req.headers.cookie ?? '');
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<title>another local app</title>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = other.address() as AddressInfo;
      const context = browser!.contexts()[0]!;
      const page = await context.newPage();
      for (const path of ['/', '/s/', '/bridge', '/index.html']) await page.goto(`http://127.0.0.1:${port}${path}`);
      await page.close();
      expect(seen).toHaveLength(4);
      for (const cookie of seen) expect(cookie).not.toMatch(/rolecall-/);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('answers 403 to a wrong secret, no cookie, or the launch link replayed after the browser used it', async () => {
    const wrong = new URL(webUrl);
    wrong.searchParams.set('k', 'not-the-secret');
    expect((await fetch(wrong, { redirect: 'manual', signal: AbortSignal.timeout(5_000) })).status).toBe(403);
    expect((await fetch(new URL('/', webUrl), { redirect: 'manual', signal: AbortSignal.timeout(5_000) })).status).toBe(403);
    // The browser above traded the link already: a replay (from history, or the process list) gets nothing.
    const replay = await fetch(webUrl, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
    expect(replay.status).toBe(403);
    expect(replay.headers.get('set-cookie')).toBeNull();
  });

  it('stops on SIGTERM with exit code 0, having printed nothing else on stdout', async () => {
    const exit = await web!.stop('SIGTERM', 10_000);
    expect(exit, web!.stderr()).toEqual({ code: 0, signal: null });
    expect(web!.stdoutLines.filter((line) => line.trim() !== '')).toHaveLength(1);
  });
});
