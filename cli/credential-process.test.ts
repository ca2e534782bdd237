import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialProcessCache } from '../app/credentials/credential-process-cache';
import { formatCredentials } from '../app/credentials/formats';
import type { RoleCredentials } from '../app/model/tokens';
import { FileSecretStore } from '../app/storage/file-secret-store';
import { credentialProcess, runCredentialProcessCli } from './commands/credential-process';
import { captureOutput, cliFixture } from './test-support/cli-fixture';
import type { CliFixture } from './test-support/cli-fixture';

let fx: CliFixture;
const credentials: RoleCredentials = {
  accessKeyId: 'ASIACACHEDEXAMPLE001',
  secretAccessKey: 'cachedSecretAccessKeyExample0000000000',
  sessionToken: 'IQoJb3JpZ2luX2VjCACHEDTOKEN',
  expiration: Date.now() + 60 * 60_000,
};

const signIn = () =>
  new FileSecretStore(fx.configDir).set(
    `token/${fx.instance.id}`,
    JSON.stringify({
      startUrl: fx.instance.startUrl,
      region: fx.instance.region,
      accessToken: 'access-token',
      expiresAt: Date.now() + 3_600_000,
    }),
  );
const cacheRole = (accountId: string, roleName: string) =>
  new CredentialProcessCache({ dir: join(fx.configDir, 'cache'), secrets: new FileSecretStore(fx.configDir) }).put(
    { instanceId: fx.instance.id, accountId, roleName },
    credentials,
  );

beforeEach(async () => {
  fx = await cliFixture();
});
afterEach(async () => {
  await rm(fx.dir, { recursive: true, force: true });
});

describe('rolecall credential-process', () => {
  it("serves cached credentials without any AWS call, by account id or name, whatever the role's case", async () => {
    await signIn();
    await cacheRole('222222222222', 'Developer');
    // The instance's endpoints are a closed port: any AWS call would fail this test.
    for (const raw of [
      { account: '222222222222', role: 'Developer' },
      { account: 'Dev Sandbox', role: 'developer' },
      { account: '222222222222', role: 'DEVELOPER', instance: fx.instance.id },
    ]) {
      const output = captureOutput();
      await credentialProcess(raw, output, fx.env);
      expect(output.stdout).toEqual([formatCredentials(credentials, 'json')]);
      expect(output.stderr).toEqual([]);
    }
    expect(JSON.parse(formatCredentials(credentials, 'json'))).toEqual({
      Version: 1,
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: new Date(Math.floor(credentials.expiration / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    });
  });

  it('stops serving the cache once Rolecall no longer holds a sign-in (after logout)', async () => {
    await cacheRole('111111111111', 'ReadOnly');
    const output = captureOutput();
    await expect(credentialProcess({ account: '111111111111', role: 'ReadOnly' }, output, fx.env)).rejects.toMatchObject({
      code: 'signed-out',
      userMessage: 'You are not signed in to d-1234567890; run `rolecall login` and try again.',
    });
    expect(output.stdout).toEqual([]);
  });

  it('names an unknown account in one sentence', async () => {
    await signIn();
    await expect(credentialProcess({ account: 'staging', role: 'ReadOnly' }, captureOutput(), fx.env)).rejects.toMatchObject({
      code: 'not-found',
      userMessage: expect.stringMatching(/^No account "staging" is assigned to you\./),
    });
  });

  it('as a program: JSON and exit 0; one stderr line and exit 1 on failure; exit 2 on a malformed command line', async () => {
    await signIn();
    await cacheRole('111111111111', 'AdministratorAccess');
    const ok = captureOutput();
    expect(await runCredentialProcessCli(['--account', 'prod', '--role', 'AdministratorAccess'], ok, fx.env)).toBe(0);
    expect(JSON.parse(ok.stdout.join(''))).toMatchObject({ Version: 1, AccessKeyId: credentials.accessKeyId });

    const failed = captureOutput();
    expect(await runCredentialProcessCli(['--account', '111111111111', '--role', 'Bad Role!'], failed, fx.env)).toBe(1);
    expect(failed.stderr).toHaveLength(1);
    expect(failed.stderr[0]).toMatch(/^Invalid --role: /);
    expect(failed.stdout).toEqual([]);

    const malformed = captureOutput();
    expect(await runCredentialProcessCli(['--account', '111111111111'], malformed, fx.env)).toBe(2);
    expect(malformed.stderr.join('')).toMatch(/required option '--role <name>' not specified/);
    expect(malformed.stdout).toEqual([]);
  });
});
