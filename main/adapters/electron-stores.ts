import { join } from 'node:path';
import ElectronStore from 'electron-store';

/**
 * Opens an electron-store file under `dir`. Private (0600) because one of them holds
 * ciphertexts of tokens; `clearInvalidConfig: false` because a file we cannot parse must
 * be reported and moved aside, never silently emptied.
 */
export const openElectronStore = (dir: string, name: string): ElectronStore<Record<string, unknown>> =>
  new ElectronStore<Record<string, unknown>>({
    cwd: dir,
    name,
    clearInvalidConfig: false,
    configFileMode: 0o600,
    accessPropertiesByDotNotation: false,
  });

/** The file electron-store uses for `name` under `dir`. */
export const electronStorePath = (dir: string, name: string): string => join(dir, `${name}.json`);
