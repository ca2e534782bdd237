import type { GetRoleCredentialsCommand, SSOClient } from '@aws-sdk/client-sso';
import { ResourceNotFoundException, TooManyRequestsException, UnauthorizedException } from '@aws-sdk/client-sso';
import { describe, expect, it } from 'vitest';
import { RolecallError } from '../model/errors';
import type { RoleRef } from '../model/roles';
import type { Clock } from '../ports/clock';
import { AdjustableClock } from '../ports/test-support/adjustable-clock';
import { RoleCredentialsCache } from './role-credentials';

const manualClock = () => new AdjustableClock({ start: Date.UTC(2025, 0, 1), sleeps: 'manual' });

type Answer = (input: GetRoleCredentialsCommand['input'], call: number) => Promise<unknown>;

/** A portal double that records each GetRoleCredentials input and answers with `answer`. */
const fakePortal = (answer: Answer) => {
  const calls: GetRoleCredentialsCommand['input'][] = [];
  const portal = {
    send: async (command: GetRoleCredentialsCommand) => {
      calls.push(command.input);
      return answer(command.input, calls.length);
    },
  } as unknown as Pick<SSOClient, 'send'>;
  return { portal, calls };
};

const HOUR = 3_600_000;
const issuing =
  (clock: Clock, ttlMs = HOUR): Answer =>
  async (input, call) => ({
    roleCredentials: {
      accessKeyId: `ASIA${input.accountId}${call}`,
      secretAccessKey: `secret-${call}`,
      sessionToken: `token-${input.roleName}-${call}`,
      expiration: clock.now() + ttlMs,
    },
  });

const prod: RoleRef = { instanceId: 'work', accountId: '111122223333', roleName: 'Admin' };
const dev: RoleRef = { instanceId: 'work', accountId: '444455556666', roleName: 'Dev' };
const other: RoleRef = { instanceId: 'home', accountId: '111122223333', roleName: 'Admin' };

