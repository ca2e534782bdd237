import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRequest } from '../../app/ipc/contract';
import type { EventChannel, EventPayloads, RequestChannel, RolecallBridge } from '../../app/ipc/contract';
import { startEmulatedCore, startTestEmulator, waitUntil } from '../../app/session/test-support/emulated-core';
import type { EmulatedCore, TestEmulator } from '../../app/session/test-support/emulated-core';
import type { RolecallCore } from '../../app/session/core';
import { BridgeError } from '../bridge/bridge-error';
import { createActions } from './actions';
import type { Platform } from './actions';
import { selectActiveRow, selectResultList } from './selectors';
import { createRolecallStore } from './store';

/**
 * The store and its actions over the real core (signed in to the emulator), behind the
 * contract in-process: what the views see is what the core really does.
 */

/** The core behind the contract in-process: validation and error codes as over IPC; `calls` records what was asked. */
const inProcessBridge = (core: RolecallCore, calls: RequestChannel[] = []): RolecallBridge => ({
  invoke: async (channel, payload) => {
    calls.push(channel as RequestChannel);
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

let emu: TestEmulator;
const cores: EmulatedCore[] = [];

beforeAll(async () => {
  // 20 accounts of 4 roles: 80 rows, account 0 is prod-payments (AdministratorAccess first).
  emu = await startTestEmulator({ directory: { accounts: 20, rolesPerAccount: 4, seed: 3, manyRolesEvery: 0 } });
});
afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.close()));
});
afterAll(async () => emu.close());

