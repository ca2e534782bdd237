import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory } from '../emulator/directory-seed';
import { openAppPage } from './support/browser';
import { addInstanceThroughForm, evaluatePosixExports, signInThroughVerificationPage } from './support/flows';
import { defaultDirectory, startHarness } from './support/harness';
import type { Harness } from './support/harness';
import { waitUntil } from './support/wait';

/**
 * Account aliases and instance renames in Chromium against the real core and emulator: an
 * alias set from the role menu with the keyboard makes "pp adm" + Enter copy prod-payments /
 * AdministratorAccess (the emulator confirms whose keys they are), and a new sso-session
 * name in Preferences moves the shared AWS CLI cache file. One page, in order, as a person
 * would use it.
 */

const directory = generateDirectory(defaultDirectory);
const prodPayments = directory[0]!;
const roleCount = directory.reduce((sum, account) => sum + account.roles.length, 0);

/** Where botocore looks for an sso-session's token: ~/.aws/sso/cache/<sha1(name)>.json. */
const cacheFileOf = (home: string, sessionName: string): string =>
  join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update(sessionName, 'utf8').digest('hex')}.json`);

let harness: Harness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
let offHostRequests: string[];

/** Opens the role menu of the active option with Shift+Enter and picks "Set account alias…" with the keyboard. */
const openAliasEditor = async (): Promise<void> => {
  await page.keyboard.press('Shift+Enter');
  const menu = page.getByRole('menu', { name: `Actions for prod-payments / AdministratorAccess` });
  await menu.waitFor();
  // Walk the menu with the arrow keys from the first item to the alias item (bounded: the menu is short).
  await page.keyboard.press('Home');
  for (let step = 0; step < 12; step++) {
    if ((await page.evaluate(() => document.activeElement?.textContent)) === 'Set account alias…') break;
    await page.keyboard.press('ArrowDown');
  }
  await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Set account alias…');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Account alias for prod-payments' }).waitFor();
};

describe('account aliases and sso-session renames in Chromium, against the emulator', () => {
  beforeAll(async () => {
    harness = await startHarness({ prefix: 'aliases' });
    ({ browser, context, offHostRequests, page, pageErrors } = await openAppPage(harness));
    await addInstanceThroughForm(page, harness.emulator, 'Emulator');
    await signInThroughVerificationPage(page, context);
    const search = page.getByRole('searchbox', { name: 'Search' });
    const everyRole = `Search ${roleCount} roles — account, id, e-mail or role`;
    await waitUntil(async () => (await search.getAttribute('placeholder')) === everyRole, 'the whole directory in the search box', 15_000);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('sets the alias "pp" on prod-payments from the role menu, keyboard only (Escape cancels, Enter saves)', async () => {
    expect(prodPayments.accountName).toBe('prod-payments');
    const search = page.getByRole('searchbox', { name: 'Search' });
    await search.fill('prod-payments administrator');
    const first = page.getByRole('option').first();
    await expect.poll(() => first.getAttribute('aria-label')).toBe(`AdministratorAccess, prod-payments, ${prodPayments.accountId}`);

    // Escape leaves everything as it was and gives the search box its focus back.
    await openAliasEditor();
    await page.keyboard.type('not this one');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(harness.core.snapshot().aliases).toEqual({});
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Search');

    await openAliasEditor();
    await page.keyboard.type('pp');
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText('Alias “pp” set for prod-payments').waitFor();
    expect(harness.core.snapshot().aliases).toEqual({ [`${harness.core.snapshot().instances[0]!.id}/${prodPayments.accountId}`]: 'pp' });
    // The directory shows it next to the account name, and the option's name carries it.
    await page.locator('.row-account', { hasText: 'prod-payments' }).locator('.alias', { hasText: 'pp' }).waitFor();
    await expect
      .poll(() => first.getAttribute('aria-label'))
      .toBe(`AdministratorAccess, prod-payments, alias pp, ${prodPayments.accountId}`);
  });

  it('"pp adm" + Enter copies AdministratorAccess of prod-payments: the emulator issued those keys for that account and role', async () => {
    const search = page.getByRole('searchbox', { name: 'Search' });
    await search.fill('');
    await search.click();
    await page.keyboard.type('pp adm');
    const first = page.getByRole('option').first();
    await expect
      .poll(() => first.getAttribute('aria-label'))
      .toBe(`AdministratorAccess, prod-payments, alias pp, ${prodPayments.accountId}`);
    expect(await first.getAttribute('aria-selected')).toBe('true');

    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .getByText(/^Copied export lines for prod-payments \/ AdministratorAccess \(expires in (59m|1h 0m)\)$/)
      .waitFor();
    const text = await page.evaluate(() => navigator.clipboard.readText());
    const vars = await evaluatePosixExports(text, ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']);
    expect(harness.emulator.credentialsOwner(vars.AWS_ACCESS_KEY_ID!)).toMatchObject({
      accountId: prodPayments.accountId,
      roleName: 'AdministratorAccess',
    });
  });

  it('renames the sso-session in Preferences: client-side validation first, then the AWS CLI cache file moves to the new name', async () => {
    const home = harness.sandbox.env.HOME;
    const before = harness.core.snapshot().instances[0]!.ssoSessionName;
    const oldFile = cacheFileOf(home, before);
    const newFile = cacheFileOf(home, 'rolecall-renamed');
    // The device sign-in wrote the shared cache entry under the old name.
    expect(existsSync(oldFile)).toBe(true);
    expect(existsSync(newFile)).toBe(false);

    await page.getByRole('button', { name: 'Preferences' }).click();
    await page.getByRole('button', { name: 'Edit Emulator' }).click();
    const form = page.getByRole('form', { name: 'Edit Emulator' });
    const sessionName = form.getByLabel('sso-session name');
    await expect.poll(() => sessionName.inputValue()).toBe(before);

    // Not a name the AWS CLI accepts: said in words, nothing sent.
    await sessionName.fill('my session!');
    await sessionName.press('Enter');
    await form.getByText('Not a valid sso-session name: use letters, digits, ".", "_" or "-".').waitFor();
    expect(await sessionName.getAttribute('aria-invalid')).toBe('true');
    expect(harness.core.snapshot().instances[0]!.ssoSessionName).toBe(before);

    await sessionName.fill('rolecall-renamed');
    await sessionName.press('Enter');
    await form.waitFor({ state: 'detached' });
    await page
      .locator('.instance-row')
      .getByText(/sso-session rolecall-renamed/)
      .waitFor();
    expect(harness.core.snapshot().instances[0]!.ssoSessionName).toBe('rolecall-renamed');
    await expect.poll(() => existsSync(newFile)).toBe(true);
    expect(existsSync(oldFile)).toBe(false);
  });

  it('ran without page errors, console errors or requests off 127.0.0.1', () => {
    expect(pageErrors).toEqual([]);
    expect(offHostRequests).toEqual([]);
    expect(harness.serverLog).toEqual([]);
  });
});
