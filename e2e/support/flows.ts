import { execFile } from 'node:child_process';
import type { BrowserContext, Page } from 'playwright-core';
import type { RunningEmulator } from '../../emulator/options';

/** Adds the emulator as an instance through the welcome form, the way a new user would. */
export const addInstanceThroughForm = async (page: Page, emulator: RunningEmulator, label: string): Promise<void> => {
  await page.getByRole('heading', { name: 'Add your IAM Identity Center' }).waitFor();
  await page.getByLabel('AWS access portal URL').fill(emulator.startUrl);
  await page.getByLabel('Region', { exact: true }).fill(emulator.region);
  await page.getByLabel('Name (optional)').fill(label);
  await page.getByText('Advanced').click();
  await page.getByLabel('Endpoint override').fill(emulator.url);
  await page.getByRole('button', { name: 'Add instance' }).click();
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
};

export interface DeviceSignIn {
  /** The code the app showed. */
  readonly appCode: string;
  /** The verification link the app showed. */
  readonly link: string;
  /** The code the emulator's verification page asked the person to confirm. */
  readonly pageCode: string;
}

/**
 * Clicks "Sign in with a device code", reads the user code and the verification link off the app, opens that
 * link in a second tab of the same browser, confirms on the emulator's page with Allow, and
 * waits until the app has left the code screen.
 */
export const signInThroughVerificationPage = async (page: Page, context: BrowserContext): Promise<DeviceSignIn> => {
  // The device code by name: "Sign in" is PKCE wherever the core can open a browser.
  await page.getByRole('button', { name: 'Sign in with a device code', exact: true }).click();
  const code = page.getByLabel('User code');
  await code.waitFor();
  const appCode = ((await code.textContent()) ?? '').trim();
  const link = (await page.locator('.sign-in-card .verification a').getAttribute('href')) ?? '';
  const verification = await context.newPage();
  try {
    await verification.goto(link);
    const pageCode = ((await verification.locator('#user-code').textContent()) ?? '').trim();
    await verification.locator('#allow').click();
    await verification.locator('#result[data-result="approved"]').waitFor();
    await code.waitFor({ state: 'detached', timeout: 15_000 });
    return { appCode, link, pageCode };
  } finally {
    await verification.close();
  }
};

/**
 * Runs copied `export` lines in a real POSIX shell (`sh -eu`) and returns the variables they
 * set: the proof that the text pastes into a terminal as-is, quoting included.
 */
export const evaluatePosixExports = (text: string, names: readonly string[]): Promise<Record<string, string>> => {
  const script = `${text}\n${names.map((name) => `printf '%s\\0' "\${${name}}"`).join('\n')}\n`;
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-euc', script], { env: { PATH: '/usr/bin:/bin' }, timeout: 5_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`sh rejected the copied lines: ${stderr || error.message}`));
      const values = stdout.split('\0');
      resolve(Object.fromEntries(names.map((name, index) => [name, values[index] ?? ''])));
    });
  });
};
