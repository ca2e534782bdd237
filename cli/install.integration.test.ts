import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../web/renderer-build';
import { runProgram } from './test-support/run-cli';

/**
 * The package as users get it: `npm pack` of this checkout, `npm install -g` of the tarball
 * into a temporary prefix, offline and with no devDependencies, then the installed `rolecall`
 * run with nothing of the checkout on its PATH or in its HOME.
 */

const repo = resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;

let dir: string;
let prefix: string;
let home: string;
let rolecallBin: string;
const children: ChildProcess[] = [];

/** A user's environment: the temp HOME, node and the prefix's bin on PATH, no AWS variables. */
const userEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (
      !key.startsWith('AWS_') &&
      !key.startsWith('npm_') &&
      !key.startsWith('ROLECALL_') &&
      key !== 'DISPLAY' &&
      key !== 'WAYLAND_DISPLAY'
    )
      env[key] = value;
  return {
    ...env,
    PATH: [join(prefix, 'bin'), dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter),
    HOME: home,
    ROLECALL_HOME: join(home, 'rolecall'),
    AWS_CONFIG_FILE: join(home, 'aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws', 'credentials'),
    ROLECALL_NO_BROWSER: '1',
    NO_COLOR: '1',
    npm_config_cache: join(dir, 'npm-cache'),
    npm_config_update_notifier: 'false',
  };
};

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the installed command (its bin link, as a shell would find it) to completion. */
const rolecall = (args: readonly string[], onStderr?: (stderr: string) => void, command = rolecallBin): Promise<Run> =>
  runProgram(command, args, { env: userEnv(), cwd: home, ...(onStderr ? { onStderr } : {}) });

