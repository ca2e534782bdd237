import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium, newAppContext } from './support/browser';
import { addInstanceThroughForm, signInThroughVerificationPage } from './support/flows';
import { startHarness } from './support/harness';
import type { Harness } from './support/harness';

/**
 * A session that cannot be refreshed (2-minute access token, no refresh token) seen through
 * the web UI: the countdown, the "ends in" warning, the end of the session, and a revoked
 * token, all with the real core and emulator. One AdjustableClock drives the emulator and
 * the core, Playwright's clock drives the page, and `jump` moves all three together.
 */

let harness: Harness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

const statusBar = () => page.locator('.status-bar .sessions');

/** Two minutes later everywhere at once: emulator and core, then the page. */
const jump = async (ms: number): Promise<void> => {
  harness.clock.advance(ms);
  await page.clock.fastForward(ms);
};

describe('session expiry in the web UI', () => {
  beforeAll(async () => {
    harness = await startHarness({ prefix: 'expiry', emulator: { accessTokenTtlSeconds: 120, issueRefreshTokens: false } });
    browser = await launchChromium(harness.sandbox.env);
    ({ context } = await newAppContext(browser, harness.origin));
    page = await context.newPage();
    pageErrors = collectPageErrors(page);
    // The page's countdowns use its own Date.now and timers; Playwright's clock lets the test move them.
    await page.clock.install();
    await page.goto(harness.url);
    await addInstanceThroughForm(page, harness.emulator, 'Emulator');
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('shows the 2-minute countdown and the "ends in" warning right after sign-in', async () => {
    await signInThroughVerificationPage(page, context);
    // 120 s minus the sign-in round trips: minutes round down, so "1m".
    await expect.poll(() => statusBar().textContent()).toBe('Session 1m');
    expect(await statusBar().locator('.status-item').getAttribute('class')).toContain('urgency-soon');
    await page.locator('.notice.warning').getByText('Your Emulator session ends in 2 minutes; sign in again.').waitFor();
    expect(harness.notifications.map((n) => n.title)).toContain('Session ending soon');
  });

  it('counts down in seconds in the last minute', async () => {
    await jump(65_000);
    await expect.poll(() => statusBar().textContent()).toMatch(/^Session [1-5]\ds$/);
    expect(await statusBar().locator('.status-item').getAttribute('class')).toContain('urgency-imminent');
    const before = Number(/(\d+)s/.exec((await statusBar().textContent()) ?? '')?.[1]);
    await jump(5_000);
    await expect.poll(async () => Number(/(\d+)s/.exec((await statusBar().textContent()) ?? '')?.[1])).toBeLessThanOrEqual(before - 5);
  });

  it('marks the session ended when the clock passes expiry, and offers Sign in', async () => {
    await jump(60_000);
    const prompt = page.getByRole('region', { name: 'Emulator: Session expired' });
    await prompt.waitFor();
    expect(await prompt.getByRole('button', { name: 'Sign in', exact: true }).isEnabled()).toBe(true);
    await page.locator('.notice').getByText('Your Emulator session has ended; sign in again.').first().waitFor();
    expect(await statusBar().textContent()).toBe('Session expired');
  });

  it('after a revocation, the next copy shows signed out and offers Sign in again', async () => {
    // Sign in again from the prompt: a fresh 2-minute session on the moved clock.
    await signInThroughVerificationPage(page, context);
    await expect.poll(() => statusBar().textContent()).toBe('Session 1m');

    harness.emulator.revokeAll();
    await page.getByRole('searchbox', { name: 'Search' }).fill('prod adm');
    await expect.poll(() => page.getByRole('option').first().getAttribute('aria-label')).toMatch(/^AdministratorAccess, prod-payments, /);
    await page.getByRole('searchbox', { name: 'Search' }).press('Enter');

    const prompt = page.getByRole('region', { name: 'Emulator: Session expired' });
    await prompt.waitFor();
    expect(await prompt.getByRole('alert').textContent()).toBe(
      'Your Emulator session is no longer valid (revoked or expired); sign in again.',
    );
    await prompt.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    // The failed copy says why, in words, as an error toast.
    await page.locator('.toast.error').getByText('You are signed out of Emulator; sign in again').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText().catch(() => ''))).not.toMatch(/AWS_ACCESS_KEY_ID/);
  });

  it('did not crash: no page errors or console errors', () => {
    expect(pageErrors).toEqual([]);
    expect(harness.serverLog).toEqual([]);
  });
});
