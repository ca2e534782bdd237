import { defaultSettings } from '../../model/settings';
import type { Settings } from '../../model/settings';
import type { SettingsStore } from '../settings-store';

/** Settings kept in memory, for tests of the core: the file store has its own tests. */
export class MemorySettingsStore implements SettingsStore {
  saved: Settings = defaultSettings();
  async load() {
    return this.saved;
  }
  async update(change: (stored: Settings) => Settings) {
    this.saved = change(this.saved);
    return this.saved;
  }
}
