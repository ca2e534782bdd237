import { InternalServerException, RegisterClientCommand } from '@aws-sdk/client-sso-oidc';
import { ListAccountsCommand, ListAccountRolesCommand, SSOServiceException, TooManyRequestsException } from '@aws-sdk/client-sso';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector, TokenBucket, parseFaultConfig } from './faults';
import type { RunningEmulator } from './options';
import { adminCall, isolateHome, oidcClient, portalClient, quietEmulator, signIn } from './test-support/test-helpers';

beforeAll(() => {
  isolateHome();
});

const fakeClock = () => {
  let t = 0;
  return {
    clock: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
};

describe('TokenBucket', () => {
  it('starts full, refills at rps up to burst, and a refused request takes nothing', () => {
    const { clock, advance } = fakeClock();
    const bucket = new TokenBucket(2, 3, clock);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    advance(250);
    expect(bucket.take()).toBe(false);
    // Had the refused tries consumed anything, half a second would not be enough for one token.
    advance(250);
    expect(bucket.take()).toBe(true);
    advance(60_000);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});

describe('FaultInjector', () => {
  it('shares one bucket between operations on the * throttle and gives an own throttle its own bucket', () => {
    const { clock } = fakeClock();
    const faults = new FaultInjector(
      {
        '*': { throttle: { rps: 0, burst: 2 } },
        operations: { GetRoleCredentials: { throttle: { rps: 0, burst: 1 } }, Logout: { latencyMs: 10 } },
      },
      { clock },
    );
    expect(faults.decide('ListAccounts').kind).toBe('ok');
    expect(faults.decide('ListAccountRoles').kind).toBe('ok');
    expect(faults.decide('ListAccounts').kind).toBe('throttle');
    // Logout sets only latency: its throttle still comes from the shared bucket.
    expect(faults.decide('Logout')).toEqual({ kind: 'throttle', delayMs: 10 });
    expect(faults.decide('GetRoleCredentials').kind).toBe('ok');
    expect(faults.decide('GetRoleCredentials').kind).toBe('throttle');
    expect(faults.counters().ListAccounts).toEqual({ requests: 2, throttled: 1, errors: 0, dropped: 0 });
    expect(faults.counters().GetRoleCredentials).toEqual({ requests: 2, throttled: 1, errors: 0, dropped: 0 });
    faults.reset();
    expect(faults.counters().ListAccounts).toEqual({ requests: 0, throttled: 0, errors: 0, dropped: 0 });
  });

  it('applies error and drop rates and latency with jitter from the random source', () => {
    const rolls = [0.5, 0.2, 0.9, 0.9, 0.1];
    const faults = new FaultInjector(
      { '*': { latencyMs: 100, jitterMs: 50, errorRate: 0.3, dropRate: 0.3 } },
      { random: () => rolls.shift() ?? 0 },
    );
    // jitter roll 0.5 → 25 ms; error roll 0.2 < 0.3 → error.
    expect(faults.decide('CreateToken')).toEqual({ kind: 'error', delayMs: 125 });
    // jitter 0.9 → 45 ms; error roll 0.9 misses; drop roll 0.1 hits.
    expect(faults.decide('CreateToken')).toEqual({ kind: 'drop', delayMs: 145 });
    expect(faults.counters().CreateToken).toEqual({ requests: 2, throttled: 0, errors: 1, dropped: 1 });
  });

  it('rejects invalid configurations', () => {
    expect(() => parseFaultConfig({ '*': { errorRate: 2 } })).toThrow(/Invalid fault config/);
    expect(() => parseFaultConfig({ operations: { NotAnOperation: {} } })).toThrow(/Invalid fault config/);
    expect(() => parseFaultConfig({ '*': { throttle: { rps: 1 } } })).toThrow(/burst/);
    expect(parseFaultConfig({ operations: { ListAccounts: { dropRate: 0.5 } } })).toEqual({
      operations: { ListAccounts: { dropRate: 0.5 } },
    });
  });
});

describe('faults over HTTP', () => {
  let emu: RunningEmulator | undefined;
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });

  it('a burst beyond the bucket gets TooManyRequestsException 429s, and counters count them', async () => {
    emu = await quietEmulator({ autoApprove: true });
    const { accessToken } = await signIn(emu);
    emu.setFaults({ '*': { throttle: { rps: 0.001, burst: 3 } } });
    emu.resetCounters();
    const sso = portalClient(emu);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => sso.send(new ListAccountsCommand({ accessToken }))));
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(rejected).toHaveLength(5);
    for (const r of rejected) {
      expect(r.reason).toBeInstanceOf(TooManyRequestsException);
      expect((r.reason as TooManyRequestsException).$metadata.httpStatusCode).toBe(429);
    }
    // ListAccountRoles shares the * bucket, which is empty now.
    await expect(sso.send(new ListAccountRolesCommand({ accessToken, accountId: '123456789012' }))).rejects.toBeInstanceOf(
      TooManyRequestsException,
    );
    const counters = await adminCall(emu, 'GET', '/_emulator/counters');
    expect((counters.json as Record<string, unknown>).ListAccounts).toEqual({ requests: 8, throttled: 5, errors: 0, dropped: 0 });
    expect((counters.json as Record<string, unknown>).ListAccountRoles).toEqual({ requests: 1, throttled: 1, errors: 0, dropped: 0 });
    // Admin calls are never throttled.
    expect((await adminCall(emu, 'POST', '/_emulator/counters/reset')).status).toBe(200);
    expect(emu.counters().ListAccounts?.requests).toBe(0);
  });

  it('errorRate 1 answers InternalServerException (500) on OIDC and a typed 500 on the portal', async () => {
    emu = await quietEmulator({ autoApprove: true });
    const { accessToken } = await signIn(emu);
    const put = await adminCall(emu, 'PUT', '/_emulator/faults', { '*': { errorRate: 1 } });
    expect(put).toEqual({ status: 200, json: { '*': { errorRate: 1 } } });
    const oidcError = await oidcClient(emu)
      .send(new RegisterClientCommand({ clientName: 'x', clientType: 'public' }))
      .catch((e: unknown) => e);
    expect(oidcError).toBeInstanceOf(InternalServerException);
    expect((oidcError as InternalServerException).$metadata.httpStatusCode).toBe(500);
    const portalError = await portalClient(emu)
      .send(new ListAccountsCommand({ accessToken }))
      .catch((e: unknown) => e);
    expect(portalError).toBeInstanceOf(SSOServiceException);
    expect((portalError as SSOServiceException).name).toBe('InternalServerException');
    expect((portalError as SSOServiceException).$fault).toBe('server');
    expect(emu.counters().RegisterClient?.errors).toBe(1);
    expect(emu.counters().ListAccounts?.errors).toBe(1);
  });

  it('dropRate 1 destroys the connection: the client sees a network error, not a service error', async () => {
    emu = await quietEmulator({ autoApprove: true });
    const { accessToken } = await signIn(emu);
    emu.setFaults({ operations: { ListAccounts: { dropRate: 1 } } });
    const error = await portalClient(emu)
      .send(new ListAccountsCommand({ accessToken }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(SSOServiceException);
    expect(`${(error as NodeJS.ErrnoException).code} ${(error as Error).message}`).toMatch(/ECONNRESET|socket hang up/);
    expect(emu.counters().ListAccounts?.dropped).toBe(1);
  });

  // How long the other requests take meanwhile, and how fast close() is, are figures in
  // bench/emulator; these tests check only who waits for whom.
  it('holds a request for its latency with a timer, without holding up other requests', async () => {
    emu = await quietEmulator({ autoApprove: true });
    const running = emu;
    const { accessToken } = await signIn(emu);
    const sso = portalClient(emu);
    const accounts = await sso.send(new ListAccountsCommand({ accessToken }));
    const accountId = accounts.accountList?.[0]?.accountId ?? '';
    // Ten minutes: the held request cannot be answered during this test, however busy the machine.
    emu.setFaults({ operations: { ListAccounts: { latencyMs: 600_000 } } });
    let slowSettled = false;
    const slow = sso
      .send(new ListAccountsCommand({ accessToken }))
      .then(
        () => 'answered',
        (error: unknown) => error,
      )
      .finally(() => (slowSettled = true));
    // The held request has reached the emulator (it is counted before its latency).
    await expect.poll(() => running.counters().ListAccounts?.requests, { timeout: 20_000 }).toBe(2);

    // Meanwhile an admin call and another portal operation are answered.
    const counters = await fetch(`${emu.url}/_emulator/counters`);
    expect(counters.status).toBe(200);
    const roles = await sso.send(new ListAccountRolesCommand({ accessToken, accountId }));
    expect(roles.roleList?.length).toBeGreaterThan(0);
    expect(slowSettled).toBe(false);

    // A short latency delays the answer but does not change it.
    emu.setFaults({ operations: { ListAccounts: { latencyMs: 20 } } });
    expect((await sso.send(new ListAccountsCommand({ accessToken }))).accountList).toEqual(accounts.accountList);
    expect(slowSettled).toBe(false);

    await emu.close();
    emu = undefined;
    expect(await slow).toBeInstanceOf(Error);
  });

  it('close() does not wait for a request held by latency', async () => {
    // The longest latency allowed: waiting it out would outlast the test's timeout many times.
    emu = await quietEmulator({ faults: { operations: { RegisterClient: { latencyMs: 600_000 } } } });
    const running = emu;
    const pending = oidcClient(emu)
      .send(new RegisterClientCommand({ clientName: 'x', clientType: 'public' }))
      .catch((e: unknown) => e);
    await expect.poll(() => running.counters().RegisterClient?.requests, { timeout: 20_000 }).toBe(1);
    await emu.close();
    emu = undefined;
    expect(await pending).toBeInstanceOf(Error);
  });

  it('rejects an invalid fault config over HTTP with a 400 and keeps the old one', async () => {
    emu = await quietEmulator({ faults: { '*': { latencyMs: 1 } } });
    const bad = await adminCall(emu, 'PUT', '/_emulator/faults', { '*': { dropRate: -1 } });
    expect(bad.status).toBe(400);
    expect((bad.json as { message: string }).message).toMatch(/dropRate/);
    expect((await adminCall(emu, 'GET', '/_emulator/faults')).json).toEqual({ '*': { latencyMs: 1 } });
  });
});
