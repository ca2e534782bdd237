import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListAccountRolesCommand, SSOClient } from '@aws-sdk/client-sso';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/server';
import type { DirectoryFile, RunningEmulator } from '../../emulator/options';
import type { Directory } from '../model/roles';
import { AdaptiveLimiter } from './adaptive-limiter';
import { DirectoryCache } from './directory-cache';
import { signInWithDeviceCode } from './test-support/device-sign-in';
import { syncDirectory } from './sync';
import type { SyncProgress } from './sync';

/** A directory whose truth the test knows: unsorted names, and some accounts with many roles. */
const makeDirectory = (accounts: number): DirectoryFile => ({
  accounts: Array.from({ length: accounts }, (_, index) => ({
    accountId: String(100_000_000_000 + index * 7_919),
    accountName: `acct-${String((index * 37) % accounts).padStart(4, '0')}`,
    emailAddress: `a${index}@example.com`,
    roles:
      index % 40 === 7
        ? Array.from({ length: 35 }, (_, role) => `Role${String(34 - role).padStart(2, '0')}`)
        : ['ReadOnlyAccess', 'AdministratorAccess', 'Developer'].slice(0, 1 + (index % 3)),
  })),
});

const expectedAccounts = (file: DirectoryFile) =>
  [...file.accounts]
    .sort((a, b) => a.accountName.localeCompare(b.accountName))
    .map((account) => ({ ...account, roles: [...account.roles].sort() }));

const portalCalls = (emu: RunningEmulator): number =>
  (emu.counters().ListAccounts?.requests ?? 0) + (emu.counters().ListAccountRoles?.requests ?? 0);

const fastLimiter = (maxAttempts = 12) => new AdaptiveLimiter({ maxAttempts, backoff: { baseMs: 20, capMs: 200 } });

