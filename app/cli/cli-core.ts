import { join } from 'node:path';
import { systemClock } from '../ports/clock';
import type { Clipboard, Notifier } from '../ports/desktop';
import { resolveConfigDir } from '../storage/config-dir';
import { FileSecretStore, fileSecretStorageStatus } from '../storage/file-secret-store';
import { FileSettingsStore } from '../storage/file-settings-store';
import { createRolecallCore } from '../session/controller';
import type { CoreOptions, RolecallController } from '../session/controller';
import { canOpenBrowser, systemBrowser } from './system-browser';

/** The CLI prints what it copies and says what it does itself: these ports stay silent. */
const noClipboard: Clipboard = {
  writeText: () => undefined,
  readText: () => '',
};
const quietNotifier: Notifier = { notify: () => undefined };

export interface CliCore {
  readonly core: RolecallController;
  readonly configDir: string;
}

/**
 * Builds the core the CLI and `rolecall web` share: settings and secrets in private files
 * under the config dir (ROLECALL_HOME), the system browser, the real clock.
 */
export const openCliCore = async (
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: CoreOptions & { shell?: 'cli' | 'web'; browser?: boolean } = {},
): Promise<CliCore> => {
  const configDir = await resolveConfigDir(env);
  const browser = options.browser ?? canOpenBrowser(env);
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
    { autoSync: false, watchExpiry: false, openVerification: browser, ...options },
  );
  await core.start();
  return { core, configDir };
};
