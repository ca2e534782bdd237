import {
  AccessDeniedException,
  AuthorizationPendingException,
  ExpiredTokenException,
  InternalServerException,
  InvalidClientException,
  InvalidRequestException,
  SlowDownException,
} from '@aws-sdk/client-sso-oidc';
import { describe, expect, it } from 'vitest';
import { RolecallError } from '../model/errors';
import { MemorySecretStore } from '../ports/secret-store';
import {
  deviceFlowTransition,
  initialDeviceFlowState,
  isTerminal,
  nextPollDelayMs,
  runDeviceFlow,
  type DeviceFlowEvent,
  type DeviceFlowState,
} from './device-flow';
import { registrationKey } from './registration';
import { ScriptedSender, type ScriptStep } from './test-support/scripted-sender';
import { AdjustableClock } from '../ports/test-support/adjustable-clock';
import { rejection } from './test-support/rejection';
import { acmeInstance } from '../model/test-support/instance-fixture';

const instance = acmeInstance;

const meta = { $metadata: { httpStatusCode: 400 } };
const pending = () => new AuthorizationPendingException({ ...meta, message: 'pending' });
const slowDown = () => new SlowDownException({ ...meta, message: 'slow down' });

const code = {
  userCode: 'ABCD-EFGH',
  verificationUri: 'https://device.sso.eu-west-1.amazonaws.com/',
  verificationUriComplete: 'https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH',
  expiresAt: 1_000_000,
  intervalMs: 5000,
};

// ---------------------------------------------------------------------------------------
// The pure transition function
// ---------------------------------------------------------------------------------------

const awaiting: DeviceFlowState = { kind: 'awaiting-user', ...code };
const polling: DeviceFlowState = { kind: 'polling', ...code, polls: 1, transientFailures: 0 };
const failure = new RolecallError('network', 'offline');

const allEvents: readonly DeviceFlowEvent[] = [
  { type: 'authorization-started', ...code },
  { type: 'poll' },
  { type: 'pending' },
  { type: 'slow-down' },
  { type: 'transient-error' },
  { type: 'token-issued', tokenExpiresAt: 5 },
  { type: 'denied' },
  { type: 'code-expired' },
  { type: 'failed', error: failure },
  { type: 'cancel' },
];

const terminalStates: readonly DeviceFlowState[] = [
  { kind: 'signed-in', tokenExpiresAt: 5 },
  { kind: 'denied' },
  { kind: 'expired' },
  { kind: 'failed', error: failure },
  { kind: 'cancelled' },
];