describe('RoleCredentialsCache', () => {
  it('calls GetRoleCredentials with the token, account and role, and maps the answer', async () => {
    const clock = manualClock();
    const { portal, calls } = fakePortal(issuing(clock));
    const cache = new RoleCredentialsCache({ clock });
    const credentials = await cache.get(prod, { portal, accessToken: 'at-1' });
    expect(calls).toEqual([{ accessToken: 'at-1', accountId: '111122223333', roleName: 'Admin' }]);
    expect(credentials).toEqual({
      accessKeyId: 'ASIA1111222233331',
      secretAccessKey: 'secret-1',
      sessionToken: 'token-Admin-1',
      expiration: clock.now() + HOUR,
    });
  });

  it('serves from memory until the safety margin, then fetches again', async () => {
    const clock = manualClock();
    const { portal, calls } = fakePortal(issuing(clock));
    const cache = new RoleCredentialsCache({ clock, safetyMarginMs: 5 * 60_000 });
    const first = await cache.get(prod, { portal, accessToken: 'at' });
    clock.advance(HOUR - 5 * 60_000 - 1);
    expect(await cache.get(prod, { portal, accessToken: 'at' })).toBe(first);
    expect(calls).toHaveLength(1);
    clock.advance(1);
    const second = await cache.get(prod, { portal, accessToken: 'at' });
    expect(calls).toHaveLength(2);
    expect(second.secretAccessKey).toBe('secret-2');
  });

  it('shares one call among concurrent requests for the same role, not across roles', async () => {
    const clock = manualClock();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { portal, calls } = fakePortal(async (input, call) => {
      await gate;
      return issuing(clock)(input, call);
    });
    const cache = new RoleCredentialsCache({ clock });
    const requests = [prod, prod, prod, dev].map((ref) => cache.get(ref, { portal, accessToken: 'at' }));
    release();
    const [a, b, c, d] = await Promise.all(requests);
    expect(calls.map((input) => input.roleName)).toEqual(['Admin', 'Dev']);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(d?.sessionToken).toBe('token-Dev-2');
  });

  it('maps ResourceNotFound to not-assigned and Unauthorized to unauthorized, and caches nothing', async () => {
    const clock = manualClock();
    const errors = [
      new ResourceNotFoundException({ message: 'No access', $metadata: { httpStatusCode: 404 } }),
      new UnauthorizedException({ message: 'Session token not found or invalid', $metadata: { httpStatusCode: 401 } }),
      new TooManyRequestsException({ message: 'slow down', $metadata: { httpStatusCode: 429 } }),
    ];
    const { portal, calls } = fakePortal(async (_input, call) => {
      throw errors[call - 1];
    });
    const cache = new RoleCredentialsCache({ clock });
    for (const code of ['not-assigned', 'unauthorized', 'throttled']) {
      const error = await cache.get(prod, { portal, accessToken: 'at' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RolecallError);
      expect((error as RolecallError).code).toBe(code);
    }
    // A failure is not remembered: each get tried AWS again.
    expect(calls).toHaveLength(3);
    expect(cache.list()).toEqual([]);
  });

  it('rejects an incomplete answer with a clear error', async () => {
    const clock = manualClock();
    const { portal } = fakePortal(async () => ({ roleCredentials: { accessKeyId: 'ASIA', secretAccessKey: 's', expiration: 1 } }));
    const cache = new RoleCredentialsCache({ clock });
    await expect(cache.get(prod, { portal, accessToken: 'at' })).rejects.toMatchObject({ code: 'service-unavailable' });
  });

  it('lists roles and expirations nearest first without secrets, and drops expired ones', async () => {
    const clock = manualClock();
    const ttl = new Map([
      ['Admin', 2 * HOUR],
      ['Dev', HOUR],
    ]);
    const { portal } = fakePortal(async (input, call) => issuing(clock, ttl.get(input.roleName ?? '') ?? HOUR)(input, call));
    const changes: number[] = [];
    const cache = new RoleCredentialsCache({ clock, onChange: () => changes.push(clock.now()) });
    await cache.get(prod, { portal, accessToken: 'at' });
    await cache.get(dev, { portal, accessToken: 'at' });
    const start = clock.now();
    expect(cache.list()).toEqual([
      { ref: dev, expiration: start + HOUR },
      { ref: prod, expiration: start + 2 * HOUR },
    ]);
    expect(JSON.stringify(cache.list())).not.toMatch(/secret|token/);
    expect(changes).toHaveLength(2);
    clock.advance(HOUR);
    expect(cache.list()).toEqual([{ ref: prod, expiration: start + 2 * HOUR }]);
    expect(cache.peek(dev)).toBeUndefined();
  });

  it('peek never calls AWS and still shows credentials inside the margin until they expire', async () => {
    const clock = manualClock();
    const { portal, calls } = fakePortal(issuing(clock));
    const cache = new RoleCredentialsCache({ clock });
    expect(cache.peek(prod)).toBeUndefined();
    const held = await cache.get(prod, { portal, accessToken: 'at' });
    clock.advance(HOUR - 60_000);
    expect(cache.peek(prod)).toBe(held);
    clock.advance(60_000);
    expect(cache.peek(prod)).toBeUndefined();
    expect(calls).toHaveLength(1);
  });

  it('forget and forgetInstance drop credentials, and a fetch in progress is not kept', async () => {
    const clock = manualClock();
    let release!: () => void;
    let gate = Promise.resolve();
    const { portal, calls } = fakePortal(async (input, call) => {
      await gate;
      return issuing(clock)(input, call);
    });
    const cache = new RoleCredentialsCache({ clock });
    await Promise.all([prod, dev, other].map((ref) => cache.get(ref, { portal, accessToken: 'at' })));
    cache.forgetInstance('work');
    expect(cache.list().map((entry) => entry.ref)).toEqual([other]);
    cache.forget(other);
    expect(cache.list()).toEqual([]);

    gate = new Promise<void>((resolve) => (release = resolve));
    const running = cache.get(prod, { portal, accessToken: 'at' });
    cache.forgetInstance('work');
    release();
    expect((await running).sessionToken).toBe('token-Admin-4');
    expect(cache.peek(prod)).toBeUndefined();
    // The next get starts a new call instead of joining the disowned one.
    await cache.get(prod, { portal, accessToken: 'at' });
    expect(calls).toHaveLength(5);
  });
});
