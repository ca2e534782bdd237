import { readFile, readdir } from 'node:fs/promises';
import { extname, join, relative as relativePath, resolve, sep } from 'node:path';

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

/** The most files and bytes loadStaticFiles holds: a renderer build is a handful of files. */
const maxFiles = 200;
const maxBytes = 32 * 1024 * 1024;

export interface StaticFiles {
  /** The file a URL path names (`/` is index.html), or undefined. */
  get(urlPath: string): StaticFile | undefined;
  /** The build's scripts and stylesheets, by the URL path get() takes: what a page load fetches. */
  readonly scriptsAndStyles: readonly string[];
}

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
 * Reads the whole build into memory once, before the server listens: a request is then
 * answered in the same turn of the event loop, even while the core is still being loaded
 * (module compilation keeps that loop busy), and a rebuild of the directory under a running
 * server never mixes two builds. Only files read here can ever be served.
 */
export const loadStaticFiles = async (root: string): Promise<StaticFiles> => {
  const base = resolve(root);
  const files = new Map<string, StaticFile>();
  let bytes = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && files.size < maxFiles) {
        const body = await readFile(path);
        bytes += body.length;
        if (bytes > maxBytes) return;
        const extension = extname(path).toLowerCase();
        const key = relativePath(base, path).split(sep).join('/');
        files.set(key, { body, contentType: contentTypes[extension] ?? 'application/octet-stream', isHtml: extension === '.html' });
      }
    }
  };
  await walk(base);
  return {
    scriptsAndStyles: pageScriptsAndStyles(files),
    get: (urlPath) => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(urlPath);
      } catch {
        return undefined;
      }
      if (decoded.includes('\0')) return undefined;
      const key = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
      return files.get(key);
    },
  };
};
