import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { SandboxEnv } from './sandbox';

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Chromium from $CHROMIUM_PATH, Debian's package or Playwright's cache (scripts/find-chromium.mjs).
 * Missing is a failure, not a skip: `npm test` installs one first, so a run without one would
 * otherwise pass while proving nothing.
 */
export const requireChromium = async (): Promise<string> => {
  // A plain .mjs script shared with ensure-chromium.mjs; it has no type declarations.
  const { findChromium } = (await import('../../scripts/find-chromium.mjs' as string)) as { findChromium: () => string | undefined };
  const path = findChromium();
  if (!path) {
    throw new Error(
      "No Chromium for the end-to-end tests: set CHROMIUM_PATH, install Debian's chromium package, or run `node scripts/ensure-chromium.mjs` (npm test does this first).",
    );
  }
  return path;
};

/**
 * Launches Chromium: with `env` (a sandbox's HOME and the like, plus PATH) so its profile
 * leftovers stay in the temp dir, or with this process's environment when there is none.
 * The one launcher of the e2e suite, the renderer's browser test and bench:ui.
 */
export const launchChromium = async (env?: SandboxEnv | Readonly<Record<string, string>>): Promise<Browser> =>
  chromium.launch({
    executablePath: await requireChromium(),
    args: chromiumArgs,
    ...(env ? { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } } : {}),
    timeout: 30_000,
  });

const isLoopback = (url: URL): boolean => url.hostname === '127.0.0.1' || url.hostname === 'localhost';

export interface AppContext {
  readonly context: BrowserContext;
  /** Requests the suite refused because they left 127.0.0.1; a test expects none. */
  readonly offHostRequests: string[];
}

/**
 * A browser context for the app at `origin`: clipboard allowed, a fixed viewport, and every
 * request that leaves 127.0.0.1 aborted and recorded (the suite never touches the network).
 */
export const newAppContext = async (browser: Browser, origin: string, options: BrowserContextOptions = {}): Promise<AppContext> => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 }, ...options });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const offHostRequests: string[] = [];
  await context.route(
    (url) => !isLoopback(url) && url.protocol !== 'data:' && url.protocol !== 'blob:',
    (route) => {
      offHostRequests.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  return { context, offHostRequests };
};

/** Uncaught page errors and console errors, collected so a test can assert there were none. */
export const collectPageErrors = (page: Page): string[] => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  page.on('crash', () => errors.push('the page crashed'));
  return errors;
};

export interface AppPage extends AppContext {
  readonly browser: Browser;
  readonly page: Page;
  /** Page errors and console errors so far (see collectPageErrors). */
  readonly pageErrors: string[];
}

/** Chromium with one app context and page, errors collected, opened on the launch link `url`. */
export const openAppPage = async (target: {
  readonly sandbox: { readonly env: SandboxEnv };
  readonly origin: string;
  readonly url: string;
}): Promise<AppPage> => {
  const browser = await launchChromium(target.sandbox.env);
  const { context, offHostRequests } = await newAppContext(browser, target.origin);
  const page = await context.newPage();
  const pageErrors = collectPageErrors(page);
  await page.goto(target.url);
  return { browser, context, offHostRequests, page, pageErrors };
};
