import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSsoCache } from '../aws-cli-cache/sso-cache';
import { IMPORT_FIXTURE } from '../aws-config/test-support/import-fixture';
import { startEmulatedCore, startTestEmulator, waitUntil } from './test-support/emulated-core';
import type { EmulatedCore, TestEmulator } from './test-support/emulated-core';

let test: TestEmulator;
const cores: EmulatedCore[] = [];
const open = async (options: Parameters<typeof startEmulatedCore>[1]) => {
  const core = await startEmulatedCore(test, options);
  cores.push(core);
  return core;
};

beforeAll(async () => {
  test = await startTestEmulator({ directory: { accounts: 1, rolesPerAccount: 1, seed: 5 } });
});
afterAll(async () => {
  for (const core of cores) await core.close();
  await test?.close();
});

describe('the default sign-in flow', () => {
  it('is PKCE in the desktop app (a browser opens on this machine)', async () => {
    const h = await open({ shell: 'desktop', signIn: false, core: { autoSync: false, openVerification: false } });
    await h.core.api['session:sign-in']({ instanceId: h.instanceId });
    expect(await waitUntil(() => h.view().session.signIn?.flow, 'a sign-in')).toBe('pkce');
    await h.core.api['session:cancel-sign-in']({ instanceId: h.instanceId });
  });

  it('is the device code where the core cannot open a browser, unless PKCE is asked for', async () => {
    const h = await open({ shell: 'web', signIn: false, core: { autoSync: false, openVerification: false, defaultSignInFlow: 'device' } });
    await h.core.api['session:sign-in']({ instanceId: h.instanceId });
    expect(await waitUntil(() => h.view().session.signIn?.flow, 'a sign-in')).toBe('device');
    await h.core.api['session:cancel-sign-in']({ instanceId: h.instanceId });
    await waitUntil(() => h.view().session.signIn === undefined || undefined, 'the cancel');
    await h.core.api['session:sign-in']({ instanceId: h.instanceId, flow: 'pkce' });
    expect(await waitUntil(() => h.view().session.signIn?.flow, 'a sign-in')).toBe('pkce');
    await h.core.api['session:cancel-sign-in']({ instanceId: h.instanceId });
  });
});

describe('aws-config:import-setups', () => {
  it('keeps a valid AWS CLI token as the instance sign-in even with AWS CLI interop off, and reads the config only', async () => {
    // No sync: the imported portals are not on 127.0.0.1.
    const h = await open({ signIn: false, core: { autoSync: false, openVerification: false } });
    await h.core.api['preferences:update']({ awsCliInterop: false });
    const home = dirname(h.configDir);
    const env = { HOME: home };
    await mkdir(join(home, '.aws'), { recursive: true });
    await writeFile(join(home, '.aws', 'config'), IMPORT_FIXTURE);
    const now = test.clock.now();
    await writeSsoCache({
      env,
      sessionName: 'corp',
      token: { startUrl: 'https://d-1111111111.awsapps.com/start', region: 'eu-west-1', accessToken: 'valid', expiresAt: now + 3_600_000 },
    });
    await writeSsoCache({
      env,
      sessionName: 'https://d-2222222222.awsapps.com/start',
      token: { startUrl: 'https://d-2222222222.awsapps.com/start', region: 'us-west-2', accessToken: 'old', expiresAt: now - 1_000 },
    });

    const found = await h.core.api['aws-config:find-setups'](undefined);
    expect(found.setups.map((setup) => [setup.name, setup.cachedToken])).toEqual([
      ['corp', 'valid'],
      ['d-2222222222', 'expired'],
    ]);
    const result = await h.core.api['aws-config:import-setups']({});
    expect(result.imported.map((entry) => [entry.label, entry.signedIn])).toEqual([
      ['corp', true],
      ['d-2222222222', false],
    ]);
    const status = (label: string) => h.core.snapshot().instances.find((instance) => instance.label === label)?.session.status;
    expect(status('corp')).toBe('signed-in');
    expect(status('d-2222222222')).not.toBe('signed-in');
    expect(await readFile(join(home, '.aws', 'config'), 'utf8')).toBe(IMPORT_FIXTURE);

    // Asking again adds nothing: both are configured now.
    const again = await h.core.api['aws-config:import-setups']({ names: ['corp', 'nope'] });
    expect(again.imported).toEqual([]);
    expect(again.skipped.map((entry) => entry.reason)).toEqual([
      `No Identity Center set-up called "nope" is in ${join(home, '.aws', 'config')}.`,
      'corp is already configured as "corp".',
    ]);
  });
});
