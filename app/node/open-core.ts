import { join } from 'node:path';
import { connectToOwner } from '../agent/agent-client';
import { fallBackWhenOwnerGone } from '../agent/fallback-source';
import { systemClock } from '../ports/clock';
import type { Clipboard, Notifier } from '../ports/desktop';
import { resolveConfigDir } from '../storage/config-dir';
import { FileSecretStore, fileSecretStorageStatus } from '../storage/file-secret-store';
import { FileSettingsStore } from '../storage/file-settings-store';
import { createRolecallCore } from '../session/controller';
import type { CoreOptions, RolecallController } from '../session/controller';
import { canOpenBrowser, systemBrowser } from './system-browser';
import { terminalSafe } from './terminal-text';

/** The CLI prints what it copies and says what it does itself: these ports stay silent. */
const noClipboard: Clipboard = {
  writeText: () => undefined,
  readText: () => '',
};
const quietNotifier: Notifier = { notify: () => undefined };

export interface CliCore {
  readonly core: RolecallController;
  readonly configDir: string;
  /** The pid of the session owner the core talks to, when it is a remote owner's. */
  readonly ownerPid?: number;
}

export type CliCoreOptions = CoreOptions & {
  shell?: 'cli' | 'web';
  browser?: boolean;
  /** false: never ask a running owner (a process about to become one itself). */
  owner?: boolean;
};

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The core the CLI and `rolecall web` drive: the running session owner's (the desktop app,
 * `rolecall web` or `rolecall agent`) when one answers on its socket, so one sign-in and one
 * refresh serve every process; else a core of this process, working alone. A remote core
 * that dies mid-command is replaced by a local one (fallBackWhenOwnerGone). ROLECALL_NO_AGENT=1
 * always works alone.
 */
export const openCliCore = async (env: Env = process.env, options: CliCoreOptions = {}): Promise<CliCore> => {
  const configDir = await resolveConfigDir(env);
  if (options.owner !== false) {
    const remote = await connectToOwner(configDir, { env, onIncompatible: (message) => process.stderr.write(`${message}\n`) });
    if (remote) {
      const core = fallBackWhenOwnerGone(remote, async () => (await openLocalCore(configDir, env, options)).core);
      return { core, configDir, ownerPid: remote.pid };
    }
  }
  return openLocalCore(configDir, env, options);
};

/**
 * Builds a core in this process: settings and secrets in private files under the config dir
 * (ROLECALL_HOME), the system browser, the real clock.
 */
export const openLocalCore = async (configDir: string, env: Env, options: CliCoreOptions): Promise<CliCore> => {
  const browser = options.browser ?? canOpenBrowser(env);
  const { owner: _owner, ...coreOptions } = options;
  const core = createRolecallCore(
    {
      settings: new FileSettingsStore(configDir),
      secrets: new FileSecretStore(configDir),
      secretStorage: fileSecretStorageStatus,
      clipboard: noClipboard,
      notifier: quietNotifier,
      opener: systemBrowser(),
      clock: systemClock,
      cacheDir: join(configDir, 'cache'),
      env,
      shell: options.shell ?? 'cli',
    },
    // PKCE's loopback redirect needs a browser on this machine; elsewhere the device code.
    { autoSync: false, watchExpiry: false, openVerification: browser, defaultSignInFlow: browser ? 'pkce' : 'device', ...coreOptions },
  );
  await core.start();
  // A settings or secrets file found unreadable was moved aside: the CLI has no notices
  // panel, so it says so on stderr (once: the next run finds no such file).
  for (const notice of core.snapshot().notices) {
    if (FILE_PROBLEM_NOTICES.has(notice.id)) process.stderr.write(`${terminalSafe(notice.message)}\n`);
  }
  return { core, configDir };
};

/** The notice ids the core gives a corrupt settings or secrets file (see controller.ts start). */
const FILE_PROBLEM_NOTICES = new Set(['settings-problem', 'secrets-problem']);
