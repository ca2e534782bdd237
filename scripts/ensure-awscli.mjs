// Makes sure the AWS CLI v2 interop tests have the real AWS CLI v2: uses /usr/bin/aws (Debian's
// `awscli` package, which is v2) or AWS_CLI_V2_PATH when present, else installs Debian's
// package with apt-get where it can. Says what to do when it can do neither.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The path of an AWS CLI whose `--version` says aws-cli/2, or undefined. */
const findAwsCliV2 = () => {
  for (const candidate of [process.env.AWS_CLI_V2_PATH, '/usr/bin/aws', '/usr/local/bin/aws'].filter(Boolean)) {
    if (!existsSync(candidate)) continue;
    const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    if (probe.status === 0 && /^aws-cli\/2\./.test(`${probe.stdout}${probe.stderr}`.trim())) return candidate;
  }
  return undefined;
};

const found = findAwsCliV2();
if (found) {
  console.log(`awscli: using ${found}`);
  process.exit(0);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasAptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (hasAptGet) {
  console.log("awscli: no AWS CLI v2 found; installing Debian's awscli package");
  const [cmd, ...pre] = isRoot ? ['apt-get'] : ['sudo', '-n', 'apt-get'];
  const lock = ['-o', 'DPkg::Lock::Timeout=120'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => spawnSync(cmd, [...pre, ...lock, ...args], { stdio: 'inherit', timeout: 15 * 60_000, env }).status === 0;
  if (apt(['update', '-qq']) && apt(['install', '-y', '-qq', 'awscli']) && findAwsCliV2()) {
    console.log(`awscli: installed ${findAwsCliV2()}`);
    process.exit(0);
  }
}

console.error(
  'awscli: no AWS CLI v2 found and none could be installed. Install it (Debian/Ubuntu: `sudo apt-get install awscli`; ' +
    'elsewhere: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html) or point AWS_CLI_V2_PATH at an ' +
    'AWS CLI v2 binary, then run `npm test` again.',
);
process.exit(1);