/** Wraps a portal client to count the calls sent. */
const countSends = (portal: SSOClient) => {
  const sends = { count: 0 };
  const counting: Pick<SSOClient, 'send'> = {
    send: ((command: never, options: never) => {
      sends.count += 1;
      return portal.send(command, options);
    }) as SSOClient['send'],
  };
  return { counting, sends };
};

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('syncDirectory against the emulator', () => {
  const file = makeDirectory(160);
  let emu: RunningEmulator;
  let portal: SSOClient;
  let accessToken: string;

  const signIn = async () => {
    emu.setFaults({});
    accessToken = await signInWithDeviceCode(emu);
    emu.resetCounters();
  };

  beforeAll(async () => {
    emu = await startEmulator({ directory: file, deviceCodeIntervalSeconds: 0, log: () => undefined });
    portal = new SSOClient({ region: emu.region, endpoint: emu.portalEndpoint, maxAttempts: 1 });
    await signIn();
  });
  afterEach(async () => {
    emu.setFaults({});
    emu.resetCounters();
  });
  afterAll(async () => {
    portal.destroy();
    await emu.close();
  });

  it('lists every account and role exactly once, paged, sorted, with progress', async () => {
    const events: SyncProgress[] = [];
    const result = await syncDirectory({
      portal,
      accessToken,
      instanceId: 'work',
      pageSize: 10,
      onProgress: (event) => events.push(event),
    });

    expect(result.directory.accounts).toEqual(expectedAccounts(file));
    expect(result.directory.failedAccounts).toEqual([]);
    expect(result.dropped).toEqual([]);
    // Exactly the pages a complete listing needs: nothing fetched twice.
    const rolePages = file.accounts.reduce((sum, account) => sum + Math.ceil(account.roles.length / 10), 0);
    expect(emu.counters().ListAccounts?.requests).toBe(16);
    expect(emu.counters().ListAccountRoles?.requests).toBe(rolePages);
    expect(result.stats.calls).toBe(16 + rolePages);
    expect(result.stats.throttled).toBe(0);

    expect(events.at(-1)).toEqual({ done: 160, total: 160, accountsSeen: 160 });
    expect(events.findIndex((event) => event.done > 0)).toBeLessThan(events.findIndex((event) => event.total !== undefined));
    expect(events.every((event, index) => index === 0 || event.done >= (events[index - 1]?.done ?? 0))).toBe(true);
  });

  it('loses no account under throttling, learning the rate from the 429s', async () => {
    emu.setFaults({ '*': { latencyMs: 2, throttle: { rps: 60, burst: 10 } } });
    const result = await syncDirectory({ portal, accessToken, instanceId: 'work', limiter: fastLimiter() });
    expect(result.directory.accounts).toEqual(expectedAccounts(file));
    expect(result.directory.failedAccounts).toEqual([]);
    const throttled = (emu.counters().ListAccounts?.throttled ?? 0) + (emu.counters().ListAccountRoles?.throttled ?? 0);
    expect(throttled).toBeGreaterThan(0);
    expect(result.stats.throttled).toBe(throttled);
    expect(result.stats.calls).toBe(portalCalls(emu));
  });

  it('survives a 5xx rate', async () => {
    emu.setFaults({ '*': { errorRate: 0.25 } });
    const result = await syncDirectory({ portal, accessToken, instanceId: 'work', limiter: fastLimiter() });
    expect(result.directory.accounts).toEqual(expectedAccounts(file));
    expect(result.directory.failedAccounts).toEqual([]);
    expect(result.stats.retries).toBeGreaterThan(0);
  });

  it('drops an account whose roles answer ResourceNotFound', async () => {
    const gone = file.accounts[3]?.accountId ?? '';
    // As if the assignment was removed between ListAccounts and ListAccountRoles: the
    // emulator answers a real 404 for an account the user holds no assignment in.
    const unassigning: Pick<SSOClient, 'send'> = {
      send: ((command: unknown, options: unknown) =>
        command instanceof ListAccountRolesCommand && command.input.accountId === gone
          ? portal.send(new ListAccountRolesCommand({ ...command.input, accountId: '999999999999' }), options as never)
          : portal.send(command as never, options as never)) as SSOClient['send'],
    };
    const result = await syncDirectory({ portal: unassigning, accessToken, instanceId: 'work' });
    expect(result.dropped).toEqual([gone]);
    expect(result.directory.accounts.map((account) => account.accountId)).not.toContain(gone);
    expect(result.directory.accounts).toHaveLength(159);
    expect(result.directory.failedAccounts).toEqual([]);
  });

  it('keeps the previous roles of accounts whose roles cannot be listed now', async () => {
    const [first, second] = expectedAccounts(file);
    const previous: Directory = {
      instanceId: 'work',
      syncedAt: 1,
      failedAccounts: [],
      accounts: [{ ...(first ?? file.accounts[0]!), roles: ['KeptRole'] }],
    };
    emu.setFaults({ operations: { ListAccountRoles: { errorRate: 1 } } });
    const result = await syncDirectory({ portal, accessToken, instanceId: 'work', previous, limiter: fastLimiter(3) });
    expect(result.directory.failedAccounts).toHaveLength(160);
    expect(result.directory.failedAccounts[0]?.message).toMatch(/HTTP 500|internal error/);
    expect(result.directory.accounts).toHaveLength(160);
    expect(result.directory.accounts.find((account) => account.accountId === first?.accountId)?.roles).toEqual(['KeptRole']);
    expect(result.directory.accounts.find((account) => account.accountId === second?.accountId)?.roles).toEqual([]);
  });

  it('stops at once with "unauthorized" when the session is revoked mid-sync, and sends nothing more', async () => {
    emu.setFaults({ '*': { throttle: { rps: 40, burst: 5 } } });
    let revoked = false;
    const { counting, sends } = countSends(portal);
    const outcome = syncDirectory({
      portal: counting,
      accessToken,
      instanceId: 'work',
      limiter: fastLimiter(),
      onProgress: ({ done }) => {
        if (done >= 10 && !revoked) {
          revoked = true;
          emu.revokeAll();
        }
      },
    });
    await expect(outcome).rejects.toMatchObject({ name: 'RolecallError', code: 'unauthorized' });
    const sentByRejection = sends.count;
    // Queued calls were dropped, not merely delayed: give them time to show up if they were not.
    await delay(300);
    expect(sends.count).toBe(sentByRejection);
    expect(portalCalls(emu)).toBeLessThanOrEqual(sends.count);
    expect(sends.count).toBeLessThan(100);
    await signIn();
  });

  // How long abort → rejection takes is a figure in bench/cancel; here the calls in flight
  // never answer until the test lets them, so a rejection that waited for them would never come.
  it('rejects on abort without waiting for the calls in flight, and makes no further calls', async () => {
    emu.setFaults({ '*': { throttle: { rps: 30, burst: 5 } } });
    const controller = new AbortController();
    const held: (() => void)[] = [];
    let sent = 0;
    let sentByAbort = -1;
    const holding = {
      send: (command: never): Promise<unknown> => {
        sent += 1;
        // From the 8th call on, AWS keeps the answer (ignoring the abort signal) until released.
        const answer: Promise<unknown> = portal.send(command);
        if (sent < 8) return answer;
        if (sent === 8) {
          setImmediate(() => {
            sentByAbort = sent;
            controller.abort();
          });
        }
        return new Promise((resolve, reject) => held.push(() => void answer.then(resolve, reject)));
      },
    } as unknown as Pick<SSOClient, 'send'>;
    const outcome = syncDirectory({ portal: holding, accessToken, instanceId: 'work', signal: controller.signal, pageSize: 10 });
    await expect(outcome).rejects.toMatchObject({ name: 'RolecallError', code: 'sign-in-cancelled' });
    // It rejected while every call from the 8th on was still unanswered.
    expect(sentByAbort).toBeGreaterThanOrEqual(8);
    expect(held).toHaveLength(sentByAbort - 7);
    for (const release of held) release();
    await delay(300);
    expect(sent).toBe(sentByAbort);
    expect(portalCalls(emu)).toBeLessThanOrEqual(sent);
  });

  it('round-trips a synced directory through the disk cache', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rolecall-sync-cache-'));
    try {
      const { directory } = await syncDirectory({ portal, accessToken, instanceId: 'work' });
      const cache = new DirectoryCache(dir);
      await cache.save(directory);
      expect(await cache.load('work')).toEqual({ directory });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
