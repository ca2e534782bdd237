import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../emulator/server';
import type { RunningEmulator } from '../emulator/options';
import { DEVICE_CODE_WARNING, chooseFlow } from './commands/login';
import { isolatedCliEnv, loginThroughCli } from './test-support/run-cli';

describe('chooseFlow (the AWS CLI 2.22+ defaults)', () => {
  it('uses PKCE where a browser opens here and the device code elsewhere', () => {
    expect(chooseFlow({ pkce: false, deviceCode: false }, true)).toBe('pkce');
    expect(chooseFlow({ pkce: false, deviceCode: false }, false)).toBe('device');
  });

  it('follows --device-code and --pkce, and refuses both at once', () => {
    expect(chooseFlow({ pkce: false, deviceCode: true }, true)).toBe('device');
    expect(chooseFlow({ pkce: true, deviceCode: false }, false)).toBe('pkce');
    expect(() => chooseFlow({ pkce: true, deviceCode: true }, true)).toThrow('Choose one of --pkce and --device-code.');
  });
});

describe('rolecall login --device-code', () => {
  let emulator: RunningEmulator;
  let home: string;
  beforeAll(async () => {
    emulator = await startEmulator({
      directory: { accounts: 1, rolesPerAccount: 1, seed: 3, manyRolesEvery: 0 },
      deviceCodeIntervalSeconds: 0,
      log: () => undefined,
    });
    home = await mkdtemp(join(tmpdir(), 'rolecall-login-flow-'));
  });
  afterAll(async () => {
    await emulator?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('prints the code with the warning to approve it only when the user just asked for it', async () => {
    const run = await loginThroughCli(emulator, isolatedCliEnv(home, { ROLECALL_NO_AGENT: '1' }));
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.split('\n');
    const codeLine = lines.findIndex((line) => line.includes('check that it shows the code:'));
    expect(codeLine).toBeGreaterThanOrEqual(0);
    expect(lines[codeLine + 1]).toBe(DEVICE_CODE_WARNING);
    expect(run.stderr).toContain('Signed in to');
  });
});
