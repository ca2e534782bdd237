import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../model/settings';
import { requestSchemas } from './contract';

describe('the console-browser preference', () => {
  it('is a browser name: a request naming a program or a path is refused before it reaches the core', () => {
    const update = requestSchemas['preferences:update'];
    for (const consoleBrowser of ['/any/executable', 'firefox --new-instance', 'sh', '../../bin/evil', 'C:\\\\evil.exe']) {
      expect(update.safeParse({ consoleBrowser }).success, consoleBrowser).toBe(false);
    }
    expect(update.parse({ consoleBrowser: 'firefox' })).toEqual({ consoleBrowser: 'firefox' });
    expect(update.parse({ consoleBrowser: null })).toEqual({ consoleBrowser: null });
    expect(update.safeParse({ unknownPreference: true }).success).toBe(false);
  });

  it('a free-form command left in an older settings file reads as the default browser, not as a corrupt file', () => {
    const parsed = settingsSchema.parse({ preferences: { consoleBrowser: '/usr/bin/my-browser --flag', clipboardClearSeconds: 30 } });
    expect(parsed.preferences.consoleBrowser).toBeNull();
    expect(parsed.preferences.clipboardClearSeconds).toBe(30);
  });
});

describe('preferences:update', () => {
  it('carries only what the request names: no default is filled in for the other preferences', () => {
    expect(requestSchemas['preferences:update'].parse({ clipboardClearSeconds: 30 })).toEqual({ clipboardClearSeconds: 30 });
    expect(requestSchemas['preferences:update'].safeParse({ clipboardClearSeconds: -1 }).success).toBe(false);
  });
});
