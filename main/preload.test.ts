import { beforeEach, describe, expect, it, vi } from 'vitest';
import { eventChannels, requestChannels } from '../app/ipc/contract';
import type { PreloadApi } from '../app/ipc/contract';
import type { FakeElectron } from './testing/fake-electron';
import { preloadEventChannels, preloadRequestChannels } from './preload-bridge';

const fake = vi.hoisted(() => ({ electron: undefined as unknown as FakeElectron }));
vi.mock('electron', async () => {
  const { createFakeElectron } = await import('./testing/fake-electron');
  fake.electron = createFakeElectron();
  return fake.electron;
});

const loadPreload = async (): Promise<PreloadApi> => {
  vi.resetModules();
  await import('./preload');
  return fake.electron.exposed.get('rolecall') as PreloadApi;
};

describe('preload', () => {
  let api: PreloadApi;
  beforeEach(async () => {
    api = await loadPreload();
  });

  it('exposes exactly one method per request channel, plus on, as window.rolecall', () => {
    expect([...fake.electron.exposed.keys()]).toEqual(['rolecall']);
    expect(Object.keys(api).sort()).toEqual([...requestChannels, 'on'].sort());
    for (const channel of requestChannels) expect(typeof api[channel]).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('keeps its channel lists in step with the contract', () => {
    expect([...preloadRequestChannels].sort()).toEqual([...requestChannels].sort());
    expect([...preloadEventChannels].sort()).toEqual([...eventChannels].sort());
  });

  it('invokes the channel of the same name and unwraps the value', async () => {
    fake.electron.ipcRenderer.reply = (channel) => ({ ok: true, value: { instanceId: `made-by-${channel}` } });
    await expect(api['instance:add']({ startUrl: 'https://d-1.awsapps.com/start', region: 'us-east-1' })).resolves.toEqual({
      instanceId: 'made-by-instance:add',
    });
    expect(fake.electron.ipcRenderer.invocations).toEqual([
      { channel: 'instance:add', payload: { startUrl: 'https://d-1.awsapps.com/start', region: 'us-east-1' } },
    ]);
  });

  it('turns an error result into a rejection with code and message', async () => {
    fake.electron.ipcRenderer.reply = () => ({
      ok: false,
      error: { code: 'sign-in-denied', message: 'Sign-in was denied in the browser.' },
    });
    await expect(api['session:sign-in']({ instanceId: 'acme' })).rejects.toMatchObject({
      code: 'sign-in-denied',
      message: 'Sign-in was denied in the browser.',
    });
    fake.electron.ipcRenderer.reply = () => 'not an envelope';
    await expect(api['state:get'](undefined)).rejects.toMatchObject({ code: 'internal' });
  });

  it('delivers allow-listed events without the Electron event object, and unsubscribes', () => {
    const received: unknown[] = [];
    const off = api.on('directory:changed', (payload) => received.push(payload));
    fake.electron.ipcRenderer.emit('directory:changed', { instanceId: 'acme' });
    expect(received).toEqual([{ instanceId: 'acme' }]);
    off();
    expect(fake.electron.ipcRenderer.listenerCount('directory:changed')).toBe(0);
    fake.electron.ipcRenderer.emit('directory:changed', { instanceId: 'beta' });
    expect(received).toHaveLength(1);
  });

  it('refuses to listen on channels outside the contract', () => {
    const on = api.on as (channel: string, listener: () => void) => () => void;
    expect(() => on('electron-store-get-data', () => undefined)).toThrow(/not a Rolecall event/);
    expect(fake.electron.ipcRenderer.listenerCount('electron-store-get-data')).toBe(0);
  });
});
