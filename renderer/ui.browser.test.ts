import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../e2e/support/browser';
import { buildRenderer } from '../web/renderer-build';
import { startWebServer } from '../web/server';
import type { WebServer } from '../web/server';
import type { RequestChannel } from '../app/ipc/contract';
import type { AccountWithRoles } from '../app/model/roles';
import type { RolecallCore } from '../app/session/core';
import { recordingCalls, startEmulatedCore, startTestEmulator } from '../app/session/test-support/emulated-core';
import type { EmulatedCore, TestEmulator } from '../app/session/test-support/emulated-core';

/**
 * The renderer in a real browser, through `rolecall web`'s server and the real core signed
 * in to the emulator with 10,000 roles: the accessibility contract the e2e suite relies on,
 * keyboard paths, the page's own clipboard and window.open in web mode. A second emulator is
 * the signed-out "Partner" instance the sign-in card talks to.
 */

// Where there is no Chromium this file is skipped (launchChromium finds the same one first).
const chromiumPath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => path && existsSync(path));
/** The session (the access token) lasts 7h 12m 30s from sign-in. */
const SESSION_SECONDS = 7 * 3600 + 12 * 60 + 30;

let parent: string;
let emu: TestEmulator;
let partner: TestEmulator;
let h: EmulatedCore;
let accounts: readonly AccountWithRoles[];
/** The core the web server drives, recording which requests reached it. */
let core: RolecallCore;
let calls: RequestChannel[];
let server: WebServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

