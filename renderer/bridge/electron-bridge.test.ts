import { describe, expect, it } from 'vitest';
import { requestChannels } from '../../app/ipc/contract';
import type { EventPayloads, PreloadApi } from '../../app/ipc/contract';
import { BridgeError } from './bridge-error';
import { electronBridge } from './electron-bridge';
import { pickBridge } from './pick-bridge';

/** A preload-shaped object: one method per channel recording its payload, and `on`. */
const fakePreload = () => {
  const calls: [string, unknown][] = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  const api = Object.fromEntries(
    requestChannels.map((channel) => [
      channel,
      async (payload: unknown) => {
        calls.push([channel, payload]);
        if (channel === 'session:sign-in') throw Object.assign(new Error('Sign-in was denied in the browser.'), { code: 'sign-in-denied' });
        if (channel === 'instance:remove') throw new TypeError('');
        // What the real preload rejects with: contextBridge clones plain objects whole.
        if (channel === 'session:sign-out') throw { name: 'RolecallError', code: 'signed-out', message: 'You are signed out.' };
        return channel === 'preferences:update' ? { echoed: payload } : undefined;
      },
    ]),
  );
  const preload = {
    ...api,
    on: (channel: string, listener: (payload: unknown) => void) => {
      listeners.set(channel, listener);
      return () => listeners.delete(channel);
    },
  } as unknown as PreloadApi;
  return { preload, calls, listeners };
};

describe('electronBridge', () => {
  it('calls the preload method named by the channel with the payload', async () => {
    const { preload, calls } = fakePreload();
    const bridge = electronBridge(preload);
    expect(await bridge.invoke('preferences:update', { launchAtLogin: true })).toEqual({ echoed: { launchAtLogin: true } });
    await bridge.invoke('state:get', undefined);
    expect(calls).toEqual([
      ['preferences:update', { launchAtLogin: true }],
      ['state:get', undefined],
    ]);
  });

  it('turns rejections into BridgeErrors with the preload code, or internal', async () => {
    const bridge = electronBridge(fakePreload().preload);
    await expect(bridge.invoke('session:sign-in', { instanceId: 'a' })).rejects.toEqual(
      new BridgeError('sign-in-denied', 'Sign-in was denied in the browser.'),
    );
    const other = (await bridge.invoke('instance:remove', { instanceId: 'a' }).catch((e: unknown) => e)) as BridgeError;
    expect([other.code, other.message]).toEqual(['internal', 'Something went wrong inside Rolecall.']);
    await expect(bridge.invoke('session:sign-out', { instanceId: 'a' })).rejects.toEqual(
      new BridgeError('signed-out', 'You are signed out.'),
    );
  });

  it('passes event subscriptions through', () => {
    const { preload, listeners } = fakePreload();
    const seen: EventPayloads['directory:changed'][] = [];
    const off = electronBridge(preload).on('directory:changed', (payload) => seen.push(payload));
    listeners.get('directory:changed')?.({ instanceId: 'acme' });
    expect(seen).toEqual([{ instanceId: 'acme' }]);
    off();
    expect(listeners.has('directory:changed')).toBe(false);
  });
});

describe('pickBridge', () => {
  it('uses the preload when the page has window.rolecall', () => {
    const picked = pickBridge({ rolecall: fakePreload().preload } as unknown as Window & { rolecall: PreloadApi });
    expect(picked.mode).toBe('electron');
    expect(picked.onConnectionChange).toBeUndefined();
  });
});
