import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/server';
import type { RunningEmulator } from '../../emulator/options';
import type { AppSnapshot, InstanceView } from '../model/snapshot';
import { AdjustableClock } from '../ports/test-support/adjustable-clock';
import { MemorySettingsStore } from '../ports/test-support/memory-settings-store';
import type { Clipboard, Notification, Opener } from '../ports/desktop';
import { MemorySecretStore } from '../ports/secret-store';
import { createRolecallCore } from './controller';
import type { RolecallController } from './controller';

interface Harness {
  readonly core: RolecallController;
  readonly emulator: RunningEmulator;
  readonly clock: AdjustableClock;
  readonly clipboard: { text: string } & Clipboard;
  readonly notifications: Notification[];
  readonly opened: string[];
  readonly home: string;
  readonly instanceId: string;
}

const waitFor = async <T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  // Bounded: gives up after timeoutMs.
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
};

const viewOf = (core: RolecallController, id: string): InstanceView => {
  const view = core.snapshot().instances.find((instance) => instance.id === id);
  if (!view) throw new Error(`no instance ${id}`);
  return view;
};

let harness: Harness | undefined;
const cleanups: (() => Promise<void>)[] = [];

const start = async (
  options: {
    accessTokenTtlSeconds?: number;
    issueRefreshTokens?: boolean;
    shell?: 'desktop' | 'web';
    /** How far the emulator's clock runs ahead of the core's, read on every call (a slow machine's delays). */
    emulatorAheadMs?: () => number;
    /** Each line the emulator logs once a response is sent. */
    emulatorLog?: (line: string) => void;
  } = {},
): Promise<Harness> => {
  const clock = new AdjustableClock();
  const ahead = options.emulatorAheadMs ?? (() => 0);
  const emulator = await startEmulator({
    directory: { accounts: 12, rolesPerAccount: 2, seed: 3 },
    deviceCodeIntervalSeconds: 0,
    now: () => clock.now() + ahead(),
    log: options.emulatorLog ?? (() => undefined),
    ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
    ...(options.issueRefreshTokens === false ? { issueRefreshTokens: false } : {}),
  });
  const home = await mkdtemp(join(tmpdir(), 'rolecall-controller-'));
  const clipboard = {
    text: '',
    writeText(text: string) {
      this.text = text;
    },
    readText() {
      return this.text;
    },
  };
  const notifications: Notification[] = [];
  const opened: string[] = [];
  const opener: Opener = { openExternal: async (url) => void opened.push(url) };
  const core = createRolecallCore(
    {
      settings: new MemorySettingsStore(),
      secrets: new MemorySecretStore(),
      secretStorage: { mode: 'encrypted' },
      clipboard,
      notifier: { notify: (notification) => void notifications.push(notification) },
      opener,
      clock,
      cacheDir: join(home, 'cache'),
      env: { HOME: home, AWS_CONFIG_FILE: join(home, '.aws', 'config') },
      shell: options.shell ?? 'desktop',
    },
    { autoSync: true, watchExpiry: true },
  );
  await core.start();
  const { instanceId } = await core.api['instance:add']({ startUrl: emulator.startUrl, region: emulator.region, endpoint: emulator.url });
  cleanups.push(async () => {
    await core.stop();
    await emulator.close();
    await rm(home, { recursive: true, force: true });
  });
  return { core, emulator, clock, clipboard, notifications, opened, home, instanceId };
};

/** Signs in through the real device flow, approving the code the way the verification page would. */
const signIn = async (h: Harness): Promise<void> => {
  await h.core.api['session:sign-in']({ instanceId: h.instanceId, flow: 'device' });
  const code = await waitFor(() => viewOf(h.core, h.instanceId).session.signIn?.userCode, 'the user code');
  h.emulator.approveDevice(code);
  await waitFor(() => viewOf(h.core, h.instanceId).session.status === 'signed-in' || undefined, 'signed-in');
};

/** The first account of the synced list and a role in it. */
const firstRole = async (h: Harness) => {
  const account = (await h.core.directory(h.instanceId)).accounts[0]!;
  return { account, role: { instanceId: h.instanceId, accountId: account.accountId, roleName: account.roles[0]! } };
};

