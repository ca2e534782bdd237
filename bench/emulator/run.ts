import { ListAccountRolesCommand, ListAccountsCommand } from '@aws-sdk/client-sso';
import { RegisterClientCommand } from '@aws-sdk/client-sso-oidc';
import { oidcClient, portalClient, quietEmulator, signIn } from '../../emulator/test-support/test-helpers';
import { describeSpread, ratio, spread, timeAsync } from '../support/stats';

/**
 * `npx tsx bench/emulator/run.ts`: the emulator's injected latency, in one run:
 *   - other requests while requests are held by latency (ListAccounts held 10 minutes): an admin
 *     call and a portal ListAccountRoles, p50/p95/max, against the same calls with nothing held;
 *   - a 100 ms injected latency: the answer's wall time against an undelayed call plus 100 ms;
 *   - close() with a request held 10 minutes, against close() of an idle emulator.
 * The unit tests check only who waits for whom; this prints how long and asserts nothing. The
 * last line is one JSON object. Other processes on the machine skew the figures; compare ratios.
 */

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 50);
// Ten held requests: more make Node warn about abort listeners on the emulator's close signal.
const HELD = Number(process.env.BENCH_HELD ?? 10);
const LATENCY_MS = 100;

const until = async (done: () => boolean) => {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
};

/** A signed-in emulator with timed admin and portal calls. */
const openTarget = async () => {
  const emu = await quietEmulator({ autoApprove: true });
  const { accessToken } = await signIn(emu);
  const sso = portalClient(emu);
  const accountId = (await sso.send(new ListAccountsCommand({ accessToken }))).accountList?.[0]?.accountId ?? '';
  let closed = false;
  return {
    emu,
    accessToken,
    admin: () => timeAsync(async () => (await fetch(`${emu.url}/_emulator/counters`)).arrayBuffer()),
    portal: () => timeAsync(() => sso.send(new ListAccountRolesCommand({ accessToken, accountId }))),
    close: async () => {
      if (closed) return;
      closed = true;
      sso.destroy();
      await emu.close();
    },
  };
};

const main = async () => {
  const summary: Record<string, unknown> = { bench: 'emulator', node: process.version, rounds: ROUNDS, held: HELD };
  // Two emulators side by side, calls interleaved: one with nothing held, one holding requests.
  const idle = await openTarget();
  const busy = await openTarget();
  const heldClient = portalClient(busy.emu);
  try {
    busy.emu.setFaults({ operations: { ListAccounts: { latencyMs: 600_000 } } });
    const heldCalls = Array.from({ length: HELD }, () =>
      heldClient.send(new ListAccountsCommand({ accessToken: busy.accessToken })).catch(() => undefined),
    );
    await until(() => (busy.emu.counters().ListAccounts?.requests ?? 0) >= HELD + 1);
    for (let i = 0; i < 10; i += 1) {
      for (const target of [idle, busy]) {
        await target.admin();
        await target.portal();
      }
    }

    console.log(
      `emulator: ${ROUNDS} admin and portal calls to an emulator with nothing held and to one holding ${HELD} ListAccounts for 10 minutes, interleaved`,
    );
    const samples = { adminIdle: [] as number[], adminHeld: [] as number[], portalIdle: [] as number[], portalHeld: [] as number[] };
    for (let i = 0; i < ROUNDS; i += 1) {
      samples.adminIdle.push(await idle.admin());
      samples.adminHeld.push(await busy.admin());
      samples.portalIdle.push(await idle.portal());
      samples.portalHeld.push(await busy.portal());
    }
    const isolation = {
      adminIdle: spread(samples.adminIdle),
      adminWhileHeld: spread(samples.adminHeld),
      portalIdle: spread(samples.portalIdle),
      portalWhileHeld: spread(samples.portalHeld),
    };
    console.log(`  admin call,  nothing held   ${describeSpread(isolation.adminIdle)}`);
    console.log(
      `  admin call,  ${String(HELD).padStart(3)} held       ${describeSpread(isolation.adminWhileHeld)}   -> p50 ${ratio(isolation.adminWhileHeld.p50, isolation.adminIdle.p50)}x`,
    );
    console.log(`  portal call, nothing held   ${describeSpread(isolation.portalIdle)}`);
    console.log(
      `  portal call, ${String(HELD).padStart(3)} held       ${describeSpread(isolation.portalWhileHeld)}   -> p50 ${ratio(isolation.portalWhileHeld.p50, isolation.portalIdle.p50)}x`,
    );
    summary.isolation = {
      ...isolation,
      adminRatioP50: ratio(isolation.adminWhileHeld.p50, isolation.adminIdle.p50),
      portalRatioP50: ratio(isolation.portalWhileHeld.p50, isolation.portalIdle.p50),
    };

    // The same emulator, the fault switched on and off between calls.
    const delayed: number[] = [];
    const undelayed: number[] = [];
    for (let i = 0; i < Math.ceil(ROUNDS / 5); i += 1) {
      idle.emu.setFaults({ operations: { ListAccountRoles: { latencyMs: LATENCY_MS } } });
      delayed.push(await idle.portal());
      idle.emu.setFaults({});
      undelayed.push(await idle.portal());
    }
    const injected = { delayed: spread(delayed), undelayed: spread(undelayed) };
    const expected = injected.undelayed.p50 + LATENCY_MS;
    console.log(`
${LATENCY_MS} ms injected on ListAccountRoles (${delayed.length} calls, alternating with undelayed ones):`);
    console.log(`  undelayed call              ${describeSpread(injected.undelayed)}`);
    console.log(
      `  delayed call                ${describeSpread(injected.delayed)}   -> p50 ${ratio(injected.delayed.p50, expected, 3)}x an undelayed call + ${LATENCY_MS} ms`,
    );
    summary.injected = { latencyMs: LATENCY_MS, ...injected, ratioP50ToUndelayedPlusLatency: ratio(injected.delayed.p50, expected, 3) };

    await busy.close();
    await Promise.all(heldCalls);
  } finally {
    heldClient.destroy();
    await idle.close();
    await busy.close();
  }

  const closeIdle: number[] = [];
  const closeHeld: number[] = [];
  const closeRounds = Math.max(3, Math.ceil(ROUNDS / 10));
  for (let i = 0; i < closeRounds; i += 1) {
    const quiet = await quietEmulator();
    closeIdle.push(await timeAsync(() => quiet.close()));
    const holding = await quietEmulator({ faults: { operations: { RegisterClient: { latencyMs: 600_000 } } } });
    const client = oidcClient(holding);
    const pending = client.send(new RegisterClientCommand({ clientName: 'bench', clientType: 'public' })).catch((error: unknown) => error);
    await until(() => (holding.counters().RegisterClient?.requests ?? 0) >= 1);
    closeHeld.push(await timeAsync(() => holding.close()));
    await pending;
    client.destroy();
  }
  const close = { idle: spread(closeIdle), withHeldRequest: spread(closeHeld) };
  console.log(`
close() (${closeRounds} rounds):`);
  console.log(`  idle emulator               ${describeSpread(close.idle)}`);
  console.log(
    `  a request held 10 minutes   ${describeSpread(close.withHeldRequest)}   -> p50 ${ratio(close.withHeldRequest.p50, close.idle.p50)}x`,
  );
  summary.close = { ...close, ratioP50: ratio(close.withHeldRequest.p50, close.idle.p50) };
  console.log(JSON.stringify(summary));
};

await main();
