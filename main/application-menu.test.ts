import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { ApplicationMenuId, applicationMenuTemplate } from './application-menu';

const actions = () => ({ openPreferences: vi.fn(), installCommand: vi.fn() });
const appItems = (template: MenuItemConstructorOptions[]) => template[0]!.submenu as MenuItemConstructorOptions[];

describe('applicationMenuTemplate', () => {
  it('has no window menu on Linux (the package installs /usr/bin/rolecall, the tray carries Preferences…)', () => {
    expect(applicationMenuTemplate('linux', actions())).toBeNull();
  });

  it('on macOS keeps the Edit menu and puts Preferences… (Cmd+,) and Install the rolecall command in the app menu', () => {
    const handlers = actions();
    const template = applicationMenuTemplate('darwin', handlers)!;
    expect(template.map((menu) => menu.role)).toEqual(['appMenu', 'editMenu', 'windowMenu']);
    const items = appItems(template);
    expect(items.map((item) => item.role ?? item.id ?? item.type)).toEqual([
      'about',
      'separator',
      'preferences',
      'install-cli',
      'separator',
      'services',
      'separator',
      'hide',
      'hideOthers',
      'unhide',
      'separator',
      'quit',
    ]);
    const preferences = items.find((item) => item.id === ApplicationMenuId.preferences)!;
    expect(preferences).toMatchObject({ label: 'Preferences…', accelerator: 'Command+,' });
    (preferences.click as () => void)();
    expect(handlers.openPreferences).toHaveBeenCalledOnce();
    const install = items.find((item) => item.id === ApplicationMenuId.installCommand)!;
    expect(install.label).toBe('Install the rolecall command');
    (install.click as () => void)();
    expect(handlers.installCommand).toHaveBeenCalledOnce();
  });

  it('on Windows has one Rolecall menu whose item adds the command to PATH', () => {
    const handlers = actions();
    const template = applicationMenuTemplate('win32', handlers)!;
    expect(template.map((menu) => menu.id)).toEqual(['app']);
    const items = appItems(template);
    expect(items.map((item) => item.role ?? item.id ?? item.type)).toEqual(['preferences', 'install-cli', 'separator', 'quit']);
    const install = items.find((item) => item.id === 'install-cli')!;
    expect(install.label).toBe('Add the rolecall command to PATH');
    (install.click as () => void)();
    expect(handlers.installCommand).toHaveBeenCalledOnce();
  });
});
