import { constants } from 'node:fs';
import { open, readFile, readdir, realpath } from 'node:fs/promises';
import { dirname, extname, join, relative as relativePath, resolve, sep } from 'node:path';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
  readonly isHtml: boolean;
}

/**
 * The most files and bytes loadStaticFiles holds, and the largest file it reads on demand: a
 * renderer build is a handful of files.
 */
const maxFiles = 200;
const maxBytes = 32 * 1024 * 1024;

/**
 * Where vite puts the files it names by their content (isHashed in web/renderer-build.ts).
 * Only these are read from disk on demand: a name there is its content, so one read after a
 * rebuild is still the file its build referenced. A fixed-name file (index.html) not read at
 * start could only be a later build's, which would mix two builds.
 */
const hashedDir = 'assets/';

export interface StaticFiles {
  /** The file a URL path names (`/` is index.html), or undefined. */
  get(urlPath: string): Promise<StaticFile | undefined>;
  /** The build's scripts and stylesheets, by the URL path get() takes: what a page load fetches. */
  readonly scriptsAndStyles: readonly string[];
}

const staticFile = (key: string, body: Buffer): StaticFile => {
  const extension = extname(key).toLowerCase();
  return { body, contentType: contentTypes[extension] ?? 'application/octet-stream', isHtml: extension === '.html' };
};

/** Every regular file under base (symlinks neither followed nor listed), `/`-separated relative to it. */
const filesUnder = async (base: string): Promise<string[]> => {
  const keys: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) keys.push(relativePath(base, path).split(sep).join('/'));
    }
  };
  await walk(base);
  return keys.sort();
};

/** Whether a file may name other files of its build (a page, a script, a stylesheet, an SVG). */
const isText = (key: string): boolean => /\.(html|m?js|css|svg|json)$/i.test(key);

/**
 * The scripts and stylesheets index.html loads (scripts, stylesheets, module preloads), by
 * URL path. Not every .js and .css file: a rebuild in a checkout keeps older builds' assets
 * beside the current ones for pages still loading them (web/renderer-build.ts), which no new
 * page fetches.
 */
const pageScriptsAndStyles = (files: ReadonlyMap<string, StaticFile>): string[] => {
  const html = files.get('index.html')?.body.toString('utf8') ?? '';
  const referenced = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="\.?\/?([^"?#]+)"/g)].map((match) => match[1]!);
  return [...new Set(referenced)].filter((key) => /\.(m?js|css)$/.test(key) && files.has(key)).map((key) => `/${key}`);
};

/**
 * The URL path's file key (`/` is index.html), or undefined when it is not the canonical
 * relative path of a file under base: no `..`, `.`, empty segment, NUL or bad escape, so a
 * key never leaves the served directory.
 */
const keyOf = (base: string, urlPath: string): string | undefined => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const key = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const path = resolve(base, key);
  if (!path.startsWith(base + sep) || relativePath(base, path).split(sep).join('/') !== key) return undefined;
  return key;
};

/**
 * An older build's hashed file, read now, or undefined. Its directory must resolve to the
 * same directory under the served root (no symlink on the way out of it) and the file itself
 * must be a regular file, not a symlink (O_NOFOLLOW; checked on the open handle, so it cannot
 * be swapped in between), like the files listed at start.
 */
const readOnDemand = async (base: string, realBase: string, key: string): Promise<StaticFile | undefined> => {
  if (!key.startsWith(hashedDir)) return undefined;
  const path = join(base, ...key.split('/'));
  const realDir = await realpath(dirname(path)).catch(() => undefined);
  if (realDir !== dirname(join(realBase, ...key.split('/')))) return undefined;
  const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)).catch(() => undefined);
  if (!handle) return undefined;
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.size > maxBytes) return undefined;
    return staticFile(key, await handle.readFile());
  } finally {
    await handle.close();
  }
};

/**
 * Reads the current build into memory once, before the server listens: a request for it is
 * then answered in the same turn of the event loop, even while the core is still being loaded
 * (module compilation keeps that loop busy), and a rebuild of the directory under a running
 * server never mixes two builds. The current build is every fixed-name file (index.html) and
 * the hashed files reachable from it by name: index.html's scripts and stylesheets, their
 * chunks, fonts and images. An older build's hashed files, kept beside it for pages still
 * loading them (web/renderer-build.ts), are listed but not read; one is read from disk when
 * asked for, so a checkout rebuilt many times does not cost a server their memory.
 */
export const loadStaticFiles = async (root: string): Promise<StaticFiles> => {
  const base = resolve(root);
  const realBase = await realpath(base);
  const keys = await filesUnder(base);
  const hashed = keys.filter((key) => key.startsWith(hashedDir));
  const files = new Map<string, StaticFile>();
  let bytes = 0;
  const pending = keys.filter((key) => !key.startsWith(hashedDir));
  // Bounded: each hashed file joins the queue at most once, and the memory caps stop it early.
  while (pending.length > 0 && files.size < maxFiles) {
    const key = pending.shift()!;
    const body = await readFile(join(base, ...key.split('/')));
    bytes += body.length;
    if (bytes > maxBytes) break;
    files.set(key, staticFile(key, body));
    if (!isText(key)) continue;
    const text = body.toString('utf8');
    // A build names its hashed files by their base name (`./assets/x-HASH.js` in the page,
    // `./x-HASH.js` between chunks); a content hash makes a chance match with another build's file unlikely.
    for (const other of hashed)
      if (!files.has(other) && !pending.includes(other) && text.includes(other.slice(other.lastIndexOf('/') + 1))) pending.push(other);
  }
  return {
    scriptsAndStyles: pageScriptsAndStyles(files),
    get: async (urlPath) => {
      const key = keyOf(base, urlPath);
      if (key === undefined) return undefined;
      return files.get(key) ?? (await readOnDemand(base, realBase, key));
    },
  };
};
