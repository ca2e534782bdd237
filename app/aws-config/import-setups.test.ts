import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSsoCache } from '../aws-cli-cache/sso-cache';
import { discoverSetups, findConfigSetups } from './import-setups';
import { IMPORT_FIXTURE } from './test-support/import-fixture';

describe('findConfigSetups', () => {
  it('finds sso-sessions and legacy profiles once per start URL and region, naming legacy ones after their portal', () => {
    const { setups, skipped } = findConfigSetups(IMPORT_FIXTURE);
    expect(setups).toEqual([
      {
        name: 'corp',
        cacheSessionName: 'corp',
        startUrl: 'https://d-1111111111.awsapps.com/start',
        region: 'eu-west-1',
        from: 'sso-session',
        section: 'sso-session corp',
        profiles: ['corp-admin', 'legacy-corp'],
      },
      {
        name: 'd-2222222222',
        startUrl: 'https://d-2222222222.awsapps.com/start',
        region: 'us-west-2',
        from: 'legacy-profile',
        section: 'profile legacy-dev',
        profiles: ['legacy-dev', 'legacy-dev-ro'],
      },
    ]);
    expect(skipped).toEqual([{ section: 'sso-session broken', reason: '[sso-session broken] is skipped: it has no sso_region.' }]);
  });

  it('finds nothing in a config without Identity Center', () => {
    expect(findConfigSetups('[default]\nregion = us-east-1\n').setups).toEqual([]);
  });
});

describe('discoverSetups', () => {
  let home: string;
  afterEach(async () => rm(home, { recursive: true, force: true }));

  it('marks cached tokens valid or expired, and set-ups an instance already has, without touching the config', async () => {
    home = await mkdtemp(join(tmpdir(), 'rolecall-import-'));
    const configFile = join(home, 'elsewhere', 'config');
    await mkdir(join(home, 'elsewhere'));
    await writeFile(configFile, IMPORT_FIXTURE);
    const env = { HOME: home, AWS_CONFIG_FILE: configFile };
    const now = Date.parse('2026-01-01T00:00:00Z');
    const token = (startUrl: string, region: string, expiresAt: number) => ({ startUrl, region, accessToken: 'secret', expiresAt });
    await writeSsoCache({ env, sessionName: 'corp', token: token('https://d-1111111111.awsapps.com/start', 'eu-west-1', now + 3_600_000) });
    // Legacy profiles cache under the start URL.
    await writeSsoCache({
      env,
      sessionName: 'https://d-2222222222.awsapps.com/start',
      token: token('https://d-2222222222.awsapps.com/start', 'us-west-2', now - 1_000),
    });
    const found = await discoverSetups({
      env,
      now,
      instances: [
        {
          id: 'd-2222222222',
          label: 'dev portal',
          startUrl: 'https://d-2222222222.awsapps.com/start',
          region: 'us-west-2',
          ssoSessionName: 'dev',
        },
      ],
    });
    expect(found.path).toBe(configFile);
    expect(found.setups.map((setup) => [setup.name, setup.cachedToken, setup.configuredAs])).toEqual([
      ['corp', 'valid', undefined],
      ['d-2222222222', 'expired', 'dev portal'],
    ]);
    expect(await readFile(configFile, 'utf8')).toBe(IMPORT_FIXTURE);
  });
});
