import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListAccountRolesCommand, SSOClient } from '@aws-sdk/client-sso';
import { RegisterClientCommand } from '@aws-sdk/client-sso-oidc';
import { AdaptiveLimiter } from '../../app/directory/adaptive-limiter';
import { signInWithDeviceCode } from '../../app/directory/test-support/device-sign-in';
import { syncDirectory } from '../../app/directory/sync';
import { createOidcClient } from '../../app/identity-center/clients';
import { runDeviceFlow } from '../../app/identity-center/device-flow';
import { toRolecallError } from '../../app/identity-center/error-mapping';
import { runPkceFlow } from '../../app/identity-center/pkce-flow';
import { ScriptedSender } from '../../app/identity-center/test-support/scripted-sender';
import { systemClock } from '../../app/ports/clock';
import { MemorySecretStore } from '../../app/ports/secret-store';
import { generateDirectory } from '../../emulator/directory-seed';
import { startEmulator } from '../../emulator/server';
import { describeSpread, ratio, spread, timeAsync } from '../support/stats';
import type { Spread } from '../support/stats';
import { acmeInstance } from '../../app/model/test-support/instance-fixture';

/**
 * `npx tsx bench/cancel/run.ts`: how soon things stop when asked to, in one run, each against
 * a baseline measured alongside:
 *   - syncDirectory against an emulator throttled at 30/s: abort → rejection, and revoking the
 *     session → rejection (it ends when the next call is answered 401), with the calls sent
 *     after the rejection (should be 0); baseline: one unthrottled portal call;
 *   - the device flow waiting out a 10-minute interval, and the PKCE flow waiting for the
 *     browser: abort → rejection; baseline: a 0 ms timer (how busy the event loop is);
 *   - an OIDC client with requestTimeoutMs against an endpoint that never answers: time to give
 *     up; baseline: the configured timeout.
 * The unit tests check only that these stop and send nothing more; this prints how fast and
 * asserts nothing. The last line is one JSON object. Other processes on the machine skew the
 * figures; compare the ratios.
 */

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const REQUEST_TIMEOUT_MS = 300;

const instance = acmeInstance;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const zeroTimer = () => timeAsync(() => delay(0));

const registered = () => {
  const now = Math.floor(Date.now() / 1000);
  return {
    op: 'RegisterClient',
    reply: { clientId: 'bench', clientSecret: 'bench-secret', clientIdIssuedAt: now, clientSecretExpiresAt: now + 90 * 86_400 },
  };
};

interface Leg {
  readonly label: string;
  readonly ms: Spread;
  readonly baselineLabel: string;
  readonly baselineMs: Spread;
  readonly ratioP50: number | null;
  readonly extra?: Record<string, unknown>;
}

const leg = (label: string, samples: number[], baselineLabel: string, baseline: number[], extra?: Record<string, unknown>): Leg => {
  const ms = spread(samples);
  const baselineMs = spread(baseline);
  const result: Leg = { label, ms, baselineLabel, baselineMs, ratioP50: ratio(ms.p50, baselineMs.p50), ...(extra ? { extra } : {}) };
  console.log(`  ${label.padEnd(34)} ${describeSpread(ms)}`);
  console.log(
    `  ${`  baseline: ${baselineLabel}`.padEnd(34)} ${describeSpread(baselineMs)}   -> p50 ${result.ratioP50}x${extra ? `   ${JSON.stringify(extra)}` : ''}`,
  );
  return result;
};

/** Counts what a sync sends through the portal. */
const counting = (portal: SSOClient) => {
  const sends = { count: 0 };
  const client: Pick<SSOClient, 'send'> = {
    send: ((command: never, options: never) => {
      sends.count += 1;
      return portal.send(command, options);
    }) as SSOClient['send'],
  };
  return { client, sends };
};

