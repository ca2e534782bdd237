import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ssoCacheFile, writeSsoCache } from '../aws-cli-cache/sso-cache';
import type { SsoToken } from '../model/tokens';
import { MemorySecretStore } from '../ports/secret-store';
import { TokenVault } from './token-vault';
import { acmeInstance } from '../model/test-support/instance-fixture';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'rolecall-vault-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const instance = acmeInstance;
const token = (accessToken: string, expiresAt: number): SsoToken => ({
  startUrl: instance.startUrl,
  region: instance.region,
  accessToken,
  expiresAt,
});

describe('TokenVault and the shared AWS CLI cache', () => {
  it('never overwrites a newer token that `aws sso login` or botocore wrote meanwhile, and loads that one', async () => {
    const env = { HOME: home };
    const vault = new TokenVault(new MemorySecretStore(), env);
    const now = Date.now();
    // The AWS CLI refreshed after we read the file: its token lives longer than the one we hold.
    await writeSsoCache({ env, sessionName: instance.ssoSessionName, token: token('from-aws-cli', now + 2 * 3600_000) });
    await vault.save(instance, token('ours-older', now + 3600_000), true);
    expect(await readFile(ssoCacheFile(env, instance.ssoSessionName), 'utf8')).toContain('from-aws-cli');
    expect(await vault.load(instance, true)).toMatchObject({ token: { accessToken: 'from-aws-cli' }, source: 'aws-cli-cache' });
  });

  it('replaces an older shared token with ours', async () => {
    const env = { HOME: home };
    const vault = new TokenVault(new MemorySecretStore(), env);
    const now = Date.now();
    await writeSsoCache({ env, sessionName: instance.ssoSessionName, token: token('stale', now - 60_000) });
    await vault.save(instance, token('fresh', now + 3600_000), true);
    expect(await readFile(ssoCacheFile(env, instance.ssoSessionName), 'utf8')).toContain('fresh');
  });
});
