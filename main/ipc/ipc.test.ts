import { describe, expect, it, vi } from 'vitest';
import { requestChannels } from '../../app/ipc/contract';
import type { RolecallApi } from '../../app/ipc/contract';
import { RolecallError } from '../../app/model/errors';
import type { CoreEvent } from '../../app/session/core';
import { createFakeElectron, FakeWebContents } from '../testing/fake-electron';
import { emptySnapshot } from '../../app/model/test-support/snapshot-fixture';
import { forwardCoreEvents } from './core-events';
import { registerRequestHandlers } from './request-router';
import { TrustedSenders } from './trusted-senders';

const APP_URL = 'rolecall://app/index.html';
const role = { instanceId: 'acme', accountId: '111122223333', roleName: 'Developer' };

const setup = (overrides: Partial<RolecallApi> = {}) => {
  const electron = createFakeElectron();
  const calls: { channel: string; payload: unknown }[] = [];
  const api = Object.fromEntries(
    requestChannels.map((channel) => [
      channel,
      async (payload: unknown) => {
        calls.push({ channel, payload });
        return channel === 'state:get' ? emptySnapshot() : undefined;
      },
    ]),
  ) as unknown as RolecallApi;
  Object.assign(api, overrides);
  const senders = new TrustedSenders();
  const log = { warn: vi.fn<(message: string) => void>(), error: vi.fn<(message: string) => void>() };
  const dispose = registerRequestHandlers(electron.ipcMain, {
    api,
    isTrustedSender: (id) => senders.isTrusted(id),
    isAppUrl: (url) => url.startsWith('rolecall://app/'),
    onRendererReady: (id) => senders.markReady(id),
    log,
  });
  const window = new FakeWebContents();
  window.url = APP_URL;
  senders.trust(window);
  return { electron, calls, senders, log, window, dispose };
};

describe('request handlers', () => {
  it('registers exactly the contract channels and removes them again', () => {
    const { electron, dispose } = setup();
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual([...requestChannels].sort());
    dispose();
    expect(electron.ipcMain.handlers.size).toBe(0);
  });

  it('routes a valid request to the core with the parsed payload', async () => {
    const { electron, calls, window } = setup();
    const result = await electron.ipcMain.invoke('session:sign-in', { instanceId: 'acme' }, window);
    expect(result).toEqual({ ok: true, value: undefined });
    // Without a flow the core picks its default (PKCE where it can open a browser).
    expect(calls).toEqual([{ channel: 'session:sign-in', payload: { instanceId: 'acme' } }]);
    await electron.ipcMain.invoke('session:sign-in', { instanceId: 'acme', flow: 'device' }, window);
    expect(calls.at(-1)).toEqual({ channel: 'session:sign-in', payload: { instanceId: 'acme', flow: 'device' } });
  });

  it('refuses an untrusted sender without calling the core', async () => {
    const { electron, calls, log } = setup();
    const stranger = new FakeWebContents();
    stranger.url = APP_URL;
    const result = await electron.ipcMain.invoke('credentials:copy', { role }, stranger);
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(calls).toEqual([]);
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('untrusted'));
  });

  it('refuses a trusted window once it shows another page, and forgets it when destroyed', async () => {
    const { electron, calls, window, senders } = setup();
    const elsewhere = await electron.ipcMain.invoke('state:get', undefined, window, 'https://evil.example/');
    expect(elsewhere).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    window.destroy();
    expect(senders.isTrusted(window.id)).toBe(false);
    const afterDeath = await electron.ipcMain.invoke('state:get', undefined, window);
    expect(afterDeath).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(calls).toEqual([]);
  });

  it('rejects a malformed payload and logs the channel, never the payload', async () => {
    const { electron, calls, window, log } = setup();
    const secretish = 'javascript:alert("do-not-log-me")';
    const result = await electron.ipcMain.invoke('instance:add', { startUrl: secretish, region: 'us-east-1' }, window);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const extra = await electron.ipcMain.invoke('credentials:copy', { role, format: 'posix', smuggled: true }, window);
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(calls).toEqual([]);
    const logged = log.warn.mock.calls.map(([message]) => message).join('\n');
    expect(logged).toContain('instance:add');
    expect(logged).not.toContain('do-not-log-me');
  });

  it('turns core errors into an IpcResult with code and sentence', async () => {
    const { electron, window, log } = setup({
      'session:sign-out': async () => {
        throw new RolecallError('network', 'Rolecall could not reach AWS; check your connection.');
      },
      'directory:refresh': async () => {
        throw new TypeError('secret-token-abc is not a function');
      },
    });
    expect(await electron.ipcMain.invoke('session:sign-out', { instanceId: 'acme' }, window)).toEqual({
      ok: false,
      error: { code: 'network', message: 'Rolecall could not reach AWS; check your connection.' },
    });
    const internal = await electron.ipcMain.invoke('directory:refresh', {}, window);
    expect(internal).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(internal)).not.toContain('secret-token-abc');
    expect(log.error).toHaveBeenCalledWith(expect.stringContaining('directory:refresh'));
  });
});

describe('events to renderers', () => {
  it('queues events until the renderer asks for state, keeping only the newest snapshot', async () => {
    const { electron, senders, window } = setup();
    let emit: (event: CoreEvent) => void = () => undefined;
    forwardCoreEvents({ subscribe: (listener) => ((emit = listener), () => undefined) }, senders);
    const first = emptySnapshot({ favorites: [role] });
    const second = emptySnapshot({ recents: [role] });
    emit({ channel: 'state:changed', payload: first });
    emit({ channel: 'directory:changed', payload: { instanceId: 'acme' } });
    emit({ channel: 'state:changed', payload: second });
    expect(window.sent).toEqual([]);

    await electron.ipcMain.invoke('state:get', undefined, window);
    expect(window.sent).toEqual([
      { channel: 'directory:changed', payload: { instanceId: 'acme' } },
      { channel: 'state:changed', payload: second },
    ]);

    emit({ channel: 'quick-switcher:open', payload: undefined });
    expect(window.sent.at(-1)).toEqual({ channel: 'quick-switcher:open', payload: undefined });
  });

  it('sends nothing to untrusted or destroyed windows, and queues again after a reload', async () => {
    const { electron, senders, window } = setup();
    const stranger = new FakeWebContents();
    await electron.ipcMain.invoke('state:get', undefined, window);
    senders.markNotReady(window.id);
    senders.broadcast('directory:changed', { instanceId: 'acme' });
    expect(window.sent).toEqual([]);
    window.destroy();
    senders.broadcast('directory:changed', { instanceId: 'beta' });
    expect(stranger.sent).toEqual([]);
  });
});
