import { spawnSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory } from './directory-seed';
import type { DirectorySeed, RunningEmulator } from './options';
import { isolateHome, quietEmulator } from './test-support/test-helpers';

const script = fileURLToPath(new URL('./interop/boto3_flow.py', import.meta.url));
const probe = spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' });
const boto3Missing =
  probe.status !== 0 ? `python3 cannot import boto3 (${(probe.stderr || probe.error?.message || 'unknown').trim().split('\n').pop()})` : '';
if (boto3Missing) console.log(`Skipping boto3 interop: ${boto3Missing}`);

const seed: DirectorySeed = { accounts: 11, rolesPerAccount: 3, seed: 21, manyRolesEvery: 5 };

describe.skipIf(Boolean(boto3Missing))('boto3 interop', () => {
  let emu: RunningEmulator;
  let home: string;

  beforeAll(async () => {
    home = isolateHome();
    emu = await quietEmulator({ directory: seed, defaultPageSize: 6 });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('boto3 signs in, pages accounts and roles, gets credentials and logs out against the emulator', async () => {
    // Only what Python needs: no AWS_* variables, an empty HOME, no instance metadata lookups.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, AWS_EC2_METADATA_DISABLED: 'true', PYTHONDONTWRITEBYTECODE: '1' };
    const child = spawn('python3', [script, emu.url, emu.region], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(stderr).toBe('');
    expect(code).toBe(0);

    const summary = JSON.parse(stdout) as {
      pendingSeen: boolean;
      approve: string;
      tokenType: string;
      refreshRotated: boolean;
      accountPages: number;
      accounts: string[];
      roles: Record<string, string[]>;
      credentials: { accessKeyId: string; expiration: number };
      forbidden: { code: string; message: string; status: number } | null;
      rolesOfUnassignedAccount: boolean;
      invalidRequest: boolean;
      unauthorizedAfterLogout: boolean;
      verificationUriComplete: string;
    };
    const directory = generateDirectory(seed);
    expect(summary.pendingSeen).toBe(true);
    expect(summary.approve).toBe('approved');
    expect(summary.tokenType).toBe('Bearer');
    expect(summary.refreshRotated).toBe(true);
    expect(summary.verificationUriComplete).toMatch(new RegExp(`^${emu.url}/device\\?user_code=`));
    expect(summary.accountPages).toBe(3);
    expect(summary.accounts).toEqual(directory.map((a) => a.accountId));
    expect(summary.roles).toEqual(Object.fromEntries(directory.map((a) => [a.accountId, a.roles])));
    expect(directory.some((a) => a.roles.length === 25)).toBe(true);
    expect(emu.credentialsOwner(summary.credentials.accessKeyId)).toEqual({
      accountId: directory[0]?.accountId,
      roleName: directory[0]?.roles[0],
      expiration: summary.credentials.expiration,
    });
    expect(summary.forbidden).toEqual({ code: 'ForbiddenException', message: 'No access', status: 403 });
    expect(summary.rolesOfUnassignedAccount).toBe(true);
    expect(summary.invalidRequest).toBe(true);
    expect(summary.unauthorizedAfterLogout).toBe(true);
  });
});
