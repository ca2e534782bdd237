import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The variables that decide where Rolecall, the AWS CLI interop and Chromium write. A type
 * alias, not an interface, so it passes where the core takes an env record.
 */
export type SandboxEnv = {
  readonly HOME: string;
  readonly ROLECALL_HOME: string;
  readonly AWS_CONFIG_FILE: string;
  readonly AWS_SHARED_CREDENTIALS_FILE: string;
  readonly XDG_CONFIG_HOME: string;
  readonly XDG_CACHE_HOME: string;
};

export interface Sandbox {
  readonly dir: string;
  readonly env: SandboxEnv;
  remove(): Promise<void>;
}

/**
 * A throwaway user: HOME, ROLECALL_HOME, the AWS files and XDG dirs all under one temp
 * directory, so nothing in the suite can read or write the real ~/.aws or ~/.config.
 */
export const createSandbox = async (prefix: string): Promise<Sandbox> => {
  const dir = await mkdtemp(join(tmpdir(), `rolecall-e2e-${prefix}-`));
  const home = join(dir, 'home');
  const env: SandboxEnv = {
    HOME: home,
    ROLECALL_HOME: join(dir, 'rolecall'),
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
  };
  await mkdir(home, { recursive: true, mode: 0o700 });
  return { dir, env, remove: () => rm(dir, { recursive: true, force: true }) };
};
