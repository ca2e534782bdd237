import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_FIXTURE } from '../app/aws-config/test-support/import-fixture';
import { collectPageErrors, launchChromium, newAppContext } from './support/browser';
import { spawnRolecall } from './support/cli-process';
import type { RolecallProcess } from './support/cli-process';
import { ensureRendererBuilt } from './support/renderer';
import { createSandbox } from './support/sandbox';
import type { Sandbox } from './support/sandbox';

/**
 * The first start of `rolecall web` for a user who already has the AWS CLI set up: the
 * welcome view offers the set-ups of ~/.aws/config, one click adds them, and the config file
 * is left byte for byte as it was. (No cached tokens here: a signed-in import would sync
 * against AWS itself, and this suite talks to 127.0.0.1 only.)
 */

let sandbox: Sandbox;
let browser: Browser | undefined;
let web: RolecallProcess | undefined;

describe('importing from the AWS CLI config in the UI', () => {
  beforeAll(async () => {
    await ensureRendererBuilt();
    sandbox = await createSandbox('import');
    await mkdir(dirname(sandbox.env.AWS_CONFIG_FILE), { recursive: true });
    await writeFile(sandbox.env.AWS_CONFIG_FILE, IMPORT_FIXTURE);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (web && web.child.exitCode === null && web.child.signalCode === null) await web.stop('SIGKILL').catch(() => undefined);
    await sandbox?.remove();
  });

  it('offers the set-ups on the welcome view and adds them with one click', async () => {
    web = spawnRolecall(['web', '--port', '0'], sandbox.env);
    const url = new URL((JSON.parse(await web.firstLine(30_000)) as { url: string }).url);
    browser = await launchChromium(sandbox.env);
    const { context, offHostRequests } = await newAppContext(browser, url.origin);
    const page = await context.newPage();
    const pageErrors = collectPageErrors(page);
    await page.goto(url.href);

    const offer = page.getByRole('region', { name: 'Import from AWS CLI config' });
    await offer.waitFor({ timeout: 15_000 });
    expect(await offer.getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('corp'),
      expect.stringContaining('d-2222222222'),
    ]);
    await offer.getByRole('button', { name: 'Import these 2' }).click();

    // Both arrive as instances waiting for a sign-in; the welcome form and the offer are gone.
    await page.getByRole('region', { name: 'corp: Signed out' }).waitFor({ timeout: 15_000 });
    await page.getByRole('region', { name: 'd-2222222222: Signed out' }).waitFor();
    expect(await offer.count()).toBe(0);
    expect(await readFile(sandbox.env.AWS_CONFIG_FILE, 'utf8')).toBe(IMPORT_FIXTURE);
    expect(pageErrors).toEqual([]);
    expect(offHostRequests).toEqual([]);
  }, 60_000);
});
