import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory } from '../emulator/directory-seed';
import { openAppPage } from './support/browser';
import { addInstanceThroughForm, evaluatePosixExports, signInThroughVerificationPage } from './support/flows';
import { defaultDirectory, startHarness } from './support/harness';
import type { Harness } from './support/harness';

/**
 * The web UI in Chromium against the real core and the real emulator: device sign-in through
 * the emulator's own verification page, "prod adm" + Enter into the page clipboard, and
 * Ctrl+Enter into the emulator's fake console. The tests run in order on one page, as a
 * person would use it.
 */

const directory = generateDirectory(defaultDirectory);
const prodPayments = directory[0]!;
const roleCount = directory.reduce((sum, account) => sum + account.roles.length, 0);

let harness: Harness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
let offHostRequests: string[];

describe('rolecall web in Chromium, against the emulator', () => {
  beforeAll(async () => {
    harness = await startHarness({ prefix: 'web-app' });
    ({ browser, context, offHostRequests, page, pageErrors } = await openAppPage(harness));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('signs in through the real device flow: the code in the app, Allow on the verification page, then the directory', async () => {
    expect(prodPayments.accountName).toBe('prod-payments');
    await addInstanceThroughForm(page, harness.emulator, 'Emulator');
    const signIn = await signInThroughVerificationPage(page, context);

    expect(signIn.appCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(signIn.pageCode).toBe(signIn.appCode);
    expect(new URL(signIn.link).origin).toBe(harness.emulator.url);
    expect(new URL(signIn.link).searchParams.get('user_code')).toBe(signIn.appCode);

    // The whole directory arrived: the search counts every role, and account 0 is listed.
    const search = page.getByRole('searchbox', { name: 'Search' });
    await expect
      .poll(() => search.getAttribute('placeholder'), { timeout: 15_000 })
      .toBe(`Search ${roleCount} roles — account, id, e-mail or role`);
    // Every option on screen is a role the emulator assigned, named by role, account and id.
    const expected = new Set(
      directory.flatMap((account) => account.roles.map((role) => `${role}, ${account.accountName}, ${account.accountId}`)),
    );
    const labels = await page
      .getByRole('listbox', { name: 'Roles' })
      .getByRole('option')
      .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label')));
    expect(labels.length).toBeGreaterThan(5);
    expect(labels.filter((label) => !expected.has(label ?? ''))).toEqual([]);
    expect(await page.locator('.status-bar').textContent()).toMatch(/Session 7h 59m/);
    // The sign-in went through the page, not a system browser the core opened.
    expect(harness.opened).toEqual([]);
  });

  it('copies "prod adm" with Enter: valid export lines whose key the emulator issued for prod-payments / AdministratorAccess', async () => {
    const search = page.getByRole('searchbox', { name: 'Search' });
    await search.click();
    await page.keyboard.type('prod adm');
    const first = page.getByRole('option').first();
    await expect.poll(() => first.getAttribute('aria-label')).toBe(`AdministratorAccess, prod-payments, ${prodPayments.accountId}`);
    expect(await first.getAttribute('aria-selected')).toBe('true');

    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .getByText(/^Copied export lines for prod-payments \/ AdministratorAccess \(expires in (59m|1h 0m)\)$/)
      .waitFor();

    const text = await page.evaluate(() => navigator.clipboard.readText());
    const lines = text.trimEnd().split('\n');
    expect(lines.map((line) => /^export ([A-Z_]+)=/.exec(line)?.[1])).toEqual([
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_CREDENTIAL_EXPIRATION',
    ]);
    const vars = await evaluatePosixExports(text, [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_CREDENTIAL_EXPIRATION',
    ]);
    expect(vars.AWS_ACCESS_KEY_ID).toMatch(/^ASIA[A-Z0-9]{12,}$/);
    expect(vars.AWS_SECRET_ACCESS_KEY?.length).toBeGreaterThanOrEqual(20);
    expect(vars.AWS_SESSION_TOKEN?.length).toBeGreaterThanOrEqual(20);

    const owner = harness.emulator.credentialsOwner(vars.AWS_ACCESS_KEY_ID!);
    expect(owner).toMatchObject({ accountId: prodPayments.accountId, roleName: 'AdministratorAccess' });
    expect(vars.AWS_CREDENTIAL_EXPIRATION).toBe(new Date(Math.floor(owner!.expiration / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
    // Web mode: the page's clipboard got the text, the process clipboard nothing.
    expect(harness.processClipboard).toEqual([]);
    // The credentials show as active with their countdown, and never as text in the page.
    await page.locator('.status-bar .chip').filter({ hasText: 'prod-payments · AdministratorAccess — 59m' }).waitFor();
    expect(await page.content()).not.toContain(vars.AWS_SECRET_ACCESS_KEY!);
  });

  it('opens the console with Ctrl+Enter: the emulator console shows the account, role and region', async () => {
    const search = page.getByRole('searchbox', { name: 'Search' });
    await search.fill('payments readonly');
    const first = page.getByRole('option').first();
    await expect.poll(() => first.getAttribute('aria-label')).toBe(`ReadOnlyAccess, prod-payments, ${prodPayments.accountId}`);

    const popup = context.waitForEvent('page', { timeout: 10_000 });
    await search.press('Control+Enter');
    const consolePage = await popup;
    await consolePage.waitForLoadState('load');
    await consolePage.locator('#account-id').waitFor();
    expect(new URL(consolePage.url()).origin).toBe(harness.emulator.url);
    expect(await consolePage.locator('#account-id').textContent()).toBe(prodPayments.accountId);
    expect(await consolePage.locator('#role-name').textContent()).toBe('ReadOnlyAccess');
    expect(await consolePage.locator('#region').textContent()).toBe(harness.emulator.region);
    expect(await consolePage.evaluate(() => window.opener)).toBeNull();
    await consolePage.close();

    await page.getByText(`Opened the console for prod-payments / ReadOnlyAccess in ${harness.emulator.region}`).waitFor();
    expect(harness.opened).toEqual([]);
  });

  it('a new load paints the roles from the page storage while the bridge says nothing', async () => {
    // A second tab of the same session whose socket reaches no server: it opens, and nothing ever comes back.
    const held = await context.newPage();
    try {
      await held.routeWebSocket(/\/bridge$/, () => undefined);
      await held.goto(page.url());
      const search = held.getByRole('searchbox', { name: 'Search' });
      await expect.poll(() => search.getAttribute('placeholder')).toBe(`Search ${roleCount} roles — account, id, e-mail or role`);
      // Searchable too, before any answer.
      await search.fill('payments readonly');
      const first = held.getByRole('listbox', { name: 'Roles' }).getByRole('option').first();
      await expect.poll(() => first.getAttribute('aria-label')).toBe(`ReadOnlyAccess, prod-payments, ${prodPayments.accountId}`);
    } finally {
      await held.close();
    }
  });

  it('ran without page errors, console errors or requests off 127.0.0.1', () => {
    expect(pageErrors).toEqual([]);
    expect(offHostRequests).toEqual([]);
    expect(harness.serverLog).toEqual([]);
  });
});
