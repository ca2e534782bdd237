import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../app/ipc/contract';
import type { EventChannel, EventPayloads, RequestChannel, RolecallBridge } from '../../app/ipc/contract';
import { createMemoryCore, generateAccounts } from '../../app/session/test-support/memory-core';
import type { MemoryCore } from '../../app/session/test-support/memory-core';
import { BridgeError } from '../bridge/bridge-error';
import { createActions } from './actions';
import type { Platform } from './actions';
import { selectActiveRow, selectResultList } from './selectors';
import { createRolecallStore } from './store';

const instance = {
  id: 'acme',
  label: 'Acme',
  startUrl: 'https://d-1234567890.awsapps.com/start',
  region: 'eu-west-1',
  ssoSessionName: 'acme',
};
const accounts = generateAccounts(20);
const now = 1_700_000_000_000;

/** The core behind the contract in-process: validation and error codes as over IPC. */
const inProcessBridge = (core: MemoryCore): RolecallBridge => ({
  invoke: async (channel, payload) => {
    try {
      const valid = parseRequest(channel, payload);
      return (await (core.api[channel as RequestChannel] as (input: unknown) => Promise<unknown>)(valid)) as never;
    } catch (error) {
      const e = error as { code?: string; userMessage?: string; message: string };
      throw new BridgeError(e.code ?? 'internal', e.userMessage ?? e.message);
    }
  },
  on: (channel, listener) =>
    core.subscribe((event) => event.channel === (channel as EventChannel) && (listener as (p: unknown) => void)(event.payload)),
});

