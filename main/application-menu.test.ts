import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { applicationMenuTemplate } from './application-menu';

describe('applicationMenuTemplate', () => {
  it('has no window menu off macOS (the tray carries Preferences…)', () => {
    expect(applicationMenuTemplate('linux', { openPreferences: vi.fn() })).toBeNull();
    expect(applicationMenuTemplate('win32', { openPreferences: vi.fn() })).toBeNull();
  });

  it('on macOS keeps the Edit menu and puts Preferences… (Cmd+,) in the app menu', () => {
    const openPreferences = vi.fn();
    const template = applicationMenuTemplate('darwin', { openPreferences })!;
    expect(template.map((menu) => menu.role)).toEqual(['appMenu', 'editMenu', 'windowMenu']);
    const appItems = template[0]!.submenu as MenuItemConstructorOptions[];
    expect(appItems.map((item) => item.role ?? item.id ?? item.type)).toEqual([
      'about',
      'separator',
      'preferences',
      'separator',
      'services',
      'separator',
      'hide',
      'hideOthers',
      'unhide',
      'separator',
      'quit',
    ]);
    const preferences = appItems.find((item) => item.id === 'preferences')!;
    expect(preferences).toMatchObject({ label: 'Preferences…', accelerator: 'Command+,' });
    (preferences.click as () => void)();
    expect(openPreferences).toHaveBeenCalledOnce();
  });
});
