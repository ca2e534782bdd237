import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../model/settings';
import type { Settings } from '../model/settings';
import { FileSettingsStore } from './file-settings-store';
import type { StoreProblem } from './store-problem';

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'rolecall-settings-'));
  dir = join(root, 'rolecall');
});
afterEach(() => rm(root, { recursive: true, force: true }));

const withInstance = (settings: Settings): Settings => ({
  ...settings,
  instances: [
    { id: 'work', label: 'Work', startUrl: 'https://d-1234567890.awsapps.com/start', region: 'eu-west-1', ssoSessionName: 'work' },
  ],
  preferences: { ...settings.preferences, defaultCopyFormat: 'fish', clipboardClearSeconds: 30 },
  favorites: [{ instanceId: 'work', accountId: '111122223333', roleName: 'Admin' }],
});

describe('FileSettingsStore', () => {
  it('returns defaults when there is no file, without reporting a problem', async () => {
    const store = new FileSettingsStore(dir);
    expect(await store.load()).toEqual(defaultSettings());
    expect(store.lastLoadProblem).toBeUndefined();
  });

  it('round-trips settings through a 0600 file in a 0700 directory, leaving no temp files', async () => {
    const store = new FileSettingsStore(dir);
    const settings = withInstance(defaultSettings());
    await store.save(settings);
    expect(await new FileSettingsStore(dir).load()).toEqual(settings);
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(await readdir(dir)).toEqual(['settings.json']);
  });

  it('fills defaults for fields an older file lacks', async () => {
    await new FileSettingsStore(dir).save(defaultSettings());
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ version: 1, preferences: { defaultCopyFormat: 'cmd' } }));
    const loaded = await new FileSettingsStore(dir).load();
    expect(loaded.preferences.defaultCopyFormat).toBe('cmd');
    expect(loaded.preferences.notificationLeadMinutes).toBe(15);
    expect(loaded.instances).toEqual([]);
  });

  it.each([
    ['broken JSON', '{"version": 1, "instances": ['],
    ['a schema violation', JSON.stringify({ version: 1, preferences: { defaultCopyFormat: 'tcsh' } })],
    ['a future version', JSON.stringify({ version: 2 })],
  ])('moves a file with %s aside, reports it and starts from defaults', async (_what, content) => {
    const problems: StoreProblem[] = [];
    await new FileSettingsStore(dir).save(defaultSettings());
    await writeFile(join(dir, 'settings.json'), content);
    const store = new FileSettingsStore(dir, { onProblem: (problem) => problems.push(problem), now: () => Date.UTC(2025, 4, 6, 7, 8, 9) });
    expect(await store.load()).toEqual(defaultSettings());
    const movedTo = join(dir, 'settings.json.corrupt-2025-05-06T07-08-09-000Z');
    expect(store.lastLoadProblem).toMatchObject({ file: join(dir, 'settings.json'), movedTo });
    expect(store.lastLoadProblem?.message).toBe(
      `Your settings file was unreadable and was moved to ${movedTo}; Rolecall started with default settings.`,
    );
    expect(problems).toEqual([store.lastLoadProblem]);
    // The old content is kept verbatim, and the next save does not touch it.
    expect(await readFile(movedTo, 'utf8')).toBe(content);
    await store.save(withInstance(defaultSettings()));
    expect(await readFile(movedTo, 'utf8')).toBe(content);
    expect(await store.load()).toEqual(withInstance(defaultSettings()));
    expect(store.lastLoadProblem).toBeUndefined();
  });

  it('refuses to save invalid settings and keeps the file', async () => {
    const store = new FileSettingsStore(dir);
    await store.save(withInstance(defaultSettings()));
    const invalid = { ...defaultSettings(), preferences: { ...defaultSettings().preferences, clipboardClearSeconds: -1 } };
    await expect(store.save(invalid)).rejects.toMatchObject({ code: 'invalid-input' });
    expect(await store.load()).toEqual(withInstance(defaultSettings()));
  });

  it('applies overlapping saves in call order', async () => {
    const store = new FileSettingsStore(dir);
    const saves = Array.from({ length: 20 }, (_, i) =>
      store.save({ ...defaultSettings(), preferences: { ...defaultSettings().preferences, clipboardClearSeconds: i + 1 } }),
    );
    await Promise.all(saves);
    expect((await store.load()).preferences.clipboardClearSeconds).toBe(20);
    expect(await readdir(dir)).toEqual(['settings.json']);
  });
});
