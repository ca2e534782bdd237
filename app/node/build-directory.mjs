// Replacing a build directory (dist/cli, dist/renderer) under processes that use it. Plain
// JavaScript, so scripts/build-cli.mjs (run by node before any bundle exists) and the web
// shell's renderer build share it.
//
// A build directory is never swapped as a whole: a process already running from it loads
// content-hashed files lazily (the CLI's chunks, the renderer's assets/ in Electron or an old
// page), long after it loaded the fixed-name entry. A build is made in a staging directory
// beside the output, then its hashed files not already there are moved in (a hashed name is
// its content, so one already there is the same file), each fixed-name file replaces the old
// one with an atomic rename, the record of builds next, and the `last` file, whose presence
// or stamp makes the build current, last. Hashed files are pruned only once no build that
// referenced them has been current for retainMs. Builders are serialised by a lock beside
// the output.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import lockfile from 'proper-lockfile';

/**
 * How long an older build's hashed files stay after it stopped being current: a process
 * (a `rolecall agent`, a page still open) that loaded an older entry keeps loading them.
 */
export const RETAIN_OLD_BUILDS_MS = 3_600_000;

/**
 * Runs task holding the lock that serialises builds into `outdir` (proper-lockfile, like
 * app/storage/file-lock.ts; the lock is `.<name>-build.lock` beside outdir): a killed holder's
 * lock goes stale after 10 s; a waiter waits up to about five minutes. task gets a function
 * that says whether the lock was lost meanwhile (this process was frozen past the stale time).
 */
export const withBuildLock = async (outdir, task) => {
  await mkdir(dirname(outdir), { recursive: true });
  let compromised = false;
  const release = await lockfile.lock(outdir, {
    realpath: false,
    lockfilePath: join(dirname(outdir), `.${basename(outdir)}-build.lock`),
    stale: 10_000,
    update: 2_000,
    retries: { retries: 600, minTimeout: 100, maxTimeout: 500, factor: 1.2 },
    onCompromised: () => {
      compromised = true;
    },
  });
  try {
    return await task(() => compromised);
  } finally {
    await release().catch(() => undefined);
  }
};

/** A staging directory for a build into outdir, beside it (same file system, so renames work). */
export const stagingDirFor = (outdir, builtAt) => `${outdir}.staging-${process.pid}-${builtAt}`;

/** Every file under dir, as `/`-separated paths relative to it (none when dir is missing). */
const filesUnder = async (dir) => {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) =>
      join(entry.parentPath ?? entry.path, entry.name)
        .slice(dir.length + 1)
        .split(sep)
        .join('/'),
    );
};

/** The record: the hashed files of the current build and of the recent ones, newest first. */
const readBuilds = async (record) => {
  const builds = await readFile(record, 'utf8')
    .then((text) => JSON.parse(text).builds)
    .catch(() => undefined);
  const valid =
    Array.isArray(builds) &&
    builds.every(
      (entry) => typeof entry?.builtAt === 'number' && Array.isArray(entry.files) && entry.files.every((name) => typeof name === 'string'),
    );
  return valid ? builds : undefined;
};

const moveInto = async (from, to) => {
  await mkdir(dirname(to), { recursive: true });
  await rename(from, to);
};

/**
 * Moves the build in `staging` into `outdir` (see the top of this file). `isHashed(path)` says
 * which files are named by their content; `last` is the fixed-name file moved last; `record`
 * is the JSON file listing the builds' hashed files. A `release` build keeps no older build in
 * its record. Returns the record's builds, newest first.
 */
export const installBuild = async ({ staging, outdir, builtAt, isHashed, last, record, retainMs, release = false }) => {
  await mkdir(outdir, { recursive: true });
  const present = new Set(await filesUnder(outdir));
  const names = await filesUnder(staging);
  const hashed = names.filter(isHashed);
  for (const name of hashed) if (!present.has(name)) await moveInto(join(staging, name), join(outdir, name));
  for (const name of names) if (!isHashed(name) && name !== last) await moveInto(join(staging, name), join(outdir, name));
  // No record (built before records existed): every hashed file present is the previous build's.
  const [previous, ...older] = (await readBuilds(record)) ?? (present.size ? [{ builtAt: 0, files: [...present].filter(isHashed) }] : []);
  const builds = [
    { builtAt, files: hashed },
    ...(previous && !release ? [{ ...previous, supersededAt: builtAt }] : []),
    ...older.filter((entry) => !release && typeof entry.supersededAt === 'number' && builtAt - entry.supersededAt < retainMs),
  ];
  await mkdir(dirname(record), { recursive: true });
  await writeFile(`${record}.${process.pid}`, `${JSON.stringify({ builds })}\n`);
  await rename(`${record}.${process.pid}`, record);
  await moveInto(join(staging, last), join(outdir, last));
  return builds;
};

/**
 * Removes the hashed files no build in `builds` references, and what killed builds left
 * beside outdir; only files untouched for retainMs, so nothing a build just wrote (one whose
 * record was lost with its process) goes. A release (retainMs 0) keeps the current build only.
 */
export const pruneBuild = async ({ outdir, builds, isHashed, retainMs }) => {
  const now = Date.now();
  const old = async (path) => {
    const info = await stat(path).catch(() => undefined);
    return info !== undefined && now - info.mtimeMs >= retainMs;
  };
  const kept = new Set(builds.flatMap((entry) => entry.files));
  for (const name of await filesUnder(outdir))
    if (isHashed(name) && !kept.has(name) && (await old(join(outdir, name)))) await rm(join(outdir, name), { force: true });
  const leftover = (name) => name.startsWith(`${basename(outdir)}.staging-`) || name.startsWith(`${basename(outdir)}.old-`);
  for (const name of await readdir(dirname(outdir)))
    if (leftover(name) && (await old(join(dirname(outdir), name)))) await rm(join(dirname(outdir), name), { recursive: true, force: true });
};
