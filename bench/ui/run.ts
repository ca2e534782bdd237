import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { startEmulatedCore, startTestEmulator, waitUntil } from '../../app/session/test-support/emulated-core';
import { launchChromium } from '../../e2e/support/browser';
import { buildRenderer } from '../../web/renderer-build';
import { describeSpread, ratio, spread } from '../support/stats';

/**
 * `npm run bench:ui`: the window at 10,000+ roles, in Chromium, through a real `rolecall web`
 * process (bin/rolecall.mjs) against the emulator (2,500 accounts × 4 roles, seed 3):
 *   - API calls at start: a core signs in and syncs once (the disk cache), then `rolecall web`
 *     starts on that ROLECALL_HOME; ListAccounts/ListAccountRoles it makes while starting;
 *   - server start → first role painted (spawn to the first option in the DOM, browser and tab ready);
 *   - reload → first role painted (navigation start to the first option, from the page);
 *   - bytes over the bridge per load (WebSocket frames both ways);
 *   - keystroke → paint p50/p95/max for a fixed key sequence: from keydown to the frame after
 *     the list shows that query's rows (the listbox's data-query), single letters that match
 *     everything, Backspace to empty, queries that match nothing; then the same during a sync;
 *   - Enter → clipboard: keydown to the page's clipboard write.
 * It prints and asserts nothing; the last line is one JSON object. Other processes on the
 * machine skew the figures.
 */

const root = join(import.meta.dirname, '..', '..');
/** Keys pressed one by one (Backspace as "\b"), ~human pace. */
const keySequence = [
  'a',
  'e',
  's',
  '\b',
  '\b',
  '\b',
  'p',
  'r',
  'o',
  'd',
  ' ',
  'a',
  'd',
  'm',
  '\b',
  '\b',
  '\b',
  '\b',
  '\b',
  '\b',
  '\b',
  '\b',
  'x',
  'q',
  'z',
  '\b',
  '\b',
  '\b',
];
const keyGapMs = 80;

/**
 * Installed before any page script: records keydown → list painted, Enter → clipboard, and
 * when the first role was painted. Plain JavaScript text: a function would be transpiled
 * with helpers the page does not have.
 */
const pageProbe = `
(() => {
  const w = window;
  w.__keys = [];
  w.__copies = [];
  const firstRole = () => {
    if (document.querySelector('[role="option"]')) {
      requestAnimationFrame(() => { if (w.__firstRole === undefined) w.__firstRole = performance.now(); });
      return;
    }
    requestAnimationFrame(firstRole);
  };
  requestAnimationFrame(firstRole);
  // The browser's own input → next paint (Event Timing; it reports only events of 16 ms or
  // more, durations rounded to 8 ms) and long tasks, beside the probe's own figure.
  w.__events = [];
  w.__longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.name === 'keydown' || e.name === 'keypress' || e.name === 'input') {
          w.__events.push({ name: e.name, start: e.startTime, duration: e.duration, delay: e.processingStart - e.startTime, processing: e.processingEnd - e.processingStart });
        }
      }
    }).observe({ type: 'event', durationThreshold: 16, buffered: true });
    new PerformanceObserver((list) => { for (const e of list.getEntries()) w.__longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  } catch {}
  // Main-thread work per key: keydown (first capture listener) to the end of the input
  // event's listeners, which includes React's render and commit (flushed in the event).
  w.__work = [];
  w.__keyStarts = [];
  let keyAt;
  // Enter → clipboard: the page's own clipboard write, timed from the Enter that asked for it.
  let enterAt;
  const clipboard = navigator.clipboard;
  if (clipboard) {
    const write = clipboard.writeText.bind(clipboard);
    clipboard.writeText = (text) => {
      if (enterAt !== undefined) { w.__copies.push(performance.now() - enterAt); enterAt = undefined; }
      return write(text);
    };
  }
  window.addEventListener('keydown', (event) => { keyAt = performance.now(); w.__keyStarts.push(event.timeStamp); }, true);
  window.addEventListener('input', () => { if (keyAt !== undefined) { w.__work.push(performance.now() - keyAt); keyAt = undefined; } });
  document.addEventListener('keydown', (event) => {
    const started = performance.now();
    if (event.key === 'Enter') {
      enterAt = started;
      return;
    }
    let frames = 0;
    const check = () => {
      frames += 1;
      const input = document.querySelector('input[type="search"]');
      const list = document.querySelector('[data-query]');
      if (input && list && list.getAttribute('data-query') === input.value) {
        requestAnimationFrame(() => w.__keys.push(performance.now() - started));
        return;
      }
      // Bounded: about five seconds of frames.
      if (frames < 300) requestAnimationFrame(check); else w.__keys.push(-1);
    };
    requestAnimationFrame(check);
  }, true);
})();
`;