describe('deviceFlowTransition', () => {
  it('starts registering, and shows the code once authorization has started', () => {
    expect(initialDeviceFlowState).toEqual({ kind: 'registering' });
    expect(deviceFlowTransition(initialDeviceFlowState, { type: 'authorization-started', ...code })).toEqual(awaiting);
  });

  it('moves to polling on the first poll and counts polls', () => {
    expect(deviceFlowTransition(awaiting, { type: 'poll' })).toEqual({ ...awaiting, kind: 'polling', polls: 1, transientFailures: 0 });
    expect(deviceFlowTransition(polling, { type: 'poll' })).toMatchObject({ kind: 'polling', polls: 2 });
  });

  it('keeps polling at the same interval when authorization is pending', () => {
    const next = deviceFlowTransition({ ...polling, transientFailures: 3 }, { type: 'pending' });
    expect(next).toMatchObject({ kind: 'polling', intervalMs: 5000, transientFailures: 0 });
  });

  it('adds 5 s to the interval on every slow-down', () => {
    const once = deviceFlowTransition(polling, { type: 'slow-down' });
    const twice = deviceFlowTransition(once, { type: 'slow-down' });
    expect(once).toMatchObject({ kind: 'polling', intervalMs: 10_000 });
    expect(twice).toMatchObject({ kind: 'polling', intervalMs: 15_000 });
  });

  it('counts transient failures in a row', () => {
    const once = deviceFlowTransition(polling, { type: 'transient-error' });
    expect(deviceFlowTransition(once, { type: 'transient-error' })).toMatchObject({
      kind: 'polling',
      transientFailures: 2,
      intervalMs: 5000,
    });
  });

  it('ends signed-in, denied or expired from polling', () => {
    expect(deviceFlowTransition(polling, { type: 'token-issued', tokenExpiresAt: 42 })).toEqual({ kind: 'signed-in', tokenExpiresAt: 42 });
    expect(deviceFlowTransition(polling, { type: 'denied' })).toEqual({ kind: 'denied' });
    expect(deviceFlowTransition(polling, { type: 'code-expired' })).toEqual({ kind: 'expired' });
    expect(deviceFlowTransition(awaiting, { type: 'code-expired' })).toEqual({ kind: 'expired' });
  });

  it('fails or cancels from every non-terminal state', () => {
    for (const state of [initialDeviceFlowState, awaiting, polling]) {
      expect(deviceFlowTransition(state, { type: 'failed', error: failure })).toEqual({ kind: 'failed', error: failure });
      expect(deviceFlowTransition(state, { type: 'cancel' })).toEqual({ kind: 'cancelled' });
    }
  });

  it('rejects events that make no sense in a state', () => {
    const invalid: readonly [DeviceFlowState, DeviceFlowEvent['type']][] = [
      [initialDeviceFlowState, 'poll'],
      [initialDeviceFlowState, 'pending'],
      [initialDeviceFlowState, 'slow-down'],
      [initialDeviceFlowState, 'transient-error'],
      [initialDeviceFlowState, 'token-issued'],
      [initialDeviceFlowState, 'denied'],
      [initialDeviceFlowState, 'code-expired'],
      [awaiting, 'authorization-started'],
      [awaiting, 'pending'],
      [awaiting, 'slow-down'],
      [awaiting, 'transient-error'],
      [awaiting, 'token-issued'],
      [awaiting, 'denied'],
      [polling, 'authorization-started'],
    ];
    for (const [state, type] of invalid) {
      const event = allEvents.find((candidate) => candidate.type === type)!;
      expect(() => deviceFlowTransition(state, event), `${state.kind} + ${type}`).toThrow(RolecallError);
    }
  });

  it('treats every terminal state as final', () => {
    for (const state of terminalStates) {
      expect(isTerminal(state)).toBe(true);
      for (const event of allEvents)
        expect(() => deviceFlowTransition(state, event), `${state.kind} + ${event.type}`).toThrow(/cannot handle/);
    }
    for (const state of [initialDeviceFlowState, awaiting, polling]) expect(isTerminal(state)).toBe(false);
  });
});

describe('nextPollDelayMs', () => {
  it('is the interval without failures, and an exponential backoff never shorter than it after failures', () => {
    expect(nextPollDelayMs({ ...code, transientFailures: 0 })).toBe(5000);
    expect(nextPollDelayMs({ ...code, transientFailures: 1 }, () => 1)).toBe(5000);
    expect(nextPollDelayMs({ ...code, transientFailures: 5 }, () => 1)).toBe(16_000);
    expect(nextPollDelayMs({ ...code, transientFailures: 5 }, () => 0)).toBe(8000);
    expect(nextPollDelayMs({ ...code, transientFailures: 30 }, () => 1)).toBe(30_000);
  });
});

// ---------------------------------------------------------------------------------------
// The driver
// ---------------------------------------------------------------------------------------

const registered = (clientId = 'client-1', clock?: AdjustableClock): ScriptStep => ({
  op: 'RegisterClient',
  reply: {
    clientId,
    clientSecret: `${clientId}-secret`,
    clientIdIssuedAt: Math.floor((clock?.now() ?? Date.UTC(2025, 0, 1)) / 1000),
    clientSecretExpiresAt: Math.floor((clock?.now() ?? Date.UTC(2025, 0, 1)) / 1000) + 90 * 86_400,
  },
});

const started = (options: { expiresIn?: number; interval?: number; deviceCode?: string } = {}): ScriptStep => ({
  op: 'StartDeviceAuthorization',
  reply: {
    deviceCode: options.deviceCode ?? 'device-code-1',
    userCode: code.userCode,
    verificationUri: code.verificationUri,
    verificationUriComplete: code.verificationUriComplete,
    expiresIn: options.expiresIn ?? 600,
    interval: options.interval ?? 5,
  },
});

const poll = (reply: ScriptStep['reply']): ScriptStep => ({ op: 'CreateToken', reply });
const issued = (expiresIn = 28_800): ScriptStep =>
  poll({ accessToken: 'access-1', tokenType: 'Bearer', expiresIn, refreshToken: 'refresh-1' });

