import { describe, expect, it, vi } from 'vitest';
import { applyDesktopPreferences } from './desktop-preferences';
import type { DesktopIntegration } from './desktop-preferences';

const os = (accept = true) => {
  const calls: string[] = [];
  const integration: DesktopIntegration = {
    setLaunchAtLogin: (enabled) => calls.push(`login:${enabled}`),
    registerShortcut: (accelerator) => (calls.push(`register:${accelerator}`), accept),
    unregisterShortcuts: () => calls.push('unregister'),
  };
  return { integration, calls };
};

describe('applyDesktopPreferences', () => {
  it('leaves the OS alone at start when nothing is asked for', () => {
    const { integration, calls } = os();
    expect(applyDesktopPreferences(undefined, { launchAtLogin: false, globalShortcut: null }, integration, vi.fn())).toBeUndefined();
    expect(calls).toEqual(['unregister']);
  });

  it('applies launch at login and the shortcut when they change, and only then', () => {
    const { integration, calls } = os();
    const onShortcut = vi.fn();
    const first = { launchAtLogin: true, globalShortcut: 'CommandOrControl+Shift+A' };
    applyDesktopPreferences(undefined, first, integration, onShortcut);
    applyDesktopPreferences(first, first, integration, onShortcut);
    applyDesktopPreferences(first, { launchAtLogin: false, globalShortcut: null }, integration, onShortcut);
    expect(calls).toEqual(['login:true', 'unregister', 'register:CommandOrControl+Shift+A', 'login:false', 'unregister']);
  });

  it('says so when the shortcut cannot be registered', () => {
    const { integration } = os(false);
    const message = applyDesktopPreferences(undefined, { launchAtLogin: false, globalShortcut: 'Alt+Space' }, integration, vi.fn());
    expect(message).toBe('The shortcut Alt+Space is not available (another app may use it); choose another in Preferences.');
    const throwing = {
      ...integration,
      registerShortcut: () => {
        throw new Error('Failed to parse accelerator');
      },
    };
    expect(applyDesktopPreferences(undefined, { launchAtLogin: false, globalShortcut: 'Nope+' }, throwing, vi.fn())).toMatch(
      /not available/,
    );
  });
});
