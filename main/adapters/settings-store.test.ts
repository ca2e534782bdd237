import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultSettings } from '../../app/model/settings';
import { acmeInstance } from '../../app/model/test-support/instance-fixture';

// electron-store imports the `electron` package, which on this machine (no binary) only
// resolves with an explicit dist path; it then runs as plain `conf` in the given directory.
vi.hoisted(() => {
  process.env.ELECTRON_OVERRIDE_DIST_PATH ??= '/nonexistent-electron-dist';
});

const { electronStorePath, openElectronStore } = await import('./electron-stores');
const { ElectronSettingsStore } = await import('./settings-store');

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const setup = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rolecall-settings-'));
  dirs.push(dir);
  const onCorrupt = vi.fn();
  const store = new ElectronSettingsStore({
    path: electronStorePath(dir, 'settings'),
    open: () => openElectronStore(dir, 'settings'),
    onCorrupt,
    now: () => Date.UTC(2025, 0, 2, 3, 4, 5),
  });
  return { dir, store, onCorrupt, path: electronStorePath(dir, 'settings') };
};

const instance = acmeInstance;

describe('ElectronSettingsStore', () => {
  it('starts from defaults without writing, and round-trips saved settings through electron-store', async () => {
    const { store, path, dir } = await setup();
    expect(await store.load()).toEqual(defaultSettings());
    expect(await readdir(dir)).toEqual([]);
    const settings = { ...defaultSettings(), instances: [instance] };
    await store.save(settings);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ instances: [instance] });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const again = new ElectronSettingsStore({ path, open: () => openElectronStore(dir, 'settings'), onCorrupt: vi.fn() });
    expect(await again.load()).toEqual(settings);
    expect(again.current()).toEqual(settings);
  });

  it('changes settings as a patch on the file: an instance the CLI added meanwhile survives a preference change', async () => {
    const { store, dir } = await setup();
    await store.load();
    // `rolecall login` in a terminal, while the app runs, writes the same file through the CLI's store.
    const { FileSettingsStore } = await import('../../app/storage/file-settings-store');
    await new FileSettingsStore(dir).update((stored) => ({ ...stored, instances: [...stored.instances, instance] }));
    const next = await store.update((stored) => ({ ...stored, preferences: { ...stored.preferences, clipboardClearSeconds: 42 } }));
    expect(next.instances).toEqual([instance]);
    expect(next.preferences.clipboardClearSeconds).toBe(42);
    expect(await new FileSettingsStore(dir).load()).toEqual(next);
  });

  it('moves an unparsable file aside and reports it instead of resetting it silently', async () => {
    const { store, path, dir, onCorrupt } = await setup();
    await writeFile(path, '{"instances": [ {"id": "acme", ');
    expect(await store.load()).toEqual(defaultSettings());
    const movedTo = `${path}.corrupt-2025-01-02T03-04-05-000Z`;
    expect(onCorrupt).toHaveBeenCalledWith(expect.objectContaining({ movedTo, message: expect.stringContaining(movedTo) }));
    expect(await readFile(movedTo, 'utf8')).toBe('{"instances": [ {"id": "acme", ');
    expect((await readdir(dir)).sort()).toEqual(['settings.json.corrupt-2025-01-02T03-04-05-000Z']);
    await store.save(defaultSettings());
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(defaultSettings());
  });

  it('moves aside a file that parses but breaks the schema', async () => {
    const { store, path, onCorrupt } = await setup();
    await writeFile(path, JSON.stringify({ instances: [{ ...instance, startUrl: 'ftp://nope' }] }));
    expect(await store.load()).toEqual(defaultSettings());
    expect(onCorrupt).toHaveBeenCalledWith(expect.objectContaining({ reason: expect.stringContaining('instances.0.startUrl') }));
  });

  it('refuses to save settings that break the schema', async () => {
    const { store } = await setup();
    const broken = { ...defaultSettings(), preferences: { ...defaultSettings().preferences, clipboardClearSeconds: -1 } };
    await expect(store.save(broken)).rejects.toMatchObject({ code: 'internal' });
  });

  it('sets aside a file corrupted while the app runs, then writes', async () => {
    const { store, path, onCorrupt } = await setup();
    await store.load();
    await writeFile(path, 'not json');
    await store.save(defaultSettings());
    expect(onCorrupt).toHaveBeenCalledTimes(1);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(defaultSettings());
  });
});