const syncLegs = async (): Promise<Leg[]> => {
  const seed = { accounts: 300, rolesPerAccount: 3, seed: 11 };
  const emu = await startEmulator({ directory: seed, deviceCodeIntervalSeconds: 0, log: () => undefined });
  const portal = new SSOClient({ region: emu.region, endpoint: emu.portalEndpoint, maxAttempts: 1 });
  try {
    let accessToken = await signInWithDeviceCode(emu);
    const [first] = generateDirectory(seed);
    const callMs: number[] = [];
    const abortMs: number[] = [];
    const revokeMs: number[] = [];
    let sentAfterAbort = 0;
    let sentAfterRevoke = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      emu.setFaults({});
      callMs.push(await timeAsync(() => portal.send(new ListAccountRolesCommand({ accessToken, accountId: first?.accountId ?? '' }))));

      emu.setFaults({ '*': { throttle: { rps: 30, burst: 5 } } });
      const controller = new AbortController();
      let abortedAt = 0;
      const aborting = counting(portal);
      const aborted = syncDirectory({
        portal: aborting.client,
        accessToken,
        instanceId: 'bench',
        signal: controller.signal,
        onProgress: ({ done }) => {
          if (done >= 5 && !controller.signal.aborted) {
            abortedAt = performance.now();
            controller.abort();
          }
        },
      }).catch(() => undefined);
      await aborted;
      abortMs.push(performance.now() - abortedAt);
      const sentByAbort = aborting.sends.count;
      await delay(200);
      sentAfterAbort += aborting.sends.count - sentByAbort;

      let revokedAt = 0;
      const revoking = counting(portal);
      await syncDirectory({
        portal: revoking.client,
        accessToken,
        instanceId: 'bench',
        limiter: new AdaptiveLimiter({ backoff: { baseMs: 20, capMs: 200 } }),
        onProgress: ({ done }) => {
          if (done >= 10 && revokedAt === 0) {
            revokedAt = performance.now();
            emu.revokeAll();
          }
        },
      }).catch(() => undefined);
      revokeMs.push(performance.now() - revokedAt);
      const sentByRevoke = revoking.sends.count;
      await delay(200);
      sentAfterRevoke += revoking.sends.count - sentByRevoke;
      emu.setFaults({});
      accessToken = await signInWithDeviceCode(emu);
    }
    return [
      leg('sync: abort -> rejection', abortMs, 'one portal call', callMs, { callsSentAfterRejection: sentAfterAbort }),
      leg('sync: revoked -> rejection', revokeMs, 'one portal call', callMs, { callsSentAfterRejection: sentAfterRevoke }),
    ];
  } finally {
    portal.destroy();
    await emu.close();
  }
};

const deviceFlowLeg = async (): Promise<Leg> => {
  const samples: number[] = [];
  const baseline: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    baseline.push(await zeroTimer());
    const oidc = new ScriptedSender([
      registered(),
      {
        op: 'StartDeviceAuthorization',
        reply: {
          deviceCode: 'd',
          userCode: 'ABCD-EFGH',
          verificationUri: 'https://device.example/',
          verificationUriComplete: 'https://device.example/?c',
          expiresIn: 600,
          interval: 600,
        },
      },
    ]);
    const abort = new AbortController();
    let abortedAt = 0;
    await runDeviceFlow({
      oidc,
      instance,
      secrets: new MemorySecretStore(),
      clock: systemClock,
      signal: abort.signal,
      onState: (state) => {
        if (state.kind === 'awaiting-user') {
          setTimeout(() => {
            abortedAt = performance.now();
            abort.abort();
          }, 10);
        }
      },
    }).catch(() => undefined);
    samples.push(performance.now() - abortedAt);
  }
  return leg('device flow: abort -> rejection', samples, '0 ms timer', baseline, { waitCutShortMs: 600_000 });
};

const pkceLeg = async (): Promise<Leg> => {
  const samples: number[] = [];
  const baseline: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    baseline.push(await zeroTimer());
    const abort = new AbortController();
    let abortedAt = 0;
    await runPkceFlow({
      oidc: new ScriptedSender([registered()]),
      instance,
      secrets: new MemorySecretStore(),
      clock: systemClock,
      signal: abort.signal,
      timeoutMs: 10 * 60_000,
      open: () => {
        setTimeout(() => {
          abortedAt = performance.now();
          abort.abort();
        }, 10);
      },
    }).catch(() => undefined);
    samples.push(performance.now() - abortedAt);
  }
  return leg('PKCE flow: abort -> rejection', samples, '0 ms timer', baseline, { waitCutShortMs: 600_000 });
};

const requestTimeoutLeg = async (): Promise<Leg> => {
  const server = createServer((req) => req.resume());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const samples: number[] = [];
  const codes = new Set<string>();
  try {
    for (let round = 0; round < Math.max(3, Math.ceil(ROUNDS / 2)); round += 1) {
      const client = createOidcClient(
        { ...instance, endpoints: { oidc: url, portal: url } },
        { maxAttempts: 1, requestTimeoutMs: REQUEST_TIMEOUT_MS },
      );
      samples.push(
        await timeAsync(() =>
          client
            .send(new RegisterClientCommand({ clientName: 'bench', clientType: 'public' }))
            .catch((error: unknown) => codes.add(toRolecallError(error).code)),
        ),
      );
      client.destroy();
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return leg(`OIDC request timeout (${REQUEST_TIMEOUT_MS} ms)`, samples, 'the configured timeout', [REQUEST_TIMEOUT_MS], {
    errorCodes: [...codes],
  });
};

const main = async () => {
  console.log(`cancel: ${ROUNDS} rounds per leg`);
  const legs = [...(await syncLegs()), await deviceFlowLeg(), await pkceLeg(), await requestTimeoutLeg()];
  console.log(
    JSON.stringify({
      bench: 'cancel',
      node: process.version,
      rounds: ROUNDS,
      legs: Object.fromEntries(legs.map(({ label, ...figures }) => [label, figures])),
    }),
  );
};

await main();