const fakePlatform = () => {
  const clipboard: string[] = [];
  const opened: string[] = [];
  const timers: { ms: number; run: () => void }[] = [];
  const platform: Platform = {
    writeClipboard: async (text) => void clipboard.push(text),
    readClipboard: async () => clipboard.at(-1) ?? '',
    openUrl: (url) => void opened.push(url),
    now: () => emu.clock.now(),
    setTimer: (run, ms) => void timers.push({ run, ms }),
  };
  return { platform, clipboard, opened, timers };
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A signed-in core of its own (fresh settings), the store connected to it, the directory fetched. */
const setup = async (shell: 'web' | 'desktop' = 'web') => {
  const h = await startEmulatedCore(emu, { shell });
  cores.push(h);
  const calls: RequestChannel[] = [];
  const store = createRolecallStore();
  const fake = fakePlatform();
  const actions = createActions(store, inProcessBridge(h.core, calls), fake.platform);
  const disconnect = actions.connect();
  await waitUntil(() => store.getState().entries.length > 0 || undefined, 'the directory in the store');
  return {
    h,
    core: h.core,
    id: h.instanceId,
    accounts: h.accounts(),
    roleOf: (index: number) => h.role(index),
    calls,
    store,
    actions,
    disconnect,
    ...fake,
  };
};

/** The access key id in copied export lines. */
const keyIdOf = (text: string | undefined) => /AWS_ACCESS_KEY_ID='?(ASIA[A-Z0-9]+)/.exec(text ?? '')?.[1] ?? '';

describe('store + actions over the bridge', () => {
  it('mirrors the snapshot and fetches the directory of each instance', async () => {
    const { store, id } = await setup();
    expect(store.getState().snapshot?.instances.map((i) => i.id)).toEqual([id]);
    expect(store.getState().entries).toHaveLength(80);
    expect(selectResultList(store.getState()).optionRows).toHaveLength(80);
  });

  it('keeps the directory current after a sync (directory:changed)', async () => {
    const { core, store, id } = await setup();
    const before = store.getState().directories[id]?.syncedAt ?? 0;
    emu.clock.advance(60_000);
    await core.api['directory:refresh']({ instanceId: id });
    const synced = await waitUntil(async () => {
      const current = await core.api['directory:get']({ instanceId: id });
      return current && current.syncedAt > before ? current : undefined;
    }, 'the new sync');
    await waitUntil(() => store.getState().directories[id]?.syncedAt === synced.syncedAt || undefined, 'the store to follow');
    expect(store.getState().directories[id]?.accounts).toEqual(synced.accounts);
    expect(store.getState().entries).toHaveLength(80);
  });

  it('refetches the directory on a directory:changed without a diff (a role AWS no longer assigns)', async () => {
    const { actions, store, calls, id, accounts } = await setup();
    const fetches = () => calls.filter((c) => c === 'directory:get').length;
    const before = fetches();
    // GetRoleCredentials answers "not assigned": the core drops the role and says the directory changed.
    await actions.copy({ instanceId: id, accountId: accounts[0]!.accountId, roleName: 'Ghost' });
    await waitUntil(() => fetches() > before || undefined, 'a directory:get after the change');
    expect(store.getState().directories[id]?.accounts).toHaveLength(20);
    await waitUntil(() => store.getState().snapshot?.notices.length || undefined, 'the notice');
    expect(store.getState().snapshot?.notices.at(0)?.message).toContain('Ghost');
  });

  it('searches from the store and clamps the active option', async () => {
    const { store } = await setup();
    store.getState().setQuery('prod adm');
    const list = selectResultList(store.getState());
    expect(list.matchCount).toBeGreaterThan(0);
    expect(selectActiveRow(store.getState())?.entry).toMatchObject({ accountName: 'prod-payments', roleName: 'AdministratorAccess' });
    store.getState().setActiveIndex(10_000);
    expect(selectActiveRow(store.getState())?.optionIndex).toBe(list.optionRows.length - 1);
  });

  it('web mode: copy writes clipboardText with the page clipboard and says what was copied', async () => {
    const { actions, store, clipboard, calls, accounts, roleOf, h } = await setup('web');
    const role = roleOf(0);
    await actions.copy(role);
    expect(clipboard).toHaveLength(1);
    expect(clipboard[0]).toMatch(/^export AWS_ACCESS_KEY_ID='?ASIA/);
    // Credentials the emulator issued for exactly this role; the core itself wrote no clipboard.
    expect(h.emulator.credentialsOwner(keyIdOf(clipboard[0]))).toMatchObject({ accountId: role.accountId, roleName: role.roleName });
    expect(h.clipboard).toEqual([]);
    expect(store.getState().toasts.at(-1)).toMatchObject({ kind: 'success' });
    expect(store.getState().toasts.at(-1)?.message).toMatch(
      new RegExp(`^Copied export lines for ${accounts[0]!.accountName} / ${role.roleName} \\(expires in (59m|1h 0m)\\)$`),
    );
    expect(calls).toContain('credentials:copy');
  });

  it('web mode: clears the clipboard later only if it still holds the copy', async () => {
    const { actions, clipboard, timers, core, roleOf } = await setup('web');
    await core.api['preferences:update']({ clipboardClearSeconds: 30 });
    await actions.copy(roleOf(1), 'fish');
    expect(clipboard.at(-1)).toContain('set -gx AWS_ACCESS_KEY_ID');
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

  it('desktop mode: nothing touches the page clipboard or opens windows (the core does both itself)', async () => {
    const { actions, clipboard, opened, roleOf, h, store } = await setup('desktop');
    await actions.copy(roleOf(0));
    await actions.openConsole(roleOf(0));
    expect(store.getState().toasts.filter((t) => t.kind === 'error')).toEqual([]);
    expect(clipboard).toEqual([]);
    expect(opened).toEqual([]);
    expect(h.clipboard).toHaveLength(1);
    expect(h.clipboard[0]).toMatch(/^export AWS_ACCESS_KEY_ID='?ASIA/);
    expect(h.opened).toHaveLength(1);
    expect(h.opened[0]?.startsWith(h.emulator.federationEndpoint)).toBe(true);
  });

  it('web mode: console:open opens the returned URL', async () => {
    const { actions, opened, store, accounts, roleOf, h } = await setup('web');
    await actions.openConsole(roleOf(3));
    expect(opened).toHaveLength(1);
    // The emulator's federation sign-in URL, carrying a sign-in token for that role.
    const url = new URL(opened[0]!);
    expect(`${url.origin}${url.pathname}`.startsWith(h.emulator.federationEndpoint)).toBe(true);
    expect(url.searchParams.get('Action')).toBe('login');
    expect(url.searchParams.get('SigninToken')).toBeTruthy();
    expect(h.opened).toEqual([]);
    expect(store.getState().toasts.at(-1)?.message).toBe(
      `Opened the console for ${accounts[3]!.accountName} / ${roleOf(3).roleName} in ${h.emulator.region}`,
    );
  });

  it('shows core errors as a toast in plain words and auto-dismisses it', async () => {
    const { actions, store, timers, id } = await setup('web');
    await actions.copy({ instanceId: id, accountId: '999999999999', roleName: 'Ghost' });
    const toast = store.getState().toasts.at(-1);
    expect(toast).toMatchObject({ kind: 'error', message: 'That account or role is no longer assigned to you; refresh the account list.' });
    timers.at(-1)!.run();
    expect(store.getState().toasts.find((t) => t.id === toast!.id)).toBeUndefined();
  });

  it('returns add-instance errors to the form instead of a toast', async () => {
    const { actions, store, h } = await setup('web');
    const duplicate = await actions.addInstance({ startUrl: h.emulator.startUrl, region: h.emulator.region });
    expect(duplicate).toEqual({ ok: false, message: expect.stringContaining('is already configured as "Acme"') });
    expect(store.getState().toasts).toEqual([]);
    expect(await actions.addInstance({ startUrl: 'https://d-9999999999.awsapps.com/start', region: 'us-east-1' })).toEqual({ ok: true });
    await waitUntil(() => store.getState().snapshot?.instances.length === 2 || undefined, 'the second instance');
  });

  it('pins through the core and reflects it in the empty-search sections', async () => {
    const { actions, store, accounts, roleOf } = await setup('web');
    await actions.toggleFavorite(roleOf(5));
    await waitUntil(() => store.getState().snapshot?.favorites.length || undefined, 'the pinned role in the snapshot');
    const list = selectResultList(store.getState());
    expect(list.rows[0]).toMatchObject({ kind: 'section', title: 'Pinned' });
    expect(list.rows[1]).toMatchObject({ kind: 'role', section: 'pinned', entry: { accountId: accounts[5]!.accountId } });
  });

  it('drops the directory of a removed instance', async () => {
    const { actions, store, id } = await setup('web');
    await actions.removeInstance(id);
    await waitUntil(() => store.getState().snapshot?.instances.length === 0 || undefined, 'the instance gone');
    expect(store.getState().entries).toEqual([]);
    expect(store.getState().directories).toEqual({});
  });

  it('aliases: setting one re-indexes the search, so the alias finds the account first; empty removes it', async () => {
    const { actions, store, calls, accounts, id } = await setup('web');
    const target = accounts[7]!;
    expect(await actions.setAlias(id, target.accountId, '  zz9  ')).toEqual({ ok: true });
    expect(calls).toContain('aliases:set');
    // The core pushes its snapshot on the next tick (coalesced), not before the request answers.
    await waitUntil(() => Object.keys(store.getState().snapshot?.aliases ?? {}).length || undefined, 'the alias in the snapshot');
    expect(store.getState().snapshot?.aliases).toEqual({ [`${id}/${target.accountId}`]: 'zz9' });
    expect(store.getState().toasts.at(-1)).toMatchObject({ kind: 'success', message: `Alias “zz9” set for ${target.accountName}` });
    expect(store.getState().entries.filter((entry) => entry.alias === 'zz9')).toHaveLength(target.roles.length);

    store.getState().setQuery('zz9');
    const list = selectResultList(store.getState());
    expect(list.rows[0]).toMatchObject({ kind: 'account', accountId: target.accountId, alias: 'zz9' });
    expect(selectActiveRow(store.getState())?.entry.accountId).toBe(target.accountId);

    expect(await actions.setAlias(id, target.accountId, '')).toEqual({ ok: true });
    await waitUntil(() => Object.keys(store.getState().snapshot?.aliases ?? {}).length === 0 || undefined, 'the alias gone');
    expect(store.getState().snapshot?.aliases).toEqual({});
    expect(store.getState().entries.some((entry) => entry.alias !== '')).toBe(false);
    expect(selectResultList(store.getState()).matchCount).toBe(0);
    expect(store.getState().toasts.at(-1)?.message).toBe(`Removed the alias of ${target.accountName}`);
  });

  it('aliases: a refusal comes back to the editor in words, not as a toast', async () => {
    const { actions, store, accounts } = await setup('web');
    const result = await actions.setAlias('nope', accounts[0]!.accountId, 'x');
    expect(result).toEqual({ ok: false, message: 'No instance "nope" is configured; add it first.' });
    expect(store.getState().toasts).toEqual([]);
  });

  it('keeps the search entries when a snapshot changes neither labels nor aliases', async () => {
    const { core, store } = await setup('web');
    const before = store.getState().entries;
    await core.api['preferences:update']({ notificationLeadMinutes: 20 });
    await waitUntil(() => store.getState().snapshot?.preferences.notificationLeadMinutes === 20 || undefined, 'the new preference');
    expect(store.getState().entries).toBe(before);
  });

  it('instance:update renames the instance (search labels follow) and returns refusals to the form', async () => {
    const { actions, store, calls, id } = await setup('web');
    expect(await actions.updateInstance(id, { label: 'Acme Corp', ssoSessionName: 'acme-corp' })).toEqual({ ok: true });
    expect(calls).toContain('instance:update');
    await waitUntil(() => store.getState().snapshot?.instances[0]?.label === 'Acme Corp' || undefined, 'the new label');
    expect(store.getState().snapshot?.instances[0]).toMatchObject({ label: 'Acme Corp', ssoSessionName: 'acme-corp' });
    expect(store.getState().entries[0]?.instanceLabel).toBe('Acme Corp');
    expect(await actions.updateInstance('gone', { label: 'X' })).toEqual({
      ok: false,
      message: 'No instance "gone" is configured; add it first.',
    });
    expect(store.getState().toasts).toEqual([]);
  });

  it("leaves the flow to the core's default unless one is asked for", async () => {
    const calls: unknown[] = [];
    const { store, id } = await setup('web');
    const bridge: RolecallBridge = {
      invoke: async (channel, payload) => void calls.push({ channel, payload }) as never,
      on: () => () => undefined,
    };
    const actions = createActions(store, bridge, fakePlatform().platform);
    await actions.signIn(id);
    await actions.signIn(id, 'pkce');
    await actions.signIn(id, 'device');
    expect(calls).toEqual([
      { channel: 'session:sign-in', payload: { instanceId: id } },
      { channel: 'session:sign-in', payload: { instanceId: id, flow: 'pkce' } },
      { channel: 'session:sign-in', payload: { instanceId: id, flow: 'device' } },
    ]);
  });

  it('view:open from the shell switches the screen (preferences, then back to roles)', async () => {
    const { core } = await setup('web');
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

  it('takes a snapshot the bridge both pushed and answered state:get with once (the web bridge answers it from the greeting)', async () => {
    const { core } = await setup('web');
    const greeting = core.snapshot();
    const listeners = new Set<(payload: EventPayloads['state:changed']) => void>();
    const inner = inProcessBridge(core);
    const bridge: RolecallBridge = {
      invoke: (channel, payload) => (channel === 'state:get' ? Promise.resolve(greeting as never) : inner.invoke(channel, payload)),
      on: (channel, listener) => {
        if (channel !== 'state:changed') return inner.on(channel, listener);
        const typed = listener as (payload: EventPayloads['state:changed']) => void;
        listeners.add(typed);
        return () => listeners.delete(typed);
      },
    };
    const store = createRolecallStore();
    const taken: unknown[] = [];
    const take = store.getState().receiveSnapshot;
    store.setState({
      receiveSnapshot: (snapshot) => {
        taken.push(snapshot);
        take(snapshot);
      },
    });
    const disconnect = createActions(store, bridge, fakePlatform().platform).connect();
    listeners.forEach((listener) => listener(greeting));
    await settle();
    expect(taken).toEqual([greeting]);
    // A new snapshot is still taken.
    const next = { ...greeting };
    listeners.forEach((listener) => listener(next));
    expect(taken).toEqual([greeting, next]);
    disconnect();
  });

  it('asks for the directory before the store takes the snapshot that names it', async () => {
    const { core } = await setup('web');
    const order: string[] = [];
    const inner = inProcessBridge(core);
    const bridge: RolecallBridge = {
      invoke: (channel, payload) => {
        order.push(channel);
        return inner.invoke(channel, payload);
      },
      on: inner.on,
    };
    const store = createRolecallStore();
    const take = store.getState().receiveSnapshot;
    store.setState({
      receiveSnapshot: (snapshot) => {
        order.push('store takes the snapshot');
        take(snapshot);
      },
    });
    const disconnect = createActions(store, bridge, fakePlatform().platform).connect();
    await waitUntil(() => store.getState().entries.length > 0 || undefined, 'the directory in the store');
    expect(order).toEqual(['state:get', 'directory:get', 'store takes the snapshot']);
    disconnect();
  });

  it('stops listening after disconnect', async () => {
    const { core, store, disconnect, roleOf } = await setup('web');
    disconnect();
    await core.api['favorites:toggle']({ role: roleOf(0) });
    expect(core.snapshot().favorites).toEqual([roleOf(0)]);
    await settle();
    expect(store.getState().snapshot?.favorites).toEqual([]);
  });
});
