import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium, newAppContext } from './support/browser';
import { addInstanceThroughForm } from './support/flows';
import { startHarness } from './support/harness';
import type { Harness } from './support/harness';
import { waitUntil } from './support/wait';

/**
 * Pictures of the main screens, light and dark, for a person to look at:
 * e2e/artifacts/screens/<screen>.<scheme>.png (git-ignored). Each pair also proves the theme
 * follows the OS: the two pictures of one screen have different backgrounds.
 */

const artifacts = join(import.meta.dirname, 'artifacts', 'screens');
const schemes = ['light', 'dark'] as const;

let harness: Harness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
const saved: string[] = [];

/** Screenshots the page as it is now in both schemes, and returns the two background colours. */
const capture = async (screen: string): Promise<string[]> => {
  const backgrounds: string[] = [];
  for (const colorScheme of schemes) {
    await page.emulateMedia({ colorScheme });
    backgrounds.push(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
    const path = join(artifacts, `${screen}.${colorScheme}.png`);
    await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
    saved.push(path);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return backgrounds;
};

/** Closes every notice and toast on screen. */
const dismissAll = async (): Promise<void> => {
  const dismiss = page.locator('.notice, .toast').getByRole('button', { name: 'Dismiss' });
  await waitUntil(
    async () => {
      if ((await dismiss.count()) === 0) return true;
      await dismiss
        .first()
        .click({ timeout: 2_000 })
        .catch(() => undefined);
      return undefined;
    },
    'every notice and toast to close',
    10_000,
  );
};

describe('screenshots of the main screens (light and dark)', () => {
  beforeAll(async () => {
    await mkdir(artifacts, { recursive: true });
    harness = await startHarness({ prefix: 'screens' });
    browser = await launchChromium(harness.sandbox.env);
    ({ context } = await newAppContext(browser, harness.origin, { colorScheme: 'light' }));
    page = await context.newPage();
    pageErrors = collectPageErrors(page);
    await page.goto(harness.url);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('welcome: add an Identity Center instance', async () => {
    await page.getByRole('heading', { name: 'Add your IAM Identity Center' }).waitFor();
    const [light, dark] = await capture('welcome');
    expect(light).not.toBe(dark);
  });

  it('sign-in: the user code big, with the verification link', async () => {
    await addInstanceThroughForm(page, harness.emulator, 'Acme (emulator)');
    await dismissAll();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const code = page.getByLabel('User code');
    await code.waitFor();
    await page.getByText('Waiting for you to allow access…', { exact: false }).waitFor();
    const [light, dark] = await capture('sign-in-code');
    expect(light).not.toBe(dark);
    harness.emulator.approveDevice(((await code.textContent()) ?? '').trim());
    await code.waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('directory: search results grouped by account, with a copied role in the status bar', async () => {
    const search = page.getByRole('searchbox', { name: 'Search' });
    await expect.poll(() => search.getAttribute('placeholder')).toMatch(/^Search \d+ roles/);
    await search.fill('prod adm');
    await expect.poll(() => page.getByRole('option').first().getAttribute('aria-label')).toMatch(/^AdministratorAccess, prod-payments/);
    await search.press('Enter');
    await page.getByText(/^Copied export lines for prod-payments/).waitFor();
    await search.fill('prod');
    await expect.poll(() => page.getByRole('option').count()).toBeGreaterThan(3);
    // Notices ("Signed in to …") and the copy toast come and go with time: close them so both
    // pictures show the same thing.
    await dismissAll();
    const [light, dark] = await capture('directory-search');
    expect(light).not.toBe(dark);
  });

  it('role menu: the other formats and actions (Shift+Enter)', async () => {
    await page.getByRole('searchbox', { name: 'Search' }).press('Shift+Enter');
    await page.getByRole('menu').waitFor();
    const [light, dark] = await capture('role-menu');
    expect(light).not.toBe(dark);
    await page.keyboard.press('Escape');
    await page.getByRole('menu').waitFor({ state: 'detached' });
  });

  it('preferences', async () => {
    await page.getByRole('button', { name: 'Preferences' }).click();
    await page.getByLabel('Default copy format').waitFor();
    const [light, dark] = await capture('preferences');
    expect(light).not.toBe(dark);
  });

  it('wrote every picture, without page errors', async () => {
    expect(saved).toHaveLength(10);
    for (const path of saved) expect((await stat(path)).size).toBeGreaterThan(5_000);
    expect(pageErrors).toEqual([]);
  });
});
