import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequest } from '../ipc/contract';
import { copyFormats, settingsSchema } from '../model/settings';
import { FileSettingsStore } from '../storage/file-settings-store';
import {
  CHAIN_SOURCE_ACCOUNT as PROD,
  CHAIN_TARGET_ACCOUNT as SHARED,
  deployerArn as deployer,
} from '../../emulator/test-support/chaining-directory';
import { consolePageFields } from '../../emulator/test-support/console-page';
import { saveChainedRole as save, startChainingEmulator } from './test-support/chained-roles';
import { startEmulatedCore, waitUntil } from './test-support/emulated-core';
import type { EmulatedCore, TestEmulator } from './test-support/emulated-core';

/**
 * Saved chained roles used like any role through the IPC contract, by the real core against
 * the emulator's STS: every copy format, the console, their own countdown in the snapshot,
 * the desktop's clipboard and its auto-clear, and one-sentence errors.
 */

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startChainingEmulator();
});
afterAll(async () => {
  await emu?.close();
});

describe('chained roles through the contract (web shell: the text and URL go back to the page)', () => {
  let h: EmulatedCore;
  beforeAll(async () => {
    h = await startEmulatedCore(emu, { shell: 'web' });
    await save(h, 'deployer');
    await save(h, 'not-trusted', 'ReadOnly');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('copies the chained role in every format with its own keys, and its countdown joins the snapshot', async () => {
    const before = emu.clock.now();
    const texts: string[] = [];
    for (const format of copyFormats) {
      const result = await h.core.api['credentials:copy'](parseRequest('credentials:copy', { chainedRole: 'deployer', format }));
      expect(result).toMatchObject({
        format,
        chainedRole: 'deployer',
        // The target account is one of the user's accounts too: its name comes along.
        accountName: 'shared',
        role: { instanceId: h.instanceId, accountId: SHARED, roleName: 'Deployer' },
      });
      texts.push(result.clipboardText!);
    }
    const keyIds = texts.map((text) => /ASIA[A-Z0-9]+/.exec(text)?.[0]);
    // One AssumeRole, held: every format carries the same chained key.
    expect(new Set(keyIds).size).toBe(1);
    expect(texts.find((text) => text.startsWith('['))).toMatch(/^\[deployer\]/);
    // Not the source role's key: copy the source itself and compare.
    const source = await h.core.api['credentials:copy']({
      role: { instanceId: h.instanceId, accountId: PROD, roleName: 'AdministratorAccess' },
    });
    expect(source.clipboardText).not.toContain(keyIds[0]!);

    const active = h.core.snapshot().activeCredentials.find((entry) => entry.chainedRole === 'deployer');
    expect(active).toMatchObject({ role: { accountId: SHARED, roleName: 'Deployer' }, accountName: 'shared' });
    // Its own countdown: STS's one-hour chained session, not the source role's expiry.
    expect(active!.expiresAt - before).toBeGreaterThan(3590_000);
    expect(active!.expiresAt - before).toBeLessThanOrEqual(3600_000 + 1000);
    // Recents hold Identity Center roles only: the chained role is not one.
    expect(h.core.snapshot().recents.some((ref) => ref.roleName === 'Deployer')).toBe(false);
  });

  it('opens the console as the chained role (the emulator refuses SessionDuration for chains, as AWS does)', async () => {
    const result = await h.core.api['console:open'](parseRequest('console:open', { chainedRole: 'deployer', region: 'eu-central-1' }));
    expect(result).toMatchObject({ chainedRole: 'deployer', region: 'eu-central-1', role: { accountId: SHARED, roleName: 'Deployer' } });
    const response = await fetch(result.url!);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(consolePageFields(html)).toMatchObject({
      account: SHARED,
      role: 'Deployer',
      region: 'eu-central-1',
    });
  });

  it('says in one sentence when the target does not trust the source, or no chained role has that name', async () => {
    await expect(h.core.api['credentials:copy'](parseRequest('credentials:copy', { chainedRole: 'not-trusted' }))).rejects.toMatchObject({
      code: 'access-denied',
      userMessage: expect.stringMatching(new RegExp(`^The role ${deployer} does not trust ReadOnly in account ${PROD}`)),
    });
    await expect(h.core.api['console:open'](parseRequest('console:open', { chainedRole: 'nope' }))).rejects.toMatchObject({
      code: 'not-found',
      userMessage: 'No chained role "nope" is saved; add it from its source role\'s menu first.',
    });
  });

  it('the contract takes a role or a chained role, exactly one', () => {
    const role = { instanceId: 'i', accountId: PROD, roleName: 'ReadOnly' };
    expect(() => parseRequest('credentials:copy', { role, chainedRole: 'deployer' })).toThrow(/name either a role or a chained role/);
    expect(() => parseRequest('console:open', {})).toThrow(/name either a role or a chained role/);
    expect(() => parseRequest('credentials:copy', { chainedRole: '' })).toThrow(/chainedRole/);
  });

  it('signing out forgets the chained credentials with the role credentials', async () => {
    await h.core.api['credentials:copy']({ chainedRole: 'deployer' });
    expect(h.core.snapshot().activeCredentials.some((entry) => entry.chainedRole === 'deployer')).toBe(true);
    await h.core.api['session:sign-out']({ instanceId: h.instanceId });
    expect(h.core.snapshot().activeCredentials).toEqual([]);
  });
});

describe('chained roles in the desktop shell (its own clipboard, cleared later)', () => {
  it('puts the chained credentials on the clipboard, hands no text back, and clears it after the preference', async () => {
    const h = await startEmulatedCore(emu, { shell: 'desktop' });
    try {
      await save(h, 'deployer');
      await h.core.api['preferences:update']({ clipboardClearSeconds: 30 });
      const result = await h.core.api['credentials:copy']({ chainedRole: 'deployer', format: 'posix' });
      expect(result).not.toHaveProperty('clipboardText');
      expect(result.clearsAfterSeconds).toBe(30);
      expect(h.clipboard.at(-1)).toMatch(/AWS_ACCESS_KEY_ID='?ASIA/);
      await emu.clock.advanceAndSettle(31_000);
      await waitUntil(() => h.clipboard.at(-1) === '', 'the clipboard cleared');
      const opened = await h.core.api['console:open']({ chainedRole: 'deployer' });
      expect(opened).not.toHaveProperty('url');
      expect(h.opened.at(-1)).toContain('Action=login');
    } finally {
      await h.close();
    }
  });
});

describe('a kept-fresh chained role (the expiry watcher assumes it again before it expires)', () => {
  let h: EmulatedCore;
  const assumed = () => emu.emulator.counters().AssumeRole?.requests ?? 0;
  const assumeErrors = () => emu.emulator.counters().AssumeRole?.errors ?? 0;
  const titled = (title: string) => h.notifications.filter((note) => note.title === title);
  const countdown = () => h.core.snapshot().activeCredentials.find((entry) => entry.chainedRole === 'deployer')?.expiresAt;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

  beforeAll(async () => {
    h = await startEmulatedCore(emu, { core: { autoSync: true, watchExpiry: true, openVerification: false } });
    await save(h, 'deployer');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is assumed once when marked, then once per renewal shortly before it expires, and its countdown moves', async () => {
    const before = assumed();
    await h.core.api['keep-fresh:toggle'](parseRequest('keep-fresh:toggle', { chainedRole: 'deployer' }));
    expect(h.core.snapshot().chainedKeepFresh).toEqual(['deployer']);
    // Marking it is the user's own click: assumed at once, no notification.
    const first = await waitUntil(countdown, "the chained role's first credentials");
    expect(assumed()).toBe(before + 1);
    expect(titled('Credentials refreshed')).toEqual([]);

    // Four minutes before it expires, inside the five-minute window: one AssumeRole, one notification.
    await emu.clock.advanceAndSettle(first - emu.clock.now() - 4 * 60_000);
    const renewed = await waitUntil(() => (countdown() ?? 0) > first && countdown(), 'the renewed countdown');
    await waitUntil(() => titled('Credentials refreshed').length > 0, 'the refresh notification');
    expect(assumed()).toBe(before + 2);
    expect(renewed - emu.clock.now()).toBeGreaterThan(3590_000);
    expect(titled('Credentials refreshed')).toEqual([
      { title: 'Credentials refreshed', body: expect.stringMatching(/^deployer \(shared \/ Deployer\) is good until /) },
    ]);

    // Nothing more is due until the next window: the watcher sleeps, no AssumeRole, no notification.
    await emu.clock.advanceAndSettle(10 * 60_000);
    await settle();
    expect(assumed()).toBe(before + 2);
    expect(titled('Credentials refreshed')).toHaveLength(1);

    // The next window renews it again, from fresh source credentials: exactly one more AssumeRole.
    await emu.clock.advanceAndSettle(renewed - emu.clock.now() - 4 * 60_000);
    await waitUntil(() => titled('Credentials refreshed').length === 2 && (countdown() ?? 0) > renewed, 'the second renewal');
    expect(assumed()).toBe(before + 3);
  });

  it('says once per expiry that a renewal failed, however often it is retried, and recovers', async () => {
    const held = countdown()!;
    const errorsBefore = assumeErrors();
    emu.emulator.setFaults({ operations: { AssumeRole: { errorRate: 1 } } });
    try {
      await emu.clock.advanceAndSettle(held - emu.clock.now() - 4 * 60_000);
      await waitUntil(() => titled('Credentials refresh failed').length > 0, 'the failure notification');
      // Retried with backoff (1 s, 2 s, …) on the clock's real timers: several failed attempts, one notification.
      await waitUntil(() => assumeErrors() > errorsBefore + 3 && titled('Credentials refresh failed').length, 'retries');
    } finally {
      emu.emulator.setFaults({});
    }
    const failed = titled('Credentials refresh failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.body).toMatch(/^Could not refresh deployer \(shared \/ Deployer\): /);
    // The credentials held keep their countdown meanwhile, and the next retry renews them.
    expect(countdown()).toBe(held);
    await waitUntil(() => (countdown() ?? 0) > held, 'the renewal after the outage');
    expect(titled('Credentials refresh failed')).toHaveLength(1);
  });

  it('removing it drops its pin, recent use and keep-fresh from the settings file, so a new one of that name starts clean', async () => {
    await h.core.api['favorites:toggle']({ chainedRole: 'deployer' });
    await h.core.api['credentials:copy']({ chainedRole: 'deployer' });
    const stored = async () => settingsSchema.parse(JSON.parse(await readFile(join(h.configDir, 'settings.json'), 'utf8')));
    expect(await stored()).toMatchObject({ chainedFavorites: ['deployer'], chainedRecents: ['deployer'], chainedKeepFresh: ['deployer'] });
    await h.core.api['chained-roles:remove']({ name: 'deployer' });
    expect(await stored()).toMatchObject({ chainedRoles: [], chainedFavorites: [], chainedRecents: [], chainedKeepFresh: [] });
    await save(h, 'deployer');
    expect(h.core.snapshot()).toMatchObject({ chainedFavorites: [], chainedRecents: [], chainedKeepFresh: [] });
    await expect(h.core.api['keep-fresh:toggle']({ chainedRole: 'nope' })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('removing an instance', () => {
  it('drops the chained roles reached from it, with their pins, recents and keep-fresh, and keeps those of other instances', async () => {
    const h = await startEmulatedCore(emu, { shell: 'web' });
    try {
      // A second instance (signed out: saving a chained role from it needs no session).
      const { instanceId: other } = await h.core.api['instance:add']({
        startUrl: emu.emulator.startUrl,
        region: 'eu-west-1',
        endpoint: emu.emulator.url,
        label: 'Other',
      });
      await save(h, 'deployer');
      await h.core.api['chained-roles:save'](
        parseRequest('chained-roles:save', {
          source: { instanceId: other, accountId: PROD, roleName: 'AdministratorAccess' },
          roleArn: deployer,
          name: 'other-deployer',
        }),
      );
      for (const name of ['deployer', 'other-deployer']) {
        await h.core.api['favorites:toggle']({ chainedRole: name });
        await h.core.api['keep-fresh:toggle']({ chainedRole: name });
      }
      await h.core.api['credentials:copy']({ chainedRole: 'deployer' });
      const stored = async () => settingsSchema.parse(JSON.parse(await readFile(join(h.configDir, 'settings.json'), 'utf8')));
      expect(await stored()).toMatchObject({
        chainedFavorites: ['deployer', 'other-deployer'],
        chainedRecents: ['deployer'],
        chainedKeepFresh: ['deployer', 'other-deployer'],
      });

      await h.core.api['instance:remove']({ instanceId: h.instanceId });

      const after = await stored();
      expect(after.instances.map((instance) => instance.id)).toEqual([other]);
      expect(after.chainedRoles.map((chain) => chain.name)).toEqual(['other-deployer']);
      expect(after).toMatchObject({ chainedFavorites: ['other-deployer'], chainedRecents: [], chainedKeepFresh: ['other-deployer'] });
      expect(h.core.snapshot()).toMatchObject({ chainedFavorites: ['other-deployer'], chainedKeepFresh: ['other-deployer'] });
      expect(h.core.snapshot().activeCredentials).toEqual([]);
      await expect(h.core.api['credentials:copy']({ chainedRole: 'deployer' })).rejects.toMatchObject({ code: 'not-found' });
    } finally {
      await h.close();
    }
  });
});

describe('settings written before chained roles could be kept fresh', () => {
  it('still load, with their chained roles and pins, and none kept fresh', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rolecall-old-settings-'));
    try {
      const chain = {
        source: { instanceId: 'acme', accountId: PROD, roleName: 'AdministratorAccess' },
        roleArn: deployer,
        name: 'deployer',
      };
      await writeFile(
        join(dir, 'settings.json'),
        JSON.stringify({ version: 1, chainedRoles: [chain], chainedFavorites: ['deployer'], chainedRecents: ['deployer'] }),
      );
      const store = new FileSettingsStore(dir);
      const loaded = await store.load();
      expect(store.lastLoadProblem).toBeUndefined();
      expect(loaded).toMatchObject({ chainedRoles: [chain], chainedFavorites: ['deployer'], chainedKeepFresh: [] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
