import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** The environment as the AWS CLI sees it; tests pass their own so nothing reads the real ~/.aws. */
export type AwsEnv = Readonly<Record<string, string | undefined>>;

/** Where the AWS CLI and SDKs keep their files for this environment. */
export interface AwsPaths {
  readonly home: string;
  readonly configFile: string;
  readonly credentialsFile: string;
  readonly ssoCacheDir: string;
}

/** The home directory the AWS CLI uses: HOME (USERPROFILE on Windows), like Python's expanduser. */
export const awsHome = (env: AwsEnv, platform: NodeJS.Platform = process.platform): string => {
  if (platform === 'win32') {
    if (env.USERPROFILE) return env.USERPROFILE;
    if (env.HOMEDRIVE && env.HOMEPATH) return `${env.HOMEDRIVE}${env.HOMEPATH}`;
    return homedir();
  }
  return env.HOME || homedir();
};

/** Expands a leading `~` against the AWS home, as botocore does for AWS_CONFIG_FILE. */
const expandHome = (path: string, home: string): string => {
  if (path === '~') return home;
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(home, path.slice(2));
  return isAbsolute(path) ? path : resolve(path);
};

/** Resolves the config file, credentials file and SSO cache directory, honouring AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE. */
export const awsPaths = (env: AwsEnv, platform: NodeJS.Platform = process.platform): AwsPaths => {
  const home = awsHome(env, platform);
  return {
    home,
    configFile: expandHome(env.AWS_CONFIG_FILE || join(home, '.aws', 'config'), home),
    credentialsFile: expandHome(env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'), home),
    // botocore and SDK v3 both hard-code this location; there is no variable for it.
    ssoCacheDir: join(home, '.aws', 'sso', 'cache'),
  };
};