/**
 * The same-run baseline for the keystroke figures: a page that only echoes the query into
 * its list, typed with the same keys and probe in the same browser. What it measures is the
 * browser's frame scheduling on this machine at that moment, which no page can beat; the
 * app's figures are read against it. It holds an option so the probe's first-role watch
 * stops (a page that keeps asking for frames paints on a fixed cadence, measured ~2× slower).
 */
const floorUrl = 'http://127.0.0.1:9/floor';
/**
 * `animated`: with a spinner turning, as the app's progress bar and spinner do during a sync:
 * a page that animates paints on the display's fixed cadence (measured ~2× the idle figure
 * in headless Chromium, which otherwise paints on demand), so a sync's keys are read against
 * this one.
 */
const floorPage = (animated: boolean): string => `<!doctype html><title>floor</title>
<style>.spin { display: inline-block; width: 14px; height: 14px; border: 2px solid #ccc; border-top-color: #06c; border-radius: 50%; animation: spin 0.8s linear infinite; } @keyframes spin { to { transform: rotate(360deg); } }</style>
<input type="search" role="searchbox" aria-label="Search">${animated ? '<span class="spin"></span>' : ''}<div role="listbox" data-query=""><div role="option">echo</div></div>
<script>
  const input = document.querySelector('input');
  const list = document.querySelector('[data-query]');
  input.addEventListener('input', () => { list.setAttribute('data-query', input.value); list.firstChild.textContent = input.value; });
</script>`;

interface EventEntry {
  readonly name: string;
  readonly start: number;
  readonly duration: number;
  readonly delay: number;
  readonly processing: number;
}

interface Typed {
  /** Probe: keydown → the frame after the list shows the query's rows, per key. */
  readonly keys: number[];
  /** Event Timing per key: the longest of its keydown/keypress/input entries, 0 when under 16 ms. */
  readonly eventMs: number[];
  readonly delayMs: number[];
  readonly processingMs: number[];
  /** keydown → end of the input event's listeners (script, React render and commit). */
  readonly workMs: number[];
  readonly longTasksMs: number[];
}

/** BENCH_UI_PROFILE=<dir>: each typed sequence also leaves a V8 CPU profile there (open it in DevTools). */
const profileDir = process.env.BENCH_UI_PROFILE;