/** Starts a long-running installed command; resolves with its first stdout line (JSON). */
const serve = <T>(args: readonly string[]): Promise<T> =>
  new Promise((resolveLine, reject) => {
    const child = spawn(rolecallBin, [...args], { env: userEnv(), cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) resolveLine(JSON.parse(line) as T);
    });
    child.once('error', reject);
    child.once('close', (code) => reject(new Error(`rolecall ${args.join(' ')} exited (${code}): ${stderr}`)));
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecall-install-'));
  prefix = join(dir, 'prefix');
  home = join(dir, 'home');
  await mkdir(home);
  // What `npm pack` ships comes from dist/: make sure it is current without disturbing others
  // using this checkout (both builds write beside their target and swap it in).
  await buildRenderer();
  const current = spawnSync(process.execPath, [join(repo, 'bin', 'rolecall.mjs'), '--help'], { encoding: 'utf8' });
  expect(current.status).toBe(0);
  // --ignore-scripts: the builds above are what prepack/prepare would run, done safely.
  const pack = spawnSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...userEnv(), PATH: process.env.PATH },
  });
  expect(pack.status, pack.stderr).toBe(0);
  const [{ filename }] = JSON.parse(pack.stdout) as [{ filename: string }];
  // --offline: the package has no runtime dependencies, so nothing is fetched.
  const install = spawnSync(npm, ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(dir, filename)], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...userEnv(), PATH: [dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter) },
  });
  expect(install.status, install.stderr).toBe(0);
  rolecallBin = join(prefix, 'bin', 'rolecall');
}, 240_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm pack + npm install -g into a temporary prefix', () => {
  it('installs the bundle alone: no sources, no source maps, no dependencies', async () => {
    const installed = join(prefix, 'lib', 'node_modules', 'rolecall');
    expect(existsSync(join(installed, 'node_modules'))).toBe(false);
    expect(existsSync(join(installed, 'app'))).toBe(false);
    expect(existsSync(join(installed, 'dist', 'renderer', 'index.html'))).toBe(true);
    const bundle = await readdir(join(installed, 'dist', 'cli'));
    expect(bundle).toEqual(
      expect.arrayContaining(['main.mjs', 'credential-process.mjs', 'output.mjs', 'emulator.mjs', 'demo.mjs', 'build.json']),
    );
    expect(bundle.filter((name) => name.endsWith('.map') || name === 'meta.json')).toEqual([]);
    // Nor what a checkout's rebuilds keep beside the bundle: their record, staging directories, lock.
    expect(bundle).not.toContain('builds.json');
    expect((await readdir(join(installed, 'dist'))).filter((name) => /\.(staging|old)-|\.lock$/.test(name))).toEqual([]);
    expect(JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'))).not.toHaveProperty('dependencies.tsx');
  });

  it('rolecall --version', async () => {
    const run = await rolecall(['--version']);
    expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('rolecall emulator, login (approved through the admin endpoint), credential-process, config populate, web', async () => {
    const emulator = await serve<{ url: string; startUrl: string; region: string }>([
      'emulator',
      '--port',
      '0',
      '--interval',
      '0',
      '--quiet',
      '--accounts',
      '3',
      '--roles-per-account',
      '2',
    ]);

    let approval: Promise<Response> | undefined;
    const login = await rolecall(
      ['login', '--start-url', emulator.startUrl, '--region', emulator.region, '--endpoint', emulator.url, '--no-browser'],
      (stderr) => {
        const userCode = /code: ([A-Z]{4}-[A-Z]{4})/.exec(stderr)?.[1];
        if (userCode && !approval)
          approval = fetch(`${emulator.url}/_emulator/device/approve`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ userCode }),
          });
      },
    );
    expect((await approval)?.status).toBe(200);
    expect(login.stderr).toMatch(/Signed in to /);
    expect(login.code).toBe(0);

    const ls = await rolecall(['ls', '--json']);
    expect(ls.code).toBe(0);
    const [role] = JSON.parse(ls.stdout) as { accountId: string; roleName: string }[];

    const args = ['--account', role!.accountId, '--role', role!.roleName];
    for (const attempt of ['through the core', 'from the cache']) {
      const creds = await rolecall(['credential-process', ...args]);
      expect(creds.stderr, attempt).toBe('');
      expect(creds.code, attempt).toBe(0);
      const json = JSON.parse(creds.stdout) as { Version: number; AccessKeyId: string };
      expect(json.Version).toBe(1);
      const owner = (await (await fetch(`${emulator.url}/_emulator/credentials?accessKeyId=${json.AccessKeyId}`)).json()) as {
        accountId: string;
        roleName: string;
      };
      expect(owner).toMatchObject({ accountId: role!.accountId, roleName: role!.roleName });
    }

    // The profile runs the installed command by its absolute bin path: no node path, no checkout.
    await mkdir(join(home, 'aws'), { recursive: true });
    await writeFile(join(home, 'aws', 'config'), '');
    const populate = await rolecall(['config', 'populate', '--credential-process']);
    expect(populate.code, populate.stderr).toBe(0);
    const line = /^credential_process = (.+)$/m.exec(await readFile(join(home, 'aws', 'config'), 'utf8'))?.[1];
    expect(line).toMatch(
      new RegExp(
        `^${rolecallBin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} credential-process --account \\d{12} --role \\S+ --instance \\S+$`,
      ),
    );
    expect(line).not.toContain(repo);
    expect(line).not.toContain(process.execPath);
    const [command, ...rest] = line!.split(' ');
    const fromProfile = await rolecall(rest, undefined, command);
    expect(fromProfile.code, fromProfile.stderr).toBe(0);
    expect(JSON.parse(fromProfile.stdout)).toMatchObject({ Version: 1 });

    // rolecall web serves the shipped renderer build; there is no vite to build one.
    const web = await serve<{ url: string }>(['web', '--port', '0']);
    // The one-time launch link sets the session cookie and redirects to the session path.
    const launch = await fetch(web.url, { redirect: 'manual' });
    expect(launch.status).toBe(303);
    const cookie = launch.headers.get('set-cookie')?.split(';')[0] ?? '';
    const page = await fetch(new URL(launch.headers.get('location') ?? '/', web.url), { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<script\b[^>]*src="\.\/assets\/[^"]+\.js"/);
  });
});
