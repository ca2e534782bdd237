import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnRolecall } from './support/cli-process';
import { ensureRendererBuilt } from './support/renderer';
import { createSandbox } from './support/sandbox';
import type { Sandbox } from './support/sandbox';

/**
 * The README's run command on a machine without a display: `npm run demo` (here with
 * --exit) starts the emulator, signs in by itself, lists the directory, prints working
 * credentials and a console URL, then stops with exit 0 — without touching the user's ~/.aws.
 */
describe('npm run demo without a display', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await createSandbox('demo');
    // Built once by the e2e lock, so the demo finds the UI current instead of rebuilding it under other specs.
    await ensureRendererBuilt();
  }, 120_000);

  afterAll(async () => {
    await sandbox?.remove();
  });

  it('walks through sign-in, listing and credentials in the terminal', async () => {
    const demo = spawnRolecall(['demo', '--exit'], sandbox.env);
    const { code } = await Promise.race([
      demo.exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`demo did not finish: ${demo.stderr()}`)), 90_000)),
    ]);
    const log = demo.stderr();
    expect(code, log).toBe(0);
    expect(log).toMatch(/Emulator \(IAM Identity Center on your machine\): http:\/\/127\.0\.0\.1:\d+/);
    expect(log).toMatch(/Rolecall: http:\/\/127\.0\.0\.1:\d+\/\?k=/);
    expect(log).toMatch(/clicks Allow for code [A-Z]{4}-[A-Z]{4}/);
    expect(log).toMatch(/300 accounts, \d+ roles/);
    expect(log).toMatch(/export AWS_ACCESS_KEY_ID='?ASIA[A-Z0-9]+/);
    expect(log).toMatch(/export AWS_SESSION_TOKEN=/);
    expect(log).toMatch(/federation\?Action=login&Issuer=Rolecall&Destination=/);
    // The demo keeps its own throwaway home: the user's ~/.aws and config dir stay untouched.
    expect(existsSync(join(sandbox.env.HOME, '.aws'))).toBe(false);
    expect(existsSync(sandbox.env.ROLECALL_HOME)).toBe(false);
  }, 120_000);
});