const typeSequence = async (page: Page, name: string): Promise<Typed> => {
  await page.evaluate('window.__keys = []; window.__events = []; window.__work = []; window.__keyStarts = []; window.__longTasks = []');
  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.focus();
  const cdp = profileDir ? await page.context().newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
  }
  for (const key of keySequence) {
    await page.keyboard.press(key === '\b' ? 'Backspace' : key);
    await page.waitForTimeout(keyGapMs);
  }
  if (cdp && profileDir) {
    const { profile } = await cdp.send('Profiler.stop');
    await mkdir(profileDir, { recursive: true });
    await writeFile(join(profileDir, `${name}.cpuprofile`), JSON.stringify(profile));
    await cdp.detach();
  }
  await page.waitForTimeout(500);
  const probe = (await page.evaluate(
    '({ keys: window.__keys, events: window.__events, work: window.__work, starts: window.__keyStarts, longTasks: window.__longTasks })',
  )) as { keys: number[]; events: EventEntry[]; work: number[]; starts: number[]; longTasks: number[] };
  // Each entry belongs to the last key pressed at or before it started.
  const perKey = probe.starts.map(() => ({ duration: 0, delay: 0, processing: 0 }));
  for (const entry of probe.events) {
    let key = -1;
    for (let k = 0; k < probe.starts.length; k += 1) if ((probe.starts[k] as number) <= entry.start + 0.5) key = k;
    const slot = perKey[key];
    if (!slot) continue;
    slot.duration = Math.max(slot.duration, entry.duration);
    slot.delay = Math.max(slot.delay, entry.delay);
    slot.processing = Math.max(slot.processing, entry.processing);
  }
  return {
    keys: probe.keys,
    eventMs: perKey.map((slot) => slot.duration),
    delayMs: perKey.map((slot) => slot.delay),
    processingMs: perKey.map((slot) => slot.processing),
    workMs: probe.work,
    longTasksMs: probe.longTasks,
  };
};

/** Event Timing figures of a run; 0 stands for "under 16 ms" (the API reports nothing below). */
const describeEvents = (typed: Typed): string => {
  const over = typed.eventMs.filter((ms) => ms > 0).length;
  const figure = (ms: number): string => (ms > 0 ? `${ms.toFixed(0)} ms` : '<16 ms');
  const s = spread(typed.eventMs);
  return `input → next paint (Event Timing): p50 ${figure(s.p50)}  p95 ${figure(s.p95)}  max ${figure(s.max)}; ${over}/${typed.eventMs.length} keys ≥ 16 ms; input delay max ${spread(typed.delayMs).max.toFixed(1)} ms, handlers p95 ${spread(typed.processingMs).p95.toFixed(1)} ms`;
};

const describeWork = (typed: Typed): string =>
  `main-thread work per key (keydown → input handled, React commit included): ${describeSpread(spread(typed.workMs))}; long tasks ${typed.longTasksMs.length}${typed.longTasksMs.length ? ` (max ${Math.max(...typed.longTasksMs).toFixed(0)} ms)` : ''}`;

/** The slowest keys of a run, as "query after the key: paint / work" (keys pair with keySequence in order). */
const describeSlowest = (typed: Typed, count = 4): string => {
  let query = '';
  const typedQueries = keySequence.map((key) => (query = key === '\b' ? query.slice(0, -1) : query + key));
  return typed.keys
    .map((paint, k) => ({ paint, work: typed.workMs[k] ?? Number.NaN, query: typedQueries[k] ?? '?' }))
    .sort((a, b) => b.paint - a.paint)
    .slice(0, count)
    .map((key) => `'${key.query}' ${key.paint.toFixed(1)}/${key.work.toFixed(1)} ms`)
    .join(', ');
};

const ratioText = (value: number, baseline: number): string => `${ratio(value, baseline) ?? '—'}×`;

const directoryCalls = (counters: Readonly<Record<string, { requests: number }>>): number =>
  (counters['ListAccounts']?.requests ?? 0) + (counters['ListAccountRoles']?.requests ?? 0);

