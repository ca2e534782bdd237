// Makes sure the browser tests have a Chromium: finds one, or installs one with
// Playwright's installer (where it can download) or Debian's chromium package (where it
// cannot). Says what to do when it can do neither.
import { spawnSync } from 'node:child_process';
import { findChromium } from './find-chromium.mjs';

const run = (command, args) => spawnSync(command, args, { stdio: 'inherit', timeout: 15 * 60_000 }).status === 0;

const found = findChromium();
if (found) {
  console.log(`chromium: using ${found}`);
  process.exit(0);
}

console.log("chromium: none found; trying Playwright's installer");
if (run('npx', ['--no-install', 'playwright-core', 'install', 'chromium']) && findChromium()) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasAptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (hasAptGet) {
  const sudo = isRoot ? [] : ['sudo', '-n'];
  console.log("chromium: Playwright could not download one; installing Debian's chromium package");
  const [cmd, ...pre] = isRoot ? ['apt-get'] : [...sudo, 'apt-get'];
  const env = ['-o', 'DPkg::Lock::Timeout=120'];
  if (run(cmd, [...pre, ...env, 'update', '-qq']) && run(cmd, [...pre, ...env, 'install', '-y', '-qq', 'chromium']) && findChromium()) {
    console.log(`chromium: installed ${findChromium()}`);
    process.exit(0);
  }
}

console.error(
  'chromium: no Chromium found and none could be installed. Install one (Debian/Ubuntu: `sudo apt-get install chromium`; ' +
    'elsewhere: `npx playwright-core install chromium`) or point CHROMIUM_PATH at a Chrome/Chromium binary, then run `npm test` again.',
);
process.exit(1);
