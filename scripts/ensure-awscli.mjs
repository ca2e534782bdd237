// Makes sure the AWS CLI v2 interop tests have the real AWS CLI v2: uses /usr/bin/aws (Debian's
// `awscli` package, which is v2) or AWS_CLI_V2_PATH when present, else installs Debian's
// package with apt-get where it can. Says what to do when it can do neither.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { aptInstall, canAptGet } from './apt-install.mjs';

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

if (canAptGet()) {
  console.log("awscli: no AWS CLI v2 found; installing Debian's awscli package");
  if (aptInstall(['awscli']) && findAwsCliV2()) {
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
