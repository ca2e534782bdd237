import { existsSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RETAIN_OLD_BUILDS_MS, installBuild, pruneBuild, stagingDirFor, withBuildLock } from '../app/node/build-directory.mjs';
import { RolecallError } from '../app/model/errors';
import { defaultRendererOutDir, rendererRoot, rendererViteConfig } from './renderer-vite-config';

export interface BuildRendererOptions {
  /** Defaults to dist/renderer at the repository root. */
  readonly outDir?: string;
  /** Build even when the output looks current. */
  readonly force?: boolean;
  readonly log?: (line: string) => void;
  /** Where the renderer's sources are; absent in an installed package. Tests point it elsewhere. */
  readonly sourceDir?: string;
  /** How long an older build's assets stay (RENDERER_RETAIN_MS); tests shorten it. */
  readonly retainMs?: number;
  /**
   * A build to ship (npm pack, the desktop package): keeps no older build's assets, which no
   * page of an installed copy ever loaded (like scripts/build-cli.mjs --release).
   */
  readonly release?: boolean;
}

/**
 * How long assets stay after the last build that referenced them stopped being current: a
 * page loaded from that build (Electron's file:// page, a browser tab of a server started
 * from it) may still import them lazily. The current and the previous build's always stay.
 */
export const RENDERER_RETAIN_MS = RETAIN_OLD_BUILDS_MS;

/** Vite names everything under assets/ by its content; index.html (and nothing else) is fixed. */
const isHashed = (path: string): boolean => path.startsWith('assets/');

/**
 * The record of recent builds' assets, beside outDir rather than in it, so neither the web
 * server (which serves every file of outDir) nor a package ships it.
 */
export const rendererBuildRecord = (outDir: string): string => join(dirname(outDir), `.${basename(outDir)}-builds.json`);

// Paths hang off rendererRoot and defaultRendererOutDir, found from the package root, so the
// sources (web/*.ts) and the bundle (dist/cli/*.mjs) agree and an installed package finds
// its shipped dist/renderer.
const appRoot = join(rendererRoot, '..', 'app');

/** Everything the bundle is made of: the renderer, the pure app/ modules it imports, and how it is built. */
const sourceRoots = (): readonly string[] => [
  rendererRoot,
  join(appRoot, 'model'),
  join(appRoot, 'ipc'),
  join(rendererRoot, '..', 'web', 'renderer-vite-config.ts'),
];

const newestMtime = async (path: string): Promise<number> => {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, await newestMtime(join(path, entry)));
  }
  return newest;
};

/** The build is current when its index.html is newer than every source file. */
export const rendererBuildIsCurrent = async (outDir: string = defaultRendererOutDir): Promise<boolean> => {
  const built = await stat(join(outDir, 'index.html')).catch(() => undefined);
  if (!built) return false;
  const sources = await Promise.all(sourceRoots().map(newestMtime));
  return built.mtimeMs >= Math.max(...sources);
};

const inFlight = new Map<string, Promise<string>>();

const build = async (outDir: string, options: BuildRendererOptions, lockLost: () => boolean): Promise<string> => {
  const log = options.log ?? (() => undefined);
  const release = options.release ?? false;
  const retainMs = release ? 0 : (options.retainMs ?? RENDERER_RETAIN_MS);
  const why = release ? 'a release build' : options.force ? 'a rebuild asked for' : 'first run or sources changed';
  const started = Date.now();
  log(`rolecall: building the web UI (${why})…`);
  const { build: viteBuild } = await import('vite');
  // Built beside outDir and moved in file by file (app/node/build-directory.mjs): outDir and
  // its index.html are never missing, and an older build's assets stay for pages still using them.
  const staging = stagingDirFor(outDir, started);
  try {
    await viteBuild({ ...rendererViteConfig(staging), logLevel: 'warn' });
    const layout = { outdir: outDir, isHashed };
    const builds = await installBuild({
      ...layout,
      staging,
      builtAt: started,
      last: 'index.html',
      record: rendererBuildRecord(outDir),
      retainMs,
      release,
    });
    // Another builder may be at work if our lock went stale (this process was frozen): prune next time.
    if (!lockLost()) await pruneBuild({ ...layout, builds, retainMs });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  log(`rolecall: web UI built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return outDir;
};

/**
 * The shipped build of an installed package (npm or the desktop app), which has no renderer
 * sources and no vite: used as it is, never rebuilt.
 */
const shippedBuild = (outDir: string): string => {
  if (existsSync(join(outDir, 'index.html'))) return outDir;
  throw new RolecallError('not-found', `This Rolecall installation has no web UI build (${outDir} is missing); reinstall Rolecall.`);
};

/**
 * Returns a directory holding the built renderer. In a git checkout it is built with vite
 * first when it is missing or older than its sources (so `rolecall web` works right after
 * `npm ci`); an installed package serves the build it shipped (`npm run build:renderer`,
 * run by `npm pack`), since vite is a build tool, not a run-time dependency.
 */
export const buildRenderer = (options: BuildRendererOptions = {}): Promise<string> => {
  const outDir = options.outDir ?? defaultRendererOutDir;
  if (!existsSync(join(options.sourceDir ?? rendererRoot, 'index.html'))) return Promise.resolve().then(() => shippedBuild(outDir));
  const running = inFlight.get(outDir);
  if (running) return running;
  const current = async () => !options.force && (await rendererBuildIsCurrent(outDir));
  // One build at a time across processes (`rolecall web`, `rolecall demo`, test workers): a
  // caller that waited for another's build asks again once it holds the lock, and finds it current.
  const task = (async () => {
    if (await current()) return outDir;
    return withBuildLock(outDir, async (lockLost) => ((await current()) ? outDir : build(outDir, options, lockLost)));
  })().finally(() => inFlight.delete(outDir));
  inFlight.set(outDir, task);
  return task;
};
