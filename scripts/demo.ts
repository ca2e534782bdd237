import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { startEmulator } from '../emulator/server';
import { findElectron } from './electron-binary';
import type { RunningEmulator } from '../emulator/options';
import { openCliCore } from '../app/node/open-core';
import { canOpenBrowser, systemBrowser } from '../app/node/system-browser';
import { formatCredentials } from '../app/credentials/formats';
import type { RolecallController } from '../app/session/controller';
import { buildRenderer } from '../web/renderer-build';
import { startWebServer } from '../web/server';

/**
 * `npm run demo`: Rolecall against the bundled IAM Identity Center emulator, no AWS account
 * needed. Runs the desktop app where Electron can start, else the same UI through
 * `rolecall web` in the browser; with no display at all it walks through sign-in, listing and
 * credentials in the terminal (approving the sign-in itself) and keeps the web UI running.
 * Everything lives in a throwaway home directory: the user's ~/.aws is never touched.
 */

const say = (line: string) => process.stderr.write(`${line}\n`);

const waitForSignal = () =>
  new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

/** Approves the sign-in the way a person would click Allow, for machines without a browser. */
const approveWhenAsked = (emulator: RunningEmulator, signal: AbortSignal): void => {
  const timer = setInterval(() => {
    for (const code of emulator.pendingUserCodes()) {
      say(`(no browser here, so the demo clicks Allow for code ${code} on the emulator's page)`);
      emulator.approveDevice(code);
    }
  }, 500);
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
};

const terminalWalkthrough = async (core: RolecallController, emulator: RunningEmulator, instanceId: string): Promise<void> => {
  const done = new AbortController();
  approveWhenAsked(emulator, done.signal);
  say('\n1. Signing in with the device code…');
  await core.signIn(instanceId).finally(() => done.abort());
  say('2. Listing every account and role…');
  const directory = await core.sync(instanceId);
  const roleCount = directory.accounts.reduce((sum, account) => sum + account.roles.length, 0);
  say(`   ${directory.accounts.length} accounts, ${roleCount} roles. The first few:`);
  for (const account of directory.accounts.slice(0, 5))
    say(`   ${account.accountName.padEnd(28)} ${account.accountId}  ${account.roles.join(', ')}`);
  const first = directory.accounts.find((account) => account.accountName.includes('prod')) ?? directory.accounts[0];
  if (!first?.roles[0]) return;
  const ref = { instanceId, accountId: first.accountId, roleName: first.roles[0] };
  say(`3. Credentials for ${first.accountName} / ${ref.roleName}, as export lines:`);
  say(formatCredentials(await core.credentials(ref), 'posix').replace(/^/gm, '   '));
  const { url } = await core.consoleUrl(ref);
  say(`4. A console session for that role (the emulator's fake console): ${url}`);
};

export const runDemo = async (argv: readonly string[]): Promise<number> => {
  const forceWeb = argv.includes('--web');
  const home = await mkdtemp(join(tmpdir(), 'rolecall-demo-'));
  const env = {
    ...process.env,
    HOME: join(home, 'home'),
    ROLECALL_HOME: join(home, 'rolecall'),
    AWS_CONFIG_FILE: join(home, 'home', '.aws', 'config'),
  };
  const emulator = await startEmulator({
    directory: { accounts: 300, rolesPerAccount: 3, seed: 7 },
    deviceCodeIntervalSeconds: 1,
    log: () => undefined,
  });
  say(`Emulator (IAM Identity Center on your machine): ${emulator.url}  start URL ${emulator.startUrl}`);
  const instance = { startUrl: emulator.startUrl, region: emulator.region, endpoint: emulator.url, label: 'Demo (emulator)' };
  const display = canOpenBrowser();
  try {
    const electron = forceWeb ? undefined : findElectron().path;
    if (electron && display) {
      say('Building and starting the desktop app…');
      await buildRenderer({ log: say });
      // @ts-expect-error -- a plain .mjs build script without type declarations
      const { buildElectron } = (await import('./build-electron.mjs')) as { buildElectron: () => Promise<unknown> };
      await buildElectron();
      const child = spawn(electron, ['.'], { stdio: 'inherit', env: { ...env, ROLECALL_DEMO_INSTANCE: JSON.stringify(instance) } });
      await new Promise<void>((resolve) => child.once('exit', () => resolve()));
      return 0;
    }
    if (!forceWeb)
      say(
        electron
          ? 'No display for the desktop app; using the web UI.'
          : 'Electron is not installed here; using the same UI in the browser (rolecall web).',
      );
    const staticDir = await buildRenderer({ log: say });
    const { core } = await openCliCore(env, { shell: 'web', autoSync: true, watchExpiry: true, browser: display });
    const { instanceId } = await core.api['instance:add'](instance);
    const server = await startWebServer({ core, staticDir });
    say(`\nRolecall: ${server.url}`);
    if (display) {
      await systemBrowser()
        .openExternal(server.url)
        .catch(() => say('Could not open the browser; open the URL above yourself.'));
      say('Click "Sign in", then Allow on the emulator\'s page that opens. Ctrl+C stops the demo.');
    } else {
      say('No display here, so the demo runs the terminal walkthrough:');
      await terminalWalkthrough(core, emulator, instanceId);
      if (!argv.includes('--exit'))
        say(`\nThe web UI stays up at ${server.url} (forward the port to open it elsewhere). Ctrl+C stops the demo.`);
    }
    // --exit: a smoke check that stops after the walkthrough instead of serving the UI.
    if (argv.includes('--exit')) {
      await server.close();
      await core.stop();
      return 0;
    }
    await waitForSignal();
    await server.close();
    await core.stop();
    return 0;
  } finally {
    await emulator.close();
    await rm(home, { recursive: true, force: true });
  }
};
