import { join } from 'node:path';
import { startEmulator } from '../../emulator/server';
import type { EmulatorOptions, RunningEmulator } from '../../emulator/options';
import { AdjustableClock } from '../../app/ports/test-support/adjustable-clock';
import type { Clipboard, Notification } from '../../app/ports/desktop';
import { createRolecallCore } from '../../app/session/controller';
import type { RolecallController } from '../../app/session/controller';
import { resolveConfigDir } from '../../app/storage/config-dir';
import { FileSecretStore, fileSecretStorageStatus } from '../../app/storage/file-secret-store';
import { FileSettingsStore } from '../../app/storage/file-settings-store';
import { startWebServer } from '../../web/server';
import { ensureRendererBuilt } from './renderer';
import { createSandbox } from './sandbox';
import type { Sandbox } from './sandbox';

export interface HarnessOptions {
  /** Overrides for the emulator (TTLs, refresh tokens, directory). */
  readonly emulator?: Omit<EmulatorOptions, 'now' | 'log'>;
  readonly prefix?: string;
}

export interface Harness {
  readonly emulator: RunningEmulator;
  /** Shared by the emulator and the core, so "two minutes later" is later for both. */
  readonly clock: AdjustableClock;
  readonly core: RolecallController;
  /** The web server's one URL, with the per-launch secret. */
  readonly url: string;
  readonly origin: string;
  readonly sandbox: Sandbox;
  /** URLs the core asked the system browser to open (none in web mode: the page opens them). */
  readonly opened: string[];
  /** What the core handed the notifier (the page shows the same as notices). */
  readonly notifications: Notification[];
  /** Text the core wrote to the process clipboard (none in web mode: the page's clipboard gets it). */
  readonly processClipboard: string[];
  /** Lines the web server logged (refused requests, failed handlers). */
  readonly serverLog: string[];
  close(): Promise<void>;
}

/** The seeded directory every spec uses: account 0 is prod-payments (AdministratorAccess, ReadOnlyAccess, …). */
export const defaultDirectory = { accounts: 12, rolesPerAccount: 3, seed: 1 } as const;

/** Where the AWS SDK inside this process could look for config: pointed at the sandbox while a harness runs. */
const isolatedVariables = ['HOME', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'ROLECALL_HOME'] as const;

/**
 * `rolecall web` assembled in this process, so a test can reach inside: the emulator on a
 * random 127.0.0.1 port, the real core (file settings and secrets in a sandboxed
 * ROLECALL_HOME, shell 'web'), and the real web server over the built renderer. Only the
 * clock (adjustable) and the system-browser/notifier ports (recorders) differ from the CLI's.
 */
export const startHarness = async (options: HarnessOptions = {}): Promise<Harness> => {
  const staticDir = await ensureRendererBuilt();
  const sandbox = await createSandbox(options.prefix ?? 'web');
  const saved = Object.fromEntries(isolatedVariables.map((name) => [name, process.env[name]]));
  for (const name of isolatedVariables) process.env[name] = sandbox.env[name];
  const clock = new AdjustableClock();
  const emulator = await startEmulator({
    directory: defaultDirectory,
    // Fast polling keeps the suite quick; the core still honours whatever interval it gets.
    deviceCodeIntervalSeconds: 1,
    ...options.emulator,
    now: () => clock.now(),
    log: () => undefined,
  });
  const opened: string[] = [];
  const notifications: Notification[] = [];
  const processClipboard: string[] = [];
  const clipboard: Clipboard = { writeText: (text) => void processClipboard.push(text), readText: () => processClipboard.at(-1) ?? '' };
  const configDir = await resolveConfigDir(sandbox.env);
  const core = createRolecallCore(
    {
      settings: new FileSettingsStore(configDir),
      secrets: new FileSecretStore(configDir),
      secretStorage: fileSecretStorageStatus,
      clipboard,
      notifier: { notify: (notification) => void notifications.push(notification) },
      opener: { openExternal: async (url) => void opened.push(url) },
      clock,
      cacheDir: join(configDir, 'cache'),
      env: sandbox.env,
      shell: 'web',
    },
    // What `rolecall web` passes (cli/commands/web.ts), with no system browser to open.
    { autoSync: true, watchExpiry: true, openVerification: false },
  );
  await core.start();
  const serverLog: string[] = [];
  const server = await startWebServer({ core, staticDir, log: (line) => void serverLog.push(line) });
  return {
    emulator,
    clock,
    core,
    url: server.url,
    origin: new URL(server.url).origin,
    sandbox,
    opened,
    notifications,
    processClipboard,
    serverLog,
    close: async () => {
      await server.close();
      await core.stop();
      await emulator.close();
      for (const name of isolatedVariables) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
      await sandbox.remove();
    },
  };
};
