import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryCache } from '../../app/directory/directory-cache';
import type { Instance } from '../../app/model/instances';
import type { AccountWithRoles } from '../../app/model/roles';
import { defaultSettings } from '../../app/model/settings';
import { createInstance } from '../../app/session/instance-registry';
import { FileSettingsStore } from '../../app/storage/file-settings-store';
import type { CliOutput } from '../../app/node/terminal-output';

export interface CliFixture {
  readonly dir: string;
  readonly env: {
    readonly HOME: string;
    readonly ROLECALL_HOME: string;
    readonly AWS_CONFIG_FILE: string;
    readonly AWS_SHARED_CREDENTIALS_FILE: string;
    readonly PATH: string;
  };
  readonly configDir: string;
  readonly instance: Instance;
  /** Replaces the cached directory (what the last sync found). */
  readonly setAccounts: (accounts: readonly AccountWithRoles[]) => Promise<void>;
}

export const ACCOUNTS: readonly AccountWithRoles[] = [
  { accountId: '111111111111', accountName: 'prod', emailAddress: 'prod@example.com', roles: ['AdministratorAccess', 'ReadOnly'] },
  { accountId: '222222222222', accountName: 'dev sandbox', emailAddress: 'dev@example.com', roles: ['AdministratorAccess', 'Developer'] },
];

/**
 * A user with an isolated HOME, ROLECALL_HOME and AWS files, one configured instance whose
 * endpoints point at a closed local port (so any AWS call would fail loudly), and a cached
 * directory: enough for commands that must work from the caches alone.
 */
export const cliFixture = async (): Promise<CliFixture> => {
  const dir = await mkdtemp(join(tmpdir(), 'rolecall-cli-cmd-'));
  const configDir = join(dir, 'rolecall');
  const env = {
    HOME: dir,
    ROLECALL_HOME: configDir,
    AWS_CONFIG_FILE: join(dir, 'aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws', 'credentials'),
    PATH: '',
  };
  const instance = createInstance(
    { startUrl: 'https://d-1234567890.awsapps.com/start', region: 'eu-west-1', endpoint: 'http://127.0.0.1:9' },
    [],
  );
  await new FileSettingsStore(configDir).save({ ...defaultSettings(), instances: [instance] });
  const setAccounts = (accounts: readonly AccountWithRoles[]) =>
    new DirectoryCache(join(configDir, 'cache')).save({ instanceId: instance.id, accounts, syncedAt: Date.now(), failedAccounts: [] });
  await setAccounts(ACCOUNTS);
  return { dir, env, configDir, instance, setAccounts };
};

/** Captures what a command writes: stdout and stderr as separate lists. */
export const captureOutput = (): CliOutput & { readonly stdout: string[]; readonly stderr: string[] } => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (text) => stdout.push(text), err: (text) => stderr.push(text), interactive: false };
};
