import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

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
 * Reads the file a URL path names inside `root`, or undefined when there is none. Paths
 * that climb out of `root` (`..`, encoded or not) never resolve to a file.
 */
export const readStaticFile = async (root: string, urlPath: string): Promise<StaticFile | undefined> => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = resolve(root);
  const target = resolve(base, relative);
  if (target !== base && !target.startsWith(base + sep)) return undefined;
  try {
    const info = await stat(target);
    if (!info.isFile()) return undefined;
    const extension = extname(target).toLowerCase();
    return {
      body: await readFile(target),
      contentType: contentTypes[extension] ?? 'application/octet-stream',
      isHtml: extension === '.html',
    };
  } catch {
    return undefined;
  }
};