const fakePlatform = () => {
  const clipboard: string[] = [];
  const opened: string[] = [];
  const timers: { ms: number; run: () => void }[] = [];
  const platform: Platform = {
    writeClipboard: async (text) => void clipboard.push(text),
    readClipboard: async () => clipboard.at(-1) ?? '',
    openUrl: (url) => void opened.push(url),
    now: () => now,
    setTimer: (run, ms) => void timers.push({ run, ms }),
  };
  return { platform, clipboard, opened, timers };
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const setup = (shell: 'web' | 'desktop' = 'web') => {
  const core = createMemoryCore({ now: () => now, shell, signedIn: [{ instance, accounts, sessionEndsAt: now + 8 * 3600_000 }] });
  const store = createRolecallStore();
  const fake = fakePlatform();
  const actions = createActions(store, inProcessBridge(core), fake.platform);
  const disconnect = actions.connect();
  return { core, store, actions, disconnect, ...fake };
};

const roleOf = (index: number, roleName?: string) => {
  const account = accounts[index]!;
  return { instanceId: 'acme', accountId: account.accountId, roleName: roleName ?? account.roles[0]! };
};

describe('store + actions over the bridge', () => {
  it('mirrors the snapshot and fetches the directory of each instance', async () => {
    const { store } = setup();
    await settle();
    await settle();
    expect(store.getState().snapshot?.instances.map((i) => i.id)).toEqual(['acme']);
    expect(store.getState().entries).toHaveLength(80);
    expect(selectResultList(store.getState()).optionRows).toHaveLength(80);
  });

  it('refetches a directory on directory:changed', async () => {
    const { core, store } = setup();
    await settle();
    await settle();
    const calls = core.calls.filter((c) => c === 'directory:get').length;
    await core.api['directory:refresh']({ instanceId: 'acme' });
    await settle();
    expect(core.calls.filter((c) => c === 'directory:get').length).toBe(calls + 1);
    expect(store.getState().directories.acme?.accounts).toHaveLength(20);
  });

  it('searches from the store and clamps the active option', async () => {
    const { store } = setup();
    await settle();
    await settle();
    store.getState().setQuery('prod adm');
    const list = selectResultList(store.getState());
    expect(list.matchCount).toBeGreaterThan(0);
    store.getState().setActiveIndex(10_000);
    expect(selectActiveRow(store.getState())?.optionIndex).toBe(list.optionRows.length - 1);
    expect(selectActiveRow(store.getState())?.entry.accountName).toMatch(/^prod-/);
  });

  it('web mode: copy writes clipboardText with the page clipboard and says what was copied', async () => {
    const { actions, store, clipboard, core } = setup('web');
    await settle();
    const role = roleOf(0);
    await actions.copy(role);
    expect(clipboard).toEqual([`export AWS_ACCESS_KEY_ID=ASIAMEMORYCORE${role.accountId}`]);
    expect(store.getState().toasts.at(-1)).toMatchObject({
      kind: 'success',
      message: `Copied export lines for ${accounts[0]!.accountName} / ${role.roleName} (expires in 1h)`,
    });
    expect(core.calls).toContain('credentials:copy');
  });

  it('web mode: clears the clipboard later only if it still holds the copy', async () => {
    const { actions, clipboard, timers, core } = setup('web');
    await settle();
    await core.api['preferences:update']({ clipboardClearSeconds: 30 });
    await actions.copy(roleOf(1), 'fish');
    const clear = timers.find((t) => t.ms === 30_000);
    expect(clear).toBeDefined();
    clear!.run();
    await settle();
    expect(clipboard.at(-1)).toBe('');

    await actions.copy(roleOf(2));
    clipboard.push('something the user copied since');
    timers.find((t, i) => t.ms === 30_000 && i > timers.indexOf(clear!))!.run();
    await settle();
    expect(clipboard.at(-1)).toBe('something the user copied since');
  });

  it('desktop mode: nothing touches the page clipboard or opens windows', async () => {
    const { actions, clipboard, opened } = setup('desktop');
    await settle();
    await actions.copy(roleOf(0));
    await actions.openConsole(roleOf(0));
    expect(clipboard).toEqual([]);
    expect(opened).toEqual([]);
  });

  it('web mode: console:open opens the returned URL', async () => {
    const { actions, opened, store } = setup('web');
    await settle();
    await settle();
    await actions.openConsole(roleOf(3));
    expect(opened).toHaveLength(1);
    expect(opened[0]).toContain(`account=${accounts[3]!.accountId}`);
    expect(store.getState().toasts.at(-1)?.message).toBe(
      `Opened the console for ${accounts[3]!.accountName} / ${roleOf(3).roleName} in eu-west-1`,
    );
  });

  it('shows core errors as a toast in plain words and auto-dismisses it', async () => {
    const { actions, store, timers } = setup('web');
    await settle();
    await actions.copy({ instanceId: 'acme', accountId: '999999999999', roleName: 'Ghost' });
    const toast = store.getState().toasts.at(-1);
    expect(toast).toMatchObject({ kind: 'error', message: 'Ghost in 999999999999 is no longer assigned to you.' });
    timers.at(-1)!.run();
    expect(store.getState().toasts.find((t) => t.id === toast!.id)).toBeUndefined();
  });

  it('returns add-instance errors to the form instead of a toast', async () => {
    const { actions, store } = setup('web');
    await settle();
    const duplicate = await actions.addInstance({ startUrl: instance.startUrl, region: instance.region });
    expect(duplicate).toEqual({ ok: false, message: expect.stringContaining('is already configured as "Acme"') });
    expect(store.getState().toasts).toEqual([]);
    expect(await actions.addInstance({ startUrl: 'https://d-9999999999.awsapps.com/start', region: 'us-east-1' })).toEqual({ ok: true });
    await settle();
    expect(store.getState().snapshot?.instances).toHaveLength(2);
  });

  it('pins through the core and reflects it in the empty-search sections', async () => {
    const { actions, store } = setup('web');
    await settle();
    await settle();
    await actions.toggleFavorite(roleOf(5));
    const list = selectResultList(store.getState());
    expect(list.rows[0]).toMatchObject({ kind: 'section', title: 'Pinned' });
    expect(list.rows[1]).toMatchObject({ kind: 'role', section: 'pinned', entry: { accountId: accounts[5]!.accountId } });
  });

  it('drops the directory of a removed instance', async () => {
    const { actions, store } = setup('web');
    await settle();
    await settle();
    await actions.removeInstance('acme');
    expect(store.getState().entries).toEqual([]);
    expect(store.getState().directories).toEqual({});
  });

  it('aliases: setting one re-indexes the search, so the alias finds the account first; empty removes it', async () => {
    const { actions, store, core } = setup('web');
    await settle();
    await settle();
    const target = accounts[7]!;
    expect(await actions.setAlias('acme', target.accountId, '  zz9  ')).toEqual({ ok: true });
    expect(core.calls).toContain('aliases:set');
    expect(store.getState().snapshot?.aliases).toEqual({ [`acme/${target.accountId}`]: 'zz9' });
    expect(store.getState().toasts.at(-1)).toMatchObject({ kind: 'success', message: `Alias “zz9” set for ${target.accountName}` });
    expect(store.getState().entries.filter((entry) => entry.alias === 'zz9')).toHaveLength(target.roles.length);

    store.getState().setQuery('zz9');
    const list = selectResultList(store.getState());
    expect(list.rows[0]).toMatchObject({ kind: 'account', accountId: target.accountId, alias: 'zz9' });
    expect(selectActiveRow(store.getState())?.entry.accountId).toBe(target.accountId);

    expect(await actions.setAlias('acme', target.accountId, '')).toEqual({ ok: true });
    expect(store.getState().snapshot?.aliases).toEqual({});
    expect(store.getState().entries.some((entry) => entry.alias !== '')).toBe(false);
    expect(selectResultList(store.getState()).matchCount).toBe(0);
    expect(store.getState().toasts.at(-1)?.message).toBe(`Removed the alias of ${target.accountName}`);
  });

  it('aliases: a refusal comes back to the editor in words, not as a toast', async () => {
    const { actions, store } = setup('web');
    await settle();
    const result = await actions.setAlias('nope', accounts[0]!.accountId, 'x');
    expect(result).toEqual({ ok: false, message: 'There is no instance "nope".' });
    expect(store.getState().toasts).toEqual([]);
  });

  it('keeps the search entries when a snapshot changes neither labels nor aliases', async () => {
    const { core, store } = setup('web');
    await settle();
    await settle();
    const before = store.getState().entries;
    await core.api['preferences:update']({ notificationLeadMinutes: 20 });
    expect(store.getState().snapshot?.preferences.notificationLeadMinutes).toBe(20);
    expect(store.getState().entries).toBe(before);
  });

  it('instance:update renames the instance (search labels follow) and returns refusals to the form', async () => {
    const { actions, store, core } = setup('web');
    await settle();
    await settle();
    expect(await actions.updateInstance('acme', { label: 'Acme Corp', ssoSessionName: 'acme-corp' })).toEqual({ ok: true });
    expect(core.calls).toContain('instance:update');
    expect(store.getState().snapshot?.instances[0]).toMatchObject({ label: 'Acme Corp', ssoSessionName: 'acme-corp' });
    expect(store.getState().entries[0]?.instanceLabel).toBe('Acme Corp');
    expect(await actions.updateInstance('gone', { label: 'X' })).toEqual({ ok: false, message: 'There is no instance "gone".' });
    expect(store.getState().toasts).toEqual([]);
  });

  it('signs in with the device flow by default and with PKCE when asked', async () => {
    const calls: unknown[] = [];
    const { store } = setup('web');
    const bridge: RolecallBridge = {
      invoke: async (channel, payload) => void calls.push({ channel, payload }) as never,
      on: () => () => undefined,
    };
    const actions = createActions(store, bridge, fakePlatform().platform);
    await actions.signIn('acme');
    await actions.signIn('acme', 'pkce');
    expect(calls).toEqual([
      { channel: 'session:sign-in', payload: { instanceId: 'acme', flow: 'device' } },
      { channel: 'session:sign-in', payload: { instanceId: 'acme', flow: 'pkce' } },
    ]);
  });

  it('view:open from the shell switches the screen (preferences, then back to roles)', async () => {
    const core = createMemoryCore({ now: () => now, signedIn: [{ instance, accounts, sessionEndsAt: now + 3600_000 }] });
    const shell = new Set<(payload: EventPayloads['view:open']) => void>();
    const inner = inProcessBridge(core);
    const bridge: RolecallBridge = {
      invoke: inner.invoke,
      on: (channel, listener) => {
        if (channel !== 'view:open') return inner.on(channel, listener);
        const typed = listener as (payload: EventPayloads['view:open']) => void;
        shell.add(typed);
        return () => shell.delete(typed);
      },
    };
    const store = createRolecallStore();
    const disconnect = createActions(store, bridge, fakePlatform().platform).connect();
    await settle();
    expect(store.getState().view).toBe('directory');
    shell.forEach((listener) => listener({ view: 'preferences' }));
    expect(store.getState().view).toBe('preferences');
    shell.forEach((listener) => listener({ view: 'roles' }));
    expect(store.getState().view).toBe('directory');
    disconnect();
    expect(shell.size).toBe(0);
  });

  it('stops listening after disconnect', async () => {
    const { core, store, disconnect } = setup('web');
    await settle();
    disconnect();
    await core.api['favorites:toggle']({ role: roleOf(0) });
    expect(store.getState().snapshot?.favorites).toEqual([]);
  });
});
