import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryFile } from '../emulator/options';
import { openAppPage } from './support/browser';
import { addInstanceThroughForm, signInThroughVerificationPage } from './support/flows';
import { startHarness } from './support/harness';
import type { Harness } from './support/harness';
import { waitUntil } from './support/wait';

/**
 * Account names an AWS administrator could type, shown in Chromium: a right-to-left
 * override that disguises a name, escape sequences, line breaks, NUL, a 1 kB name. The UI
 * must show each one inert (escaped, isolated) and one row per role.
 */
const HOSTILE = ['invoice\u202egnp.exe', 'prod\x1b]52;c;ZXZpbA==\x07', 'ops\r\nfake 999999999999', 'nul\x00name', 'x'.repeat(1024)];
const directory: DirectoryFile = {
  accounts: HOSTILE.map((accountName, index) => ({
    accountId: String(300000000000 + index),
    accountName,
    emailAddress: `hostile${index}@example.com`,
    roles: ['ReadOnlyAccess'],
  })),
};
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let harness: Harness;
let browser: Browser;
let page: Page;
let pageErrors: string[];

describe('hostile account names in the UI', () => {
  beforeAll(async () => {
    harness = await startHarness({ prefix: 'hostile', emulator: { directory } });
    let context: BrowserContext;
    ({ browser, context, page, pageErrors } = await openAppPage(harness));
    await addInstanceThroughForm(page, harness.emulator, 'Emulator');
    await signInThroughVerificationPage(page, context);
    const search = page.getByRole('searchbox', { name: 'Search' });
    await waitUntil(
      async () => (await search.getAttribute('placeholder'))?.startsWith(`Search ${HOSTILE.length} roles`),
      'the directory in the search box',
      20_000,
    );
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('shows every name escaped and isolated, one row per role', async () => {
    const names = await page
      .locator('.account-name')
      .evaluateAll((nodes) => nodes.map((node) => ({ text: node.textContent ?? '', isolated: node.querySelector('bdi') !== null })));
    expect(names.length).toBe(HOSTILE.length);
    for (const name of names) {
      expect(name.text).not.toMatch(RAW);
      expect(name.isolated).toBe(true);
    }
    expect(names.map((name) => name.text)).toContain('invoice\\u202egnp.exe');
    expect(await page.getByRole('option').count()).toBe(HOSTILE.length);
    expect(pageErrors).toEqual([]);
  });
});
