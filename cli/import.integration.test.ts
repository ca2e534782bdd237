import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSsoCache } from '../app/aws-cli-cache/sso-cache';
import { IMPORT_FIXTURE } from '../app/aws-config/test-support/import-fixture';
import type { StatusReport } from './commands/status';
import { isolatedCliEnv, runRolecall } from './test-support/run-cli';

let home: string;
let configFile: string;
const env = (): NodeJS.ProcessEnv => isolatedCliEnv(home, { ROLECALL_NO_AGENT: '1', AWS_CONFIG_FILE: configFile });

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'rolecall-import-cli-'));
  configFile = join(home, 'aws-config');
  await writeFile(configFile, IMPORT_FIXTURE);
  const now = Date.now();
  // corp has a valid AWS CLI sign-in; the legacy portal's (cached under its start URL) has expired.
  await writeSsoCache({
    env: { HOME: home },
    sessionName: 'corp',
    token: { startUrl: 'https://d-1111111111.awsapps.com/start', region: 'eu-west-1', accessToken: 'valid', expiresAt: now + 3_600_000 },
  });
  await writeSsoCache({
    env: { HOME: home },
    sessionName: 'https://d-2222222222.awsapps.com/start',
    token: { startUrl: 'https://d-2222222222.awsapps.com/start', region: 'us-west-2', accessToken: 'old', expiresAt: now - 60_000 },
  });
});

afterAll(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

describe('rolecall import', () => {
  it('lists what it would add on --dry-run and adds nothing', async () => {
    const run = await runRolecall(['import', '--dry-run', '--json'], env());
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { setups: { name: string; cachedToken: string }[]; imported: unknown[] };
    expect(report.setups.map((setup) => [setup.name, setup.cachedToken])).toEqual([
      ['corp', 'valid'],
      ['d-2222222222', 'expired'],
    ]);
    expect(report.imported).toEqual([]);
    const status = JSON.parse((await runRolecall(['status', '--json'], env())).stdout) as StatusReport;
    expect(status.instances).toEqual([]);
  });

  it('refuses without --yes when no one is at a terminal to confirm', async () => {
    const run = await runRolecall(['import'], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('rolecall import --yes');
  });

  it('adds each set-up once, signed in where the cached token is valid, leaving the config byte-identical', async () => {
    const run = await runRolecall(['import', '--yes'], env());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Added corp');
    const status = JSON.parse((await runRolecall(['status', '--json'], env())).stdout) as StatusReport;
    expect(
      status.instances.map((instance) => [instance.label, instance.ssoSessionName, instance.startUrl, instance.region, instance.signedIn]),
    ).toEqual([
      ['corp', 'corp', 'https://d-1111111111.awsapps.com/start', 'eu-west-1', true],
      ['d-2222222222', 'd-2222222222', 'https://d-2222222222.awsapps.com/start', 'us-west-2', false],
    ]);
    expect(await readFile(configFile, 'utf8')).toBe(IMPORT_FIXTURE);

    // Again: everything is configured already, so nothing is asked for or added.
    const again = await runRolecall(['import', '--json'], env());
    expect(again.code, again.stderr).toBe(0);
    const report = JSON.parse(again.stdout) as { setups: { configuredAs?: string }[]; imported: unknown[] };
    expect(report.setups.map((setup) => setup.configuredAs)).toEqual(['corp', 'd-2222222222']);
    expect(report.imported).toEqual([]);
    expect(await readFile(configFile, 'utf8')).toBe(IMPORT_FIXTURE);
  });
});