beforeEach(() => {
  harness = undefined;
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('the session controller against the emulator', () => {
  it('signs in with the device flow, opens the verification page, syncs, and writes the AWS CLI cache', async () => {
    harness = await start();
    const h = harness;
    await signIn(h);
    expect(h.opened[0]).toContain('/device?user_code=');
    const view = await waitFor(() => {
      const current = viewOf(h.core, h.instanceId);
      return current.sync.status === 'idle' && current.sync.accountCount > 0 ? current : undefined;
    }, 'the directory');
    expect(view.sync.accountCount).toBe(12);
    expect(view.session.refreshable).toBe(true);
    expect(h.notifications.map((n) => n.title)).toContain('Signed in');
    const cacheFiles = await readdir(join(h.home, '.aws', 'sso', 'cache'));
    expect(cacheFiles).toHaveLength(1);
    expect((await stat(join(h.home, '.aws', 'sso', 'cache', cacheFiles[0]!))).mode & 0o777).toBe(0o600);
    // Nothing secret in the snapshot.
    const token = JSON.parse(await readFile(join(h.home, '.aws', 'sso', 'cache', cacheFiles[0]!), 'utf8')).accessToken as string;
    expect(JSON.stringify(h.core.snapshot())).not.toContain(token);
  });

  it('copies credentials the emulator recognises, remembers the role, and opens the console for it', async () => {
    harness = await start();
    const h = harness;
    await signIn(h);
    const { account, role } = await firstRole(h);
    const result = await h.core.api['credentials:copy']({ role, format: 'posix' });
    expect(result).not.toHaveProperty('clipboardText');
    const keyId = /AWS_ACCESS_KEY_ID='?([A-Z0-9]+)/.exec(h.clipboard.text)?.[1];
    expect(h.emulator.credentialsOwner(keyId!)).toMatchObject({ accountId: account.accountId, roleName: role.roleName });
    expect(h.core.snapshot().recents[0]).toEqual(role);
    expect(h.core.snapshot().activeCredentials[0]?.role).toEqual(role);
    expect(JSON.stringify(h.core.snapshot())).not.toContain(keyId!);

    await h.core.api['console:open']({ role, region: 'eu-west-1' });
    const consoleUrl = h.opened.at(-1)!;
    const landing = await fetch(consoleUrl);
    const page = await landing.text();
    expect(page).toContain(account.accountId);
    expect(page).toContain(role.roleName);
    expect(page).toContain('eu-west-1');
  });

  it('hands the text to the view instead of the clipboard in the web shell', async () => {
    harness = await start({ shell: 'web' });
    const h = harness;
    await signIn(h);
    const { role } = await firstRole(h);
    const result = await h.core.api['credentials:copy']({ role, format: 'json' });
    expect(JSON.parse(result.clipboardText!)).toMatchObject({ Version: 1 });
    expect(h.clipboard.text).toBe('');
  });

  it('refreshes a revoked token once, and marks the instance signed out only when that fails', async () => {
    harness = await start();
    const h = harness;
    await signIn(h);
    const { role } = await firstRole(h);
    h.emulator.revokeAll();
    await expect(h.core.api['credentials:copy']({ role })).rejects.toMatchObject({ code: 'signed-out' });
    const view = viewOf(h.core, h.instanceId);
    expect(view.session.status).toBe('expired');
    expect(view.session.error).toMatch(/sign in again/);
    // Signing in again brings it back.
    await signIn(h);
    await expect(h.core.api['credentials:copy']({ role })).resolves.toMatchObject({ role });
  });

  it('keeps the session when even a freshly renewed access token has expired by the time AWS reads it (a loaded machine)', async () => {
    // 2 s tokens, and 3 s pass at AWS after each one is issued, before the next request
    // reaches it: every token is expired when used while every refresh works. That is time,
    // not a revoked session: no sign-out.
    let aheadMs = 0;
    let slow = false;
    harness = await start({
      accessTokenTtlSeconds: 2,
      emulatorAheadMs: () => aheadMs,
      emulatorLog: (line) => {
        if (slow && / 200 .*CreateToken$/.test(line)) aheadMs += 3_000;
      },
    });
    const h = harness;
    await signIn(h);
    const { role } = await firstRole(h);
    h.emulator.resetCounters();
    aheadMs = 3_000;
    slow = true;
    await expect(h.core.api['credentials:copy']({ role })).rejects.toMatchObject({
      code: 'service-unavailable',
      userMessage: expect.stringMatching(/your sign-in is kept; try again\.$/),
    });
    // Bounded: the first call, then two renewals each followed by one more call. (CreateToken
    // is not counted: the expiry watcher refreshes too, every 2 s token being inside its window.)
    expect(h.emulator.counters().GetRoleCredentials?.requests).toBe(3);
    expect(viewOf(h.core, h.instanceId).session.status).toBe('signed-in');
    expect(h.notifications.map((n) => n.title)).not.toContain('Signed out');
    slow = false;
    await expect(h.core.api['credentials:copy']({ role })).resolves.toMatchObject({ role });
  });

  it('keeps the session through CreateToken 5xx while the access token is expired, and recovers when they stop', async () => {
    harness = await start({ accessTokenTtlSeconds: 3600 });
    const h = harness;
    await signIn(h);
    const { role } = await firstRole(h);
    const before = viewOf(h.core, h.instanceId).session.expiresAt!;
    h.emulator.setFaults({ operations: { CreateToken: { errorRate: 1 } } });
    h.clock.advance(3601_000);
    await expect(h.core.api['credentials:copy']({ role })).rejects.toMatchObject({
      code: 'service-unavailable',
      userMessage: expect.stringMatching(/your sign-in is kept and Rolecall retries\.$/),
    });
    const during = viewOf(h.core, h.instanceId).session;
    expect(during.status).toBe('reconnecting');
    expect(during.error).toMatch(/^Could not renew your .+ session/);
    expect(h.notifications.map((n) => n.title)).not.toContain('Signed out');
    h.emulator.setFaults({});
    await expect(h.core.api['credentials:copy']({ role })).resolves.toMatchObject({ role });
    const after = viewOf(h.core, h.instanceId).session;
    expect(after.status).toBe('signed-in');
    expect(after.expiresAt!).toBeGreaterThan(before);
  });

  it('warns before a session that cannot be refreshed ends, then marks it expired', async () => {
    harness = await start({ accessTokenTtlSeconds: 2 * 3600, issueRefreshTokens: false });
    const h = harness;
    await signIn(h);
    expect(viewOf(h.core, h.instanceId).session.refreshable).toBe(false);
    h.clock.advance(2 * 3600_000 - 14 * 60_000);
    const warning = await waitFor(() => h.notifications.find((n) => n.title === 'Session ending soon'), 'the expiry warning');
    expect(warning.body).toMatch(/ends in 14 minutes/);
    h.clock.advance(15 * 60_000);
    await waitFor(() => viewOf(h.core, h.instanceId).session.status === 'expired' || undefined, 'expired');
  });

  it('refreshes a refreshable session silently before it expires', async () => {
    harness = await start({ accessTokenTtlSeconds: 3600 });
    const h = harness;
    await signIn(h);
    const before = viewOf(h.core, h.instanceId).session.expiresAt!;
    h.clock.advance(55 * 60_000);
    await waitFor(() => (viewOf(h.core, h.instanceId).session.expiresAt! > before ? true : undefined), 'a refreshed token');
    expect(h.notifications.map((n) => n.title)).not.toContain('Session ending soon');
    expect(viewOf(h.core, h.instanceId).session.status).toBe('signed-in');
  });

  it('signs out: ends the portal session, forgets credentials and removes the AWS CLI cache entry', async () => {
    harness = await start();
    const h = harness;
    await signIn(h);
    await h.core.api['session:sign-out']({ instanceId: h.instanceId });
    expect(viewOf(h.core, h.instanceId).session.status).toBe('signed-out');
    expect(await readdir(join(h.home, '.aws', 'sso', 'cache'))).toEqual([]);
    expect(h.core.snapshot().activeCredentials).toEqual([]);
    await expect(h.core.credentials({ instanceId: h.instanceId, accountId: '000000000000', roleName: 'X' })).rejects.toMatchObject({
      code: 'signed-out',
    });
  });

  it('rejects schema-valid requests for unknown instances with one sentence', async () => {
    harness = await start();
    await expect(harness.core.api['session:sign-in']({ instanceId: 'nope', flow: 'device' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('pushes snapshots to subscribers, coalesced', async () => {
    harness = await start();
    const snapshots: AppSnapshot[] = [];
    harness.core.subscribe((event) => {
      if (event.channel === 'state:changed') snapshots.push(event.payload);
    });
    await harness.core.api['favorites:toggle']({ role: { instanceId: harness.instanceId, accountId: '123456789012', roleName: 'Admin' } });
    await waitFor(() => snapshots.at(-1)?.favorites.length === 1 || undefined, 'a snapshot with the favorite');
  });

  it('renames the sso-session: the AWS CLI cache entry moves with it, and the name stays unique', async () => {
    harness = await start();
    const h = harness;
    await signIn(h);
    const cacheDir = join(h.home, '.aws', 'sso', 'cache');
    const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
    const { profiles } = await h.core.api['aws-config:add-all']({ instanceId: h.instanceId });
    await h.core.api['instance:update']({ instanceId: h.instanceId, label: 'Acme', ssoSessionName: 'acme-sso' });
    expect(await readdir(cacheDir)).toEqual([`${sha1('acme-sso')}.json`]);
    // The profiles written earlier follow the new name, so `aws --profile …` finds the moved cache.
    const config = await readFile(join(h.home, '.aws', 'config'), 'utf8');
    expect(config).toContain('[sso-session acme-sso]');
    expect(config.match(/^sso_session = acme-sso$/gm)).toHaveLength(profiles.length);
    expect(h.core.snapshot().notices[0]?.message).toMatch(
      new RegExp(`Updated ${profiles.length} AWS profile\\(s\\) in .* to the sso-session "acme-sso"`),
    );
    expect(viewOf(h.core, h.instanceId)).toMatchObject({ label: 'Acme', ssoSessionName: 'acme-sso' });
    const other = await startEmulator({ log: () => undefined });
    try {
      const { instanceId: second } = await h.core.api['instance:add']({
        startUrl: other.startUrl,
        region: other.region,
        endpoint: other.url,
      });
      await expect(h.core.api['instance:update']({ instanceId: second, ssoSessionName: 'acme-sso' })).rejects.toMatchObject({
        code: 'invalid-input',
      });
    } finally {
      await other.close();
    }
  });

  it('keeps aliases per account, and forgets them with the instance', async () => {
    harness = await start();
    const h = harness;
    await h.core.api['aliases:set']({ instanceId: h.instanceId, accountId: '123456789012', alias: 'pp' });
    expect(h.core.snapshot().aliases).toEqual({ [`${h.instanceId}/123456789012`]: 'pp' });
    await h.core.api['aliases:set']({ instanceId: h.instanceId, accountId: '123456789012', alias: '' });
    expect(h.core.snapshot().aliases).toEqual({});
    await h.core.api['aliases:set']({ instanceId: h.instanceId, accountId: '123456789012', alias: 'pp' });
    await h.core.api['instance:remove']({ instanceId: h.instanceId });
    expect(h.core.snapshot().aliases).toEqual({});
    expect(h.core.snapshot().instances).toEqual([]);
  });

  it('re-fetches kept-fresh credentials before they expire and says so', async () => {
    harness = await start();
    const h = harness;
    await signIn(h);
    const { account, role } = await firstRole(h);
    await h.core.api['keep-fresh:toggle']({ role });
    const first = await h.core.credentials(role);
    h.clock.advance(first.expiration - h.clock.now() - 4 * 60_000);
    const note = await waitFor(() => h.notifications.find((n) => n.title === 'Credentials refreshed'), 'the refresh notification');
    expect(note.body).toContain(`${account.accountName} / ${role.roleName}`);
    const renewed = await h.core.credentials(role);
    expect(renewed.accessKeyId).not.toBe(first.accessKeyId);
    expect(h.emulator.credentialsOwner(renewed.accessKeyId)).toMatchObject({ accountId: account.accountId, roleName: role.roleName });
  });

  it('answers a role AWS says is not assigned with one sentence and a visible note, never a crash', async () => {
    harness = await start();
    const h = harness;
    await signIn(h);
    const { account } = await firstRole(h);
    // A role the emulator never assigned, as a stale list or a revoked assignment would offer.
    const ghost = { instanceId: h.instanceId, accountId: account.accountId, roleName: 'NotAssignedRole' };
    await expect(h.core.api['credentials:copy']({ role: ghost })).rejects.toMatchObject({ code: 'not-assigned' });
    expect(h.core.snapshot().notices[0]?.message).toMatch(
      /NotAssignedRole in account \d{12} is no longer assigned to you; it was removed from the list/,
    );
    const after = await h.core.api['directory:get']({ instanceId: h.instanceId });
    expect(after?.accounts.find((candidate) => candidate.accountId === account.accountId)?.roles).toEqual(account.roles);
    expect(viewOf(h.core, h.instanceId).session.status).toBe('signed-in');
  });

  it('keeps two instances in different regions apart', async () => {
    harness = await start();
    const h = harness;
    const other = await startEmulator({
      region: 'ap-southeast-2',
      directory: { accounts: 3, rolesPerAccount: 1, seed: 9 },
      deviceCodeIntervalSeconds: 0,
      log: () => undefined,
    });
    try {
      const { instanceId: second } = await h.core.api['instance:add']({
        startUrl: other.startUrl,
        region: other.region,
        endpoint: other.url,
      });
      await signIn(h);
      await h.core.api['session:sign-in']({ instanceId: second, flow: 'device' });
      other.approveDevice(await waitFor(() => viewOf(h.core, second).session.signIn?.userCode, 'the second code'));
      await waitFor(() => viewOf(h.core, second).session.status === 'signed-in' || undefined, 'the second sign-in');
      const [a, b] = [await h.core.directory(h.instanceId), await h.core.directory(second)];
      expect([a.accounts.length, b.accounts.length]).toEqual([12, 3]);
      h.emulator.revokeAll();
      // Revoking one instance's sessions leaves the other signed in and working.
      const roleB = { instanceId: second, accountId: b.accounts[0]!.accountId, roleName: b.accounts[0]!.roles[0]! };
      const keys = await h.core.credentials(roleB);
      expect(other.credentialsOwner(keys.accessKeyId)).toMatchObject({ accountId: roleB.accountId });
      await expect(
        h.core.api['credentials:copy']({
          role: { instanceId: h.instanceId, accountId: a.accounts[0]!.accountId, roleName: a.accounts[0]!.roles[0]! },
        }),
      ).rejects.toMatchObject({ code: 'signed-out' });
      expect(viewOf(h.core, second).session.status).toBe('signed-in');
      expect(viewOf(h.core, h.instanceId).session.status).toBe('expired');
    } finally {
      await other.close();
    }
  });

  it('signs in with PKCE: the authorize link is shown, and following it in a browser completes the sign-in', async () => {
    harness = await start();
    const h = harness;
    await h.core.api['session:sign-in']({ instanceId: h.instanceId, flow: 'pkce' });
    const link = await waitFor(() => viewOf(h.core, h.instanceId).session.signIn?.verificationUri, 'the authorize link');
    expect(link).toMatch(/\/authorize\?.*code_challenge_method=S256/);
    expect(h.opened).toContain(link);
    // Play the browser: the emulator's consent page, then Allow, which redirects to our loopback listener.
    const consent = await fetch(link);
    expect(consent.status).toBe(200);
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(await consent.text());
    expect(form).not.toBeNull();
    const fields = new URLSearchParams(
      [...form![2]!.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m): [string, string] => [m[1]!, m[2]!.replace(/&amp;/g, '&')]),
    );
    const allow = await fetch(new URL(form![1]!.replace(/&amp;/g, '&'), link), { method: 'POST', body: fields, redirect: 'manual' });
    const callback = allow.headers.get('location');
    expect(callback).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback\?code=/);
    expect((await fetch(callback!)).status).toBe(200);
    await waitFor(() => viewOf(h.core, h.instanceId).session.status === 'signed-in' || undefined, 'signed-in');
  });

  it('re-syncs an account list older than 12 hours in the background', async () => {
    harness = await start();
    const h = harness;
    await signIn(h);
    const first = await waitFor(() => viewOf(h.core, h.instanceId).sync.syncedAt, 'the first sync');
    h.clock.advance(12 * 3600_000 + 60_000);
    await waitFor(() => ((viewOf(h.core, h.instanceId).sync.syncedAt ?? 0) > first ? true : undefined), 'a background re-sync');
    expect(viewOf(h.core, h.instanceId).session.status).toBe('signed-in');
  });
});