describe.skipIf(!chromiumPath)('renderer in Chromium (web mode)', () => {
  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'rolecall-ui-'));
    const staticDir = await buildRenderer({ outDir: join(parent, 'renderer') });
    // 2,500 accounts of 4 roles: 10,000 roles; account 0 is prod-payments (AdministratorAccess first).
    // Signed in for real; the directory comes from the core's cache (the emulator's own, from
    // its seed), as after a restart: a first sync of 10,000 roles would take most of a minute.
    const directory = { accounts: 2500, rolesPerAccount: 4, seed: 1, manyRolesEvery: 0 };
    emu = await startTestEmulator({ directory, accessTokenTtlSeconds: SESSION_SECONDS });
    partner = await startTestEmulator({ deviceCodeIntervalSeconds: 1 });
    h = await startEmulatedCore(emu, { cachedDirectory: directory });
    accounts = h.accounts();
    await h.core.api['instance:add']({
      startUrl: partner.emulator.startUrl,
      region: partner.emulator.region,
      endpoint: partner.emulator.url,
      label: 'Partner',
    });
    ({ core, calls } = recordingCalls(h.core));
    server = await startWebServer({ core, staticDir });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
    // Everything the page opens is on 127.0.0.1 (the server, the emulators' console and sign-in pages); nothing else is reached.
    await context.route(/^(?!https?:\/\/127\.0\.0\.1[:/])/, (route) => route.abort());
    page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole('option').first().waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await h?.close();
    await emu?.close();
    await partner?.close();
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
    expect(accounts.reduce((sum, account) => sum + account.roles.length, 0)).toBe(10_000);
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
    // The rows follow the box through a deferred value: wait until they are this query's.
    await expect.poll(() => page.locator('[data-query]').getAttribute('data-query')).toBe('prod adm');
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
    const roleName = [...account.roles].sort((a, b) => b.length - a.length).find((role) => label.includes(role))!;
    await page.keyboard.press('Enter');
    await page.getByText(new RegExp(`Copied export lines for ${account.accountName} / ${roleName} \\(expires in (59m|1h 0m)\\)`)).waitFor();
    // Credentials the emulator issued for that role, in the page's own clipboard.
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toMatch(/^export AWS_ACCESS_KEY_ID='?ASIA/);
    const keyId = /AWS_ACCESS_KEY_ID='?(ASIA[A-Z0-9]+)/.exec(copied)?.[1] ?? '';
    expect(emu.emulator.credentialsOwner(keyId)).toMatchObject({ accountId: account.accountId, roleName });
    expect(h.clipboard).toEqual([]);
    // Copying made the role recent; it stays the active option although the list reordered.
    expect(await activeOption().getAttribute('aria-label')).toBe(label);
  });

  it('opens the console with Ctrl+Enter through window.open', async () => {
    const label = (await activeOption().getAttribute('aria-label')) ?? '';
    const account = accounts.find((a) => label.includes(a.accountId))!;
    const roleName = [...account.roles].sort((a, b) => b.length - a.length).find((role) => label.includes(role))!;
    const popup = context.waitForEvent('page');
    await page.keyboard.press('Control+Enter');
    const opened = await popup;
    // The federation sign-in lands on the emulator's console page, signed in as that role.
    await opened.locator('#account-id').waitFor();
    expect(await opened.locator('#account-id').textContent()).toBe(account.accountId);
    expect(await opened.locator('#role-name').textContent()).toBe(roleName);
    expect(new URL(opened.url()).origin).toBe(new URL(emu.emulator.url).origin);
    expect(await opened.evaluate(() => window.opener)).toBeNull();
    await opened.close();
    await page.getByText(`Opened the console for ${account.accountName} / ${roleName} in ${emu.emulator.region}`).waitFor();
    expect(h.opened).toEqual([]);
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

  it("offers a chained role's menu keep fresh (checked once kept) and remove, and none of a role's profile actions", async () => {
    const source = { instanceId: h.instanceId, accountId: accounts[0]!.accountId, roleName: accounts[0]!.roles[0]! };
    const roleArn = `arn:aws:iam::${accounts[1]!.accountId}:role/ChainedReadOnly`;
    await h.core.api['chained-roles:save']({ source, roleArn, name: 'ui-reader' });
    const search = page.getByRole('searchbox', { name: 'Search' });
    await search.fill('ui-reader');
    await expect.poll(() => page.getByRole('option').first().getAttribute('aria-label')).toContain('ui-reader');
    await search.focus();
    await page.keyboard.press('Shift+Enter');
    const fresh = page.getByRole('menuitemcheckbox', { name: 'Keep credentials fresh' });
    expect(await fresh.getAttribute('aria-checked')).toBe('false');
    expect(await page.getByRole('menuitem', { name: 'Remove chained role' }).count()).toBe(1);
    // Not an Identity Center role: no profile, alias or chain of its own from here.
    expect(await page.getByRole('menuitem', { name: 'Add as AWS profile' }).count()).toBe(0);
    await fresh.click();
    await expect.poll(() => h.core.snapshot().chainedKeepFresh).toEqual(['ui-reader']);
    await expect.poll(() => page.getByRole('menu').count()).toBe(0);
    await search.focus();
    await page.keyboard.press('Shift+Enter');
    await expect.poll(() => fresh.getAttribute('aria-checked')).toBe('true');
    await page.getByRole('menuitem', { name: 'Remove chained role' }).click();
    await expect.poll(() => h.core.snapshot()).toMatchObject({ chainedRoles: [], chainedKeepFresh: [] });
    await search.fill('');
  });

  it('shows the user code big with a countdown while signing in, and cancels', async () => {
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const code = page.getByLabel('User code');
    await code.waitFor();
    // The code the Partner emulator issued for this sign-in.
    expect(partner.emulator.pendingUserCodes()).toContain(await code.textContent());
    await page.getByText(/The code expires in (9m|10m)\./).waitFor();
    // Web mode: the page opens the verification page in its own browser; the server opens nothing.
    const popup = context.waitForEvent('page');
    await page.getByRole('button', { name: 'Open browser again' }).click();
    const opened = await popup;
    expect(opened.url()).toContain(await code.textContent());
    await opened.close();
    expect(calls).toContain('session:open-verification');
    expect(h.opened).toEqual([]);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await code.waitFor({ state: 'detached' });
  });

  it('offers PKCE as the second way in: no code, the authorize link to open (web mode opens nothing itself), and Cancel', async () => {
    await page.getByRole('button', { name: 'Sign in with browser redirect (PKCE)' }).click();
    const card = page.getByRole('region', { name: 'Signing in to Partner' });
    await card.getByText('Open the sign-in page and approve the request there.').waitFor();
    const href = (await card.getByRole('link', { name: 'Open the sign-in page' }).getAttribute('href')) ?? '';
    // The Partner emulator's authorize endpoint, with a PKCE challenge.
    expect(href.startsWith(partner.emulator.url)).toBe(true);
    expect(new URL(href).searchParams.get('code_challenge_method')).toBe('S256');
    expect(await card.getByLabel('User code').count()).toBe(0);
    await card.getByRole('button', { name: 'Cancel' }).click();
    await card.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Sign in with browser redirect (PKCE)' }).waitFor();
  });

  it('validates a new instance with the core schema, and shows server errors in words', async () => {
    await page.getByRole('button', { name: 'Preferences' }).click();
    const adds = () => calls.filter((call) => call === 'instance:add').length;
    const addsBefore = adds();
    await page.getByRole('button', { name: 'Add an instance…' }).click();
    await page.getByLabel('AWS access portal URL').fill('http://sso.example.com/start');
    await page.getByLabel('Region', { exact: true }).fill('mars-north-1');
    await page.getByRole('button', { name: 'Add instance' }).click();
    await page.getByText('The start URL must use https').waitFor();
    await page.getByText('not an AWS region name').waitFor();
    expect(adds()).toBe(addsBefore);

    await page.getByLabel('AWS access portal URL').fill(emu.emulator.startUrl);
    await page.getByLabel('Region', { exact: true }).fill(emu.emulator.region);
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
    // The token the emulator issued at sign-in, SESSION_SECONDS long; some minutes have passed since.
    const expiresAt = h.view().session.expiresAt ?? 0;
    const minutesLeft = Math.floor((expiresAt - h.clock.now()) / 60_000);
    const shown = /Acme: Session (\d+)h (\d+)m/.exec((await page.locator('.status-bar').textContent()) ?? '');
    expect(shown).not.toBeNull();
    const shownMinutes = Number(shown![1]) * 60 + Number(shown![2]);
    expect(shownMinutes).toBeGreaterThanOrEqual(minutesLeft - 1);
    expect(shownMinutes).toBeLessThanOrEqual(minutesLeft + 1);
    expect(shownMinutes).toBeLessThanOrEqual(7 * 60 + 12);
  });
});
