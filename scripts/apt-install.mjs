// Installs Debian packages for the test set-up with apt-get, as root or through passwordless
// sudo. Returns whether apt-get ran and succeeded; never prompts.
import { spawnSync } from 'node:child_process';

export const canAptGet = () => spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;

export const aptInstall = (packages) => {
  if (!canAptGet()) return false;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const [cmd, ...pre] = isRoot ? ['apt-get'] : ['sudo', '-n', 'apt-get'];
  const lock = ['-o', 'DPkg::Lock::Timeout=120'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => spawnSync(cmd, [...pre, ...lock, ...args], { stdio: 'inherit', timeout: 15 * 60_000, env }).status === 0;
  return apt(['update', '-qq']) && apt(['install', '-y', '-qq', ...packages]);
};