const setup = (steps: ScriptStep[]) => {
  const clock = new AdjustableClock({ start: Date.UTC(2025, 0, 1), sleeps: 'step' });
  const oidc = new ScriptedSender(steps, () => clock.now());
  const secrets = new MemorySecretStore();
  const states: DeviceFlowState[] = [];
  const run = (signal?: AbortSignal) =>
    runDeviceFlow({
      oidc,
      instance,
      secrets,
      clock,
      onState: (state) => states.push(state),
      random: () => 0.5,
      ...(signal ? { signal } : {}),
    });
  return { clock, oidc, secrets, states, run };
};

describe('runDeviceFlow', () => {
  it('registers, shows the code, polls no faster than the interval and returns the token AWS issued', async () => {
    const { clock, oidc, states, run } = setup([registered(), started(), poll(pending()), poll(pending()), issued()]);
    const begin = clock.now();
    const token = await run();

    expect(clock.sleeps).toEqual([5000, 5000, 5000]);
    const polls = oidc.callsOf('CreateToken');
    expect(polls.map((call) => call.at! - begin)).toEqual([5000, 10_000, 15_000]);
    expect(polls[0]!.input).toEqual({
      clientId: 'client-1',
      clientSecret: 'client-1-secret',
      grantType: 'urn:ietf:params:oauth:grant-type:device_code',
      deviceCode: 'device-code-1',
    });
    expect(oidc.callsOf('RegisterClient')[0]!.input).toEqual({
      clientName: 'rolecall',
      clientType: 'public',
      scopes: ['sso:account:access'],
      grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
    });
    expect(oidc.callsOf('StartDeviceAuthorization')[0]!.input).toEqual({
      clientId: 'client-1',
      clientSecret: 'client-1-secret',
      startUrl: instance.startUrl,
    });
    expect(token).toEqual({
      startUrl: instance.startUrl,
      region: 'eu-west-1',
      accessToken: 'access-1',
      // The expiry AWS returned (8 h), counted from when the winning poll was sent.
      expiresAt: begin + 15_000 + 28_800_000,
      refreshToken: 'refresh-1',
      clientId: 'client-1',
      clientSecret: 'client-1-secret',
      registrationExpiresAt: Math.floor(begin / 1000) * 1000 + 90 * 86_400_000,
    });
    expect(states.map((state) => state.kind)).toEqual([
      'registering',
      'awaiting-user',
      'polling',
      'polling',
      'polling',
      'polling',
      'polling',
      'signed-in',
    ]);
    expect(states[1]).toEqual({ kind: 'awaiting-user', ...code, expiresAt: begin + 600_000 });
    expect(JSON.stringify(states)).not.toContain('device-code-1');
    expect(oidc.remaining).toBe(0);
  });

  it('uses a short token lifetime exactly as returned, never an assumed one', async () => {
    const { clock, run } = setup([registered(), started(), issued(900)]);
    const begin = clock.now();
    const token = await run();
    expect(token.expiresAt).toBe(begin + 5000 + 900_000);
  });

  it('adds 5 s to the interval on slow_down and keeps the longer interval', async () => {
    const { clock, run } = setup([
      registered(),
      started({ interval: 2 }),
      poll(slowDown()),
      poll(pending()),
      poll(slowDown()),
      poll(pending()),
      issued(),
    ]);
    await run();
    expect(clock.sleeps).toEqual([2000, 7000, 7000, 12_000, 12_000]);
  });

  it('uses the RFC default interval of 5 s when AWS gives none', async () => {
    const { clock, run } = setup([
      registered(),
      { op: 'StartDeviceAuthorization', reply: { deviceCode: 'd', userCode: 'U', verificationUri: 'https://v', expiresIn: 600 } },
      issued(),
    ]);
    await run();
    expect(clock.sleeps).toEqual([5000]);
  });

  it('stops with device-code-expired when the clock passes the code expiry, without polling past it', async () => {
    const { clock, oidc, states, run } = setup([registered(), started({ expiresIn: 12 }), poll(pending()), poll(pending())]);
    const error = await rejection(run());
    expect(error.code).toBe('device-code-expired');
    expect(oidc.callsOf('CreateToken')).toHaveLength(2);
    // Two full intervals, then only the 2 s left of the code's life.
    expect(clock.sleeps).toEqual([5000, 5000, 2000]);
    expect(states.at(-1)).toEqual({ kind: 'expired' });
  });

  it('stops with device-code-expired when AWS says the code expired', async () => {
    const { states, run } = setup([
      registered(),
      started(),
      poll(pending()),
      poll(new ExpiredTokenException({ ...meta, message: 'expired' })),
    ]);
    const error = await rejection(run());
    expect(error.code).toBe('device-code-expired');
    expect(error.userMessage).toMatch(/start the sign-in again/);
    expect(states.at(-1)).toEqual({ kind: 'expired' });
  });

  it('stops with sign-in-denied when the user denies in the browser', async () => {
    const { states, run } = setup([
      registered(),
      started(),
      poll(pending()),
      poll(new AccessDeniedException({ ...meta, message: 'denied' })),
    ]);
    const error = await rejection(run());
    expect(error.code).toBe('sign-in-denied');
    expect(states.at(-1)).toEqual({ kind: 'denied' });
  });

  it('cancels in the middle of a wait, without another poll', async () => {
    const { clock, oidc, states, run } = setup([registered(), started(), poll(pending())]);
    const abort = new AbortController();
    clock.onSleep = () => {
      if (clock.sleeps.length === 2) abort.abort(new Error('user pressed cancel'));
    };
    const error = await rejection(run(abort.signal));
    expect(error.code).toBe('sign-in-cancelled');
    expect(oidc.callsOf('CreateToken')).toHaveLength(1);
    expect(states.at(-1)).toEqual({ kind: 'cancelled' });
  });

  it('cancels a real wait at once (no busy loop, no waiting out the interval)', async () => {
    const oidc = new ScriptedSender([registered(), started({ interval: 600 })]);
    const abort = new AbortController();
    const states: DeviceFlowState[] = [];
    // Real time and real timers, with the sleeps recorded: a busy loop would sleep often and briefly.
    const clock = new AdjustableClock();
    const flow = runDeviceFlow({
      oidc,
      instance,
      secrets: new MemorySecretStore(),
      clock,
      signal: abort.signal,
      onState: (state) => {
        states.push(state);
        if (state.kind === 'awaiting-user') setTimeout(() => abort.abort(), 30);
      },
    });
    // The interval is 10 minutes: only the abort can end the flow within the test's timeout
    // (how soon after the abort it ends is a figure in bench/cancel).
    const error = await rejection(flow);
    expect(error.code).toBe('sign-in-cancelled');
    // One wait for the rest of the interval (a millisecond may have passed since the code came).
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThan(599_000);
    expect(states.at(-1)).toEqual({ kind: 'cancelled' });
    expect(oidc.callsOf('CreateToken')).toHaveLength(0);
  });

  it('cancels before anything is sent when the signal is already aborted', async () => {
    const { oidc, run } = setup([]);
    const error = await rejection(run(AbortSignal.abort()));
    expect(error.code).toBe('sign-in-cancelled');
    expect(oidc.calls).toHaveLength(0);
  });

  it('retries transient failures (500, dropped connection, 429) with backoff and keeps going', async () => {
    const dropped = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const throttled = Object.assign(new Error('rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
    const { clock, oidc, run } = setup([
      registered(),
      started(),
      poll(new InternalServerException({ $metadata: { httpStatusCode: 500 }, message: 'boom' })),
      poll(dropped),
      poll(throttled),
      poll(pending()),
      issued(),
    ]);
    const token = await run();
    expect(token.accessToken).toBe('access-1');
    expect(oidc.callsOf('CreateToken')).toHaveLength(5);
    // interval, then backoff (never below the interval), reset once AWS answers normally.
    expect(clock.sleeps).toEqual([5000, 5000, 5000, 5000, 5000]);
    expect(clock.sleeps.every((ms) => ms >= 5000)).toBe(true);
  });

  it('backs off longer than the interval after repeated transient failures, within the code lifetime', async () => {
    const failures = Array.from({ length: 6 }, () =>
      poll(new InternalServerException({ $metadata: { httpStatusCode: 500 }, message: 'boom' })),
    );
    const { clock, run } = setup([registered(), started({ interval: 1, expiresIn: 600 }), ...failures, issued()]);
    await run();
    // 1 s interval, then backoffs of 3/4 of a doubling ceiling (1 s … capped 30 s) at random()=0.5, floored at the interval.
    expect(clock.sleeps).toEqual([1000, 1000, 1500, 3000, 6000, 12_000, 22_500]);
  });

  it('fails the flow on a transient failure that lasts past the code lifetime', async () => {
    const failures = Array.from({ length: 20 }, () =>
      poll(new InternalServerException({ $metadata: { httpStatusCode: 500 }, message: 'boom' })),
    );
    const { oidc, run } = setup([registered(), started({ interval: 5, expiresIn: 60 }), ...failures]);
    const error = await rejection(run());
    expect(error.code).toBe('device-code-expired');
    expect(oidc.callsOf('CreateToken').length).toBeLessThan(20);
  });

  it('fails with a clear message on an error that retrying cannot fix', async () => {
    const { states, run } = setup([
      registered(),
      started(),
      poll(new InvalidRequestException({ ...meta, message: 'Invalid device code' })),
    ]);
    const error = await rejection(run());
    expect(error.code).toBe('invalid-request');
    expect(error.userMessage).toContain('Invalid device code');
    expect(states.at(-1)).toMatchObject({ kind: 'failed', error: { code: 'invalid-request' } });
  });

  it('refuses a token without a lifetime rather than assuming one', async () => {
    const { run } = setup([registered(), started(), poll({ accessToken: 'a', tokenType: 'Bearer' })]);
    const error = await rejection(run());
    expect(error.code).toBe('internal');
  });

  it('caches the registration and reuses it for the next sign-in', async () => {
    const { oidc, secrets, run } = setup([registered(), started(), issued()]);
    await run();
    oidc.then(started({ deviceCode: 'device-code-2' }), issued());
    const second = await run();
    expect(oidc.callsOf('RegisterClient')).toHaveLength(1);
    expect(oidc.callsOf('StartDeviceAuthorization')[1]!.input).toMatchObject({ clientId: 'client-1' });
    expect(second.clientId).toBe('client-1');
    expect(JSON.parse((await secrets.get(registrationKey('acme', 'device')))!)).toMatchObject({ clientId: 'client-1' });
  });

  it('registers again once the cached registration is (about to be) expired', async () => {
    const { clock, oidc, run } = setup([registered('client-1'), started(), issued()]);
    await run();
    clock.advance(90 * 86_400_000 - 30 * 60_000); // 30 min before the registration expires
    oidc.then(registered('client-2', clock), started(), issued());
    const token = await run();
    expect(oidc.callsOf('RegisterClient')).toHaveLength(2);
    expect(token.clientId).toBe('client-2');
  });

  it('forgets the registration and fails clearly when AWS no longer knows the client while polling', async () => {
    const { oidc, secrets, states, run } = setup([
      registered(),
      started(),
      poll(new InvalidClientException({ $metadata: { httpStatusCode: 401 }, message: 'bad client' })),
    ]);
    const error = await rejection(run());
    expect(error.code).toBe('invalid-client');
    expect(error.userMessage).toMatch(/sign in again/);
    expect(await secrets.get(registrationKey('acme', 'device'))).toBeUndefined();
    expect(states.at(-1)).toMatchObject({ kind: 'failed' });
    // The next sign-in registers afresh.
    oidc.then(registered('client-2'), started(), issued());
    expect((await run()).clientId).toBe('client-2');
  });

  it('registers afresh once when a cached registration is rejected at the start', async () => {
    const { oidc, run } = setup([registered('client-1'), started(), issued()]);
    await run();
    oidc.then(
      {
        op: 'StartDeviceAuthorization',
        reply: new InvalidClientException({ $metadata: { httpStatusCode: 401 }, message: 'unknown client' }),
      },
      registered('client-2'),
      started(),
      issued(),
    );
    const token = await run();
    expect(token.clientId).toBe('client-2');
    expect(oidc.callsOf('StartDeviceAuthorization').map((call) => call.input.clientId)).toEqual(['client-1', 'client-1', 'client-2']);
  });

  it('reports a registration failure as failed, with the mapped message', async () => {
    const { states, run } = setup([
      { op: 'RegisterClient', reply: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) },
    ]);
    const error = await rejection(run());
    expect(error.code).toBe('network');
    expect(states.map((state) => state.kind)).toEqual(['registering', 'failed']);
  });
});
