import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildRenderer } from '../web/renderer-build';
import { startWebServer } from '../web/server';
import type { WebServer } from '../web/server';
import { createMemoryCore, generateAccounts } from '../app/session/test-support/memory-core';
import type { MemoryCore } from '../app/session/test-support/memory-core';

/**
 * The renderer in a real browser, through `rolecall web`'s server and an in-memory core
 * holding 10,000 roles: the accessibility contract the e2e suite relies on, keyboard paths,
 * the page's own clipboard and window.open in web mode.
 */

const chromiumPath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => path && existsSync(path));
const accounts = generateAccounts(2500);
const instance = {
  id: 'acme',
  label: 'Acme',
  startUrl: 'https://d-1234567890.awsapps.com/start',
  region: 'eu-west-1',
  ssoSessionName: 'acme',
};

let parent: string;
let core: MemoryCore;
let server: WebServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

describe.skipIf(!chromiumPath)('renderer in Chromium (web mode)', () => {
  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'rolecall-ui-'));
    const staticDir = await buildRenderer({ outDir: join(parent, 'renderer') });
    core = createMemoryCore({ signedIn: [{ instance, accounts, sessionEndsAt: Date.now() + 7 * 3600_000 + 12 * 60_000 + 30_000 }] });
    await core.api['instance:add']({ startUrl: 'https://d-2222222222.awsapps.com/start', region: 'us-east-1', label: 'Partner' });
    server = await startWebServer({ core, staticDir });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
    // The memory core's console and verification URLs point at a closed port; answer them.
    await context.route('http://127.0.0.1:9/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<title>Fake console</title>' }),
    );
    page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole('option').first().waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (parent) await rm(parent, { recursive: true, force: true });
  });

  const activeOption = () => page.locator('[role=option][aria-selected=true]');

  it('lands in the address bar without the secret, with the search box focused', async () => {
    expect(new URL(page.url()).searchParams.has('k')).toBe(false);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Search');
    await expect.poll(() => page.getByRole('searchbox', { name: 'Search' }).count()).toBe(1);
    expect(await page.getByRole('listbox', { name: 'Roles' }).count()).toBe(1);
  });

  it('virtualises 10,000 roles: few options in the DOM, the last reachable by scrolling', async () => {
    const rendered = await page.getByRole('option').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(100);
    await page.locator('#role-list').evaluate((element) => {
      element.scrollTop = element.scrollHeight;
    });
    const last = [...accounts].sort((a, b) => a.accountName.localeCompare(b.accountName)).at(-1)!;
    await page.getByText(last.accountId).first().waitFor();
    await page.locator('#role-list').evaluate((element) => {
      element.scrollTop = 0;
    });
  });

  it('searches as you type from anywhere, with options named by role, account and id', async () => {
    await page.locator('.status-bar').click();
    await page.keyboard.type('prod adm');
    await expect.poll(() => page.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('prod adm');
    const first = page.getByRole('option').first();
    const name = (await first.getAttribute('aria-label')) ?? '';
    const account = accounts.find((a) => name.includes(a.accountId));
    expect(account?.accountName).toMatch(/^prod-/);
    expect(name).toContain('AdministratorAccess');
    expect(name).toContain(account?.accountName);
    const search = page.getByRole('searchbox', { name: 'Search' });
    expect(await search.getAttribute('aria-activedescendant')).toBe(await activeOption().getAttribute('id'));
  });

  it('moves with the arrows and copies with Enter into the page clipboard', async () => {
    const search = page.getByRole('searchbox', { name: 'Search' });
    await search.focus();
    const before = await search.getAttribute('aria-activedescendant');
    await page.keyboard.press('ArrowDown');
    const after = await search.getAttribute('aria-activedescendant');
    expect(after).not.toBe(before);
    const label = (await page.locator(`[id="${after}"]`).getAttribute('aria-label')) ?? '';
    const account = accounts.find((a) => label.includes(a.accountId))!;
    await page.keyboard.press('Enter');
    await page
      .getByText(new RegExp(`Copied export lines for ${account.accountName} / AdministratorAccess \\(expires in (59m|1h)\\)`))
      .waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`export AWS_ACCESS_KEY_ID=ASIAMEMORYCORE${account.accountId}`);
    // Copying made the role recent; it stays the active option although the list reordered.
    expect(await activeOption().getAttribute('aria-label')).toBe(label);
  });

  it('opens the console with Ctrl+Enter through window.open', async () => {
    const label = (await activeOption().getAttribute('aria-label')) ?? '';
    const account = accounts.find((a) => label.includes(a.accountId))!;
    const popup = context.waitForEvent('page');
    await page.keyboard.press('Control+Enter');
    const opened = await popup;
    expect(opened.url()).toContain(`account=${account.accountId}`);
    expect(await opened.evaluate(() => window.opener)).toBeNull();
    await opened.close();
    await page.getByText(`Opened the console for ${account.accountName} / AdministratorAccess in eu-west-1`).waitFor();
  });

  it('offers the other formats and actions in a keyboard menu (Shift+Enter)', async () => {
    await page.getByRole('searchbox', { name: 'Search' }).focus();
    await page.keyboard.press('Shift+Enter');
    const menu = page.getByRole('menu');
    await menu.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toContain('Copy as POSIX shell');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByText(/Copied fish set -gx lines for /).waitFor();
    // The menu closes and the list re-renders asynchronously: poll rather than read once.
    await expect.poll(() => menu.count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Search');

    await page.keyboard.press('Shift+Enter');
    await page.getByRole('menuitem', { name: 'Pin to the top' }).click();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('');
    await page.getByText('Pinned', { exact: false }).first().waitFor();
    await expect.poll(() => page.getByRole('option').first().getAttribute('aria-label')).toMatch(/, pinned$/);
  });

  it('shows the user code big with a countdown while signing in, and cancels', async () => {
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const code = page.getByLabel('User code');
    await code.waitFor();
    expect(await code.textContent()).toBe('WDJB-MJHT');
    await page.getByText(/The code expires in (9m|10m)\./).waitFor();
    await page.getByRole('button', { name: 'Open browser again' }).click();
    await expect.poll(() => core.calls.includes('session:open-verification')).toBe(true);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await code.waitFor({ state: 'detached' });
  });

  it('offers PKCE as the second way in: no code, the authorize link to open (web mode opens nothing itself), and Cancel', async () => {
    await page.getByRole('button', { name: 'Sign in with browser redirect (PKCE)' }).click();
    const card = page.getByRole('region', { name: 'Signing in to Partner' });
    await card.getByText('Open the sign-in page and approve the request there.').waitFor();
    expect(await card.getByRole('link', { name: 'Open the sign-in page' }).getAttribute('href')).toBe('http://127.0.0.1:9/device');
    expect(await card.getByLabel('User code').count()).toBe(0);
    await card.getByRole('button', { name: 'Cancel' }).click();
    await card.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Sign in with browser redirect (PKCE)' }).waitFor();
  });

  it('validates a new instance with the core schema, and shows server errors in words', async () => {
    await page.getByRole('button', { name: 'Preferences' }).click();
    const adds = () => core.calls.filter((call) => call === 'instance:add').length;
    const addsBefore = adds();
    await page.getByRole('button', { name: 'Add an instance…' }).click();
    await page.getByLabel('AWS access portal URL').fill('http://sso.example.com/start');
    await page.getByLabel('Region', { exact: true }).fill('mars-north-1');
    await page.getByRole('button', { name: 'Add instance' }).click();
    await page.getByText('The start URL must use https').waitFor();
    await page.getByText('not an AWS region name').waitFor();
    expect(adds()).toBe(addsBefore);

    await page.getByLabel('AWS access portal URL').fill(instance.startUrl);
    await page.getByLabel('Region', { exact: true }).fill(instance.region);
    await page.getByRole('button', { name: 'Add instance' }).click();
    await page.getByRole('alert').filter({ hasText: 'is already configured as "Acme"' }).waitFor();
  });

  it('saves preferences through the core, refusing invalid values', async () => {
    await page.getByLabel('Default copy format').selectOption('dotenv');
    await expect.poll(() => core.snapshot().preferences.defaultCopyFormat).toBe('dotenv');
    const clear = page.getByLabel('Clear the clipboard after (seconds)');
    await clear.fill('99999');
    await clear.press('Enter');
    await page.getByText(/less than or equal to 3600|<=3600/i).waitFor();
    expect(core.snapshot().preferences.clipboardClearSeconds).toBe(0);
    await clear.fill('45');
    await clear.press('Enter');
    await expect.poll(() => core.snapshot().preferences.clipboardClearSeconds).toBe(45);
  });

  it('shows the session countdown in the status bar', async () => {
    expect(await page.locator('.status-bar').textContent()).toMatch(/Acme: Session 7h 1[12]m/);
  });
});
