import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSsoCache } from '../app/aws-cli-cache/sso-cache';
import type { StatusReport } from './commands/status';
import { ROLECALL_BIN, isolatedCliEnv, runProgram, runRolecall } from './test-support/run-cli';

/**
 * `rolecall login` on a first start at a terminal offers the set-ups of ~/.aws/config. The
 * terminal is a real pseudo-terminal from util-linux `script` (skipped with the reason where
 * it is missing); the answer comes on its stdin.
 */
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

const CONFIG = `# only the corp portal, whose AWS CLI sign-in is still valid
[sso-session corp]
sso_start_url = https://d-1111111111.awsapps.com/start
sso_region = eu-west-1

[profile corp-admin]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
`;

let home: string;
let configFile: string;
const env = (): NodeJS.ProcessEnv => isolatedCliEnv(home, { ROLECALL_NO_AGENT: '1', AWS_CONFIG_FILE: configFile });

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'rolecall-first-start-'));
  configFile = join(home, 'aws-config');
  await writeFile(configFile, CONFIG);
  await writeSsoCache({
    env: { HOME: home },
    sessionName: 'corp',
    token: {
      startUrl: 'https://d-1111111111.awsapps.com/start',
      region: 'eu-west-1',
      accessToken: 'valid',
      expiresAt: Date.now() + 3_600_000,
    },
  });
});

afterAll(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

describe.skipIf(!hasScript)('rolecall login on a first start (skipped: util-linux script is not installed)', () => {
  it('offers the AWS CLI set-ups at a terminal and, answered yes, is signed in without a new sign-in', async () => {
    const command = `'${process.execPath}' '${ROLECALL_BIN}' login`;
    // The answer waits in the terminal's input until the prompt reads it; stdin stays open while the command runs.
    const session = await runProgram('sh', ['-c', `(sleep 1; printf 'y\\r'; sleep 12) | script -qec "${command}" /dev/null`], {
      env: env(),
    });
    expect(session.stdout).toContain('IAM Identity Center set-ups in');
    expect(session.stdout).toContain('Import it into Rolecall (your AWS config is not changed)?');
    expect(session.stdout).toContain('Added corp');
    const status = JSON.parse((await runRolecall(['status', '--json'], env())).stdout) as StatusReport;
    expect(status.instances.map((instance) => [instance.label, instance.signedIn])).toEqual([['corp', true]]);
    expect(await readFile(configFile, 'utf8')).toBe(CONFIG);
  }, 60_000);
});