const main = async () => {
  // Built now, so the child finds it current instead of timing a build.
  await buildRenderer();
  const accounts = Number(process.env.BENCH_ACCOUNTS ?? 2500);
  const test = await startTestEmulator({ directory: { accounts, rolesPerAccount: 4, seed: 3 } });
  const seeded = Date.now();
  const h = await startEmulatedCore(test);
  const roles = h.accounts().reduce((sum, account) => sum + account.roles.length, 0);
  await h.core.stop();
  console.log(
    `ui: ${roles} roles in ${h.accounts().length} accounts; first sign-in and sync ${((Date.now() - seeded) / 1000).toFixed(1)} s`,
  );
  const home = dirname(h.configDir);
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    ROLECALL_HOME: h.configDir,
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    XDG_CONFIG_HOME: join(home, '.config'),
    ROLECALL_NO_BROWSER: '1',
  };

  const browser = await launchChromium(env);
  // The browser and an empty tab are ready before the spawn, as a user's browser is: the
  // start figure is the server's start and the page's load, not making a browser context.
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await context.addInitScript({ content: pageProbe });
  const page = await context.newPage();
  const web = spawn(process.execPath, [join(root, 'bin', 'rolecall.mjs'), 'web', '--port', '0'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  web.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  try {
    test.emulator.resetCounters();
    const spawnedAt = Date.now();
    let stdout = '';
    web.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const line = await waitUntil(() => stdout.includes('\n') && stdout.split('\n')[0], 'rolecall web to print its URL');
    const url = (JSON.parse(line) as { url: string }).url;
    const printedAt = Date.now();
    const notes = stderr
      .split('\n')
      .filter(
        (text) =>
          text.trim() &&
          !/NodeVersionSupport|AWS SDK|node >=22|upgrade to node|a\.co\/|trace-warnings|versions published|will require|To continue|security updates/.test(
            text,
          ),
      );
    if (notes.length > 0) console.log(`rolecall web said before its URL: ${notes.join(' / ')}`);

    const frames = { bytes: 0 };
    page.on('websocket', (socket) => {
      socket.on('framereceived', (frame) => (frames.bytes += Buffer.byteLength(frame.payload)));
      socket.on('framesent', (frame) => (frames.bytes += Buffer.byteLength(frame.payload)));
    });
    await page.goto(url);
    await page.locator('[role="option"]').first().waitFor({ timeout: 60_000 });
    const startPainted = Date.now() - spawnedAt;
    await page.waitForTimeout(1_000);
    const startCalls = directoryCalls(test.emulator.counters());
    const firstLoadBytes = frames.bytes;

    // Reload: the page's stored directory paints before the bridge answers.
    frames.bytes = 0;
    await page.reload();
    // A function, not a string: the page's CSP forbids eval, and the paint may come after the load event.
    await page.waitForFunction(() => (globalThis as { __firstRole?: number }).__firstRole !== undefined, undefined, { timeout: 60_000 });
    const reloadPainted = (await page.evaluate('window.__firstRole')) as number;
    await page.waitForTimeout(1_000);
    const reloadBytes = frames.bytes;

    const idle = await typeSequence(page, 'idle');

    // Enter → clipboard, a few times on different roles.
    const search = page.getByRole('searchbox', { name: 'Search' });
    for (const query of ['prod adm', 'dev read', 'sandbox', 'staging dev', 'data']) {
      await search.fill(query);
      await page.waitForTimeout(300);
      await page.keyboard.press('Enter');
      await page.waitForTimeout(600);
    }
    const copies = (await page.evaluate('window.__copies')) as number[];
    await search.fill('');

    // The same keys while a sync runs (Refresh in the top bar). The emulator answers in no
    // time, so a sync of 2,500 accounts would end within the first keys; AWS takes about a
    // tenth of a second per call, which keeps this one (and the baseline's) running throughout.
    test.emulator.setFaults({ operations: { ListAccountRoles: { latencyMs: 100 } } });
    test.emulator.resetCounters();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await waitUntil(() => directoryCalls(test.emulator.counters()) > 0, 'the sync to start');
    const syncing = await typeSequence(page, 'during-sync');
    const stillSyncing = await page.getByRole('button', { name: 'Refresh' }).isDisabled();

    // The baseline page in the same tab (a second visible tab would share its frames): its
    // keys while a second sync runs in the server, then idle.
    await page.getByRole('button', { name: 'Refresh', disabled: false }).waitFor({ timeout: 60_000 });
    test.emulator.resetCounters();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await waitUntil(() => directoryCalls(test.emulator.counters()) > 0, 'the second sync to start');
    await page.route(`${floorUrl}*`, (route) =>
      route.fulfill({ contentType: 'text/html', body: floorPage(new URL(route.request().url()).search === '?animated') }),
    );
    await page.goto(`${floorUrl}?animated`);
    const floorSyncing = await typeSequence(page, 'baseline-during-sync');
    const floorStillSyncing = directoryCalls(test.emulator.counters()) < 2 * accounts;
    await waitUntil(() => directoryCalls(test.emulator.counters()) >= accounts + 1, 'the second sync to end');
    test.emulator.setFaults({});
    await page.goto(floorUrl);
    await page.waitForTimeout(1_000);
    const floorIdle = await typeSequence(page, 'baseline-idle');

    const keys = spread(idle.keys.filter((ms) => ms >= 0));
    const keysSyncing = spread(syncing.keys.filter((ms) => ms >= 0));
    const floorKeys = spread(floorIdle.keys.filter((ms) => ms >= 0));
    const floorKeysSyncing = spread(floorSyncing.keys.filter((ms) => ms >= 0));
    const enter = spread(copies);
    console.log(`start rolecall web → URL printed ${printedAt - spawnedAt} ms → first role painted ${startPainted} ms (from spawn)`);
    console.log(`directory API calls while starting with a fresh cache: ${startCalls}`);
    console.log(`reload → first role painted ${reloadPainted.toFixed(0)} ms (from navigation start)`);
    console.log(`bridge bytes per load: first load ${firstLoadBytes.toLocaleString()}  |  reload ${reloadBytes.toLocaleString()}`);
    console.log(
      `keystroke → paint (${idle.keys.length} keys): ${describeSpread(keys)}${idle.keys.includes(-1) ? '  (some never painted)' : ''}`,
    );
    console.log(`  ${describeEvents(idle)}`);
    console.log(`  ${describeWork(idle)}`);
    console.log(`  slowest keys (query after the key: paint/work): ${describeSlowest(idle)}`);
    console.log(
      `  baseline, a page that only echoes the query: ${describeSpread(floorKeys)}; app ÷ baseline p50 ${ratioText(keys.p50, floorKeys.p50)}, p95 ${ratioText(keys.p95, floorKeys.p95)}`,
    );
    console.log(
      `keystroke → paint during a sync: ${describeSpread(keysSyncing)}${stillSyncing ? '' : '  (the sync ended during the keys)'}`,
    );
    console.log(`  ${describeEvents(syncing)}`);
    console.log(`  ${describeWork(syncing)}`);
    console.log(`  slowest keys (query after the key: paint/work): ${describeSlowest(syncing)}`);
    console.log(
      `  baseline with a spinner turning, during a second sync: ${describeSpread(floorKeysSyncing)}${floorStillSyncing ? '' : '  (the sync ended during the keys)'}; app ÷ baseline p50 ${ratioText(keysSyncing.p50, floorKeysSyncing.p50)}, p95 ${ratioText(keysSyncing.p95, floorKeysSyncing.p95)}`,
    );
    console.log(`Enter → clipboard (${copies.length}): ${describeSpread(enter)}`);
    console.log(
      JSON.stringify({
        bench: 'ui',
        node: process.version,
        roles,
        startToFirstRoleMs: startPainted,
        startDirectoryApiCalls: startCalls,
        reloadToFirstRoleMs: Math.round(reloadPainted),
        bridgeBytes: { firstLoad: firstLoadBytes, reload: reloadBytes },
        keystrokeMs: keys,
        keystrokeDuringSyncMs: keysSyncing,
        baselineKeystrokeMs: { idle: floorKeys, duringSync: floorKeysSyncing },
        eventTimingMs: { idle: spread(idle.eventMs), duringSync: spread(syncing.eventMs) },
        keyWorkMs: { idle: spread(idle.workMs), duringSync: spread(syncing.workMs) },
        longTasks: { idle: idle.longTasksMs.length, duringSync: syncing.longTasksMs.length },
        syncStillRunningAfterKeys: stillSyncing,
        enterToClipboardMs: enter,
      }),
    );
  } catch (error) {
    console.error(`bench:ui failed: ${error instanceof Error ? error.message : String(error)}\n${stderr}`);
    process.exitCode = 1;
  } finally {
    web.kill('SIGTERM');
    await browser.close();
    await h.close();
    await test.close();
  }
};

void main();
