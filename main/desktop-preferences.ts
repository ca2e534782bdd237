import type { Preferences } from '../app/model/settings';

export interface DesktopIntegration {
  setLaunchAtLogin(enabled: boolean): void;
  /** Registers the accelerator; false when the OS or another app refused it. */
  registerShortcut(accelerator: string, onPress: () => void): boolean;
  unregisterShortcuts(): void;
}

type DesktopPreferences = Pick<Preferences, 'launchAtLogin' | 'globalShortcut'>;

/**
 * Applies the preferences the OS owns (launch at login, the global shortcut) when they
 * differ from what was applied before. Returns a sentence when the shortcut could not be
 * registered, so the user learns why it does nothing.
 */
export const applyDesktopPreferences = (
  previous: DesktopPreferences | undefined,
  next: DesktopPreferences,
  os: DesktopIntegration,
  onShortcut: () => void,
): string | undefined => {
  if (previous?.launchAtLogin !== next.launchAtLogin) {
    // Only touch the login items once the user has a preference different from the OS default.
    if (previous !== undefined || next.launchAtLogin) os.setLaunchAtLogin(next.launchAtLogin);
  }
  if (previous?.globalShortcut === next.globalShortcut) return undefined;
  os.unregisterShortcuts();
  if (next.globalShortcut === null) return undefined;
  let registered = false;
  try {
    registered = os.registerShortcut(next.globalShortcut, onShortcut);
  } catch {
    registered = false;
  }
  return registered
    ? undefined
    : `The shortcut ${next.globalShortcut} is not available (another app may use it); choose another in Preferences.`;
};
