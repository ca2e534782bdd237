import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadStaticFiles } from './static-files';

/**
 * A served directory laid out as web/renderer-build.ts leaves it after a rebuild: the current
 * build (index.html, its entry, stylesheet, a lazily imported chunk and a font the stylesheet
 * names) beside an older build's hashed assets, kept for pages still loading them.
 */
let parent: string;
let dir: string;

const write = async (key: string, text: string): Promise<void> => {
  await mkdir(join(dir, key, '..'), { recursive: true });
  await writeFile(join(dir, key), text);
};

const text = async (files: Awaited<ReturnType<typeof loadStaticFiles>>, urlPath: string): Promise<string | undefined> =>
  (await files.get(urlPath))?.body.toString('utf8');

beforeEach(async () => {
  parent = await mkdtemp(join(tmpdir(), 'rolecall-static-'));
  dir = join(parent, 'renderer');
  await write(
    'index.html',
    '<!doctype html><script type="module" src="./assets/index-NEW1.js"></script><link rel="stylesheet" href="./assets/index-NEW2.css">',
  );
  await write('assets/index-NEW1.js', 'import("./mount-NEW3.js");');
  await write('assets/mount-NEW3.js', 'export const mount = 1;');
  await write('assets/index-NEW2.css', '@font-face { src: url(./font-NEW4.woff2); }');
  await write('assets/font-NEW4.woff2', 'font');
  await write('assets/index-OLD1.js', 'import("./mount-OLD2.js");');
  await write('assets/mount-OLD2.js', 'export const old = 1;');
  await writeFile(join(parent, 'outside.txt'), 'outside');
});

afterEach(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe('loadStaticFiles', () => {
  it('holds the current build in memory: the page, what it loads, and what those name', async () => {
    const files = await loadStaticFiles(dir);
    // Gone from disk after start: only a copy read at start can still answer.
    for (const key of ['index.html', 'assets/index-NEW1.js', 'assets/mount-NEW3.js', 'assets/index-NEW2.css', 'assets/font-NEW4.woff2'])
      await rm(join(dir, key));
    expect(await text(files, '/')).toContain('index-NEW1.js');
    expect(await files.get('/index.html')).toMatchObject({ contentType: 'text/html; charset=utf-8', isHtml: true });
    expect(await files.get('/assets/index-NEW1.js')).toMatchObject({ contentType: 'text/javascript; charset=utf-8', isHtml: false });
    expect(await text(files, '/assets/mount-NEW3.js')).toBe('export const mount = 1;');
    expect(await files.get('/assets/index-NEW2.css')).toMatchObject({ contentType: 'text/css; charset=utf-8' });
    expect(await files.get('/assets/font-NEW4.woff2')).toMatchObject({ contentType: 'font/woff2' });
    expect([...files.scriptsAndStyles].sort()).toEqual(['/assets/index-NEW1.js', '/assets/index-NEW2.css']);
  });

  it("reads an older build's hashed file from disk when asked, not at start", async () => {
    const files = await loadStaticFiles(dir);
    // Changed and created after start: a copy read at start would answer with the old text or not at all.
    await write('assets/index-OLD1.js', 'import("./mount-OLD2.js"); // as on disk now');
    await write('assets/late-OLD3.js', 'export const late = 1;');
    expect(await text(files, '/assets/index-OLD1.js')).toBe('import("./mount-OLD2.js"); // as on disk now');
    expect(await files.get('/assets/late-OLD3.js')).toMatchObject({ contentType: 'text/javascript; charset=utf-8', isHtml: false });
    expect(await text(files, '/assets/late-OLD3.js')).toBe('export const late = 1;');
    expect(await text(files, '/assets/mount-OLD2.js')).toBe('export const old = 1;');
  });

  it('answers a missing file, and a fixed-name file that was not there at start (a later build’s), with nothing', async () => {
    const files = await loadStaticFiles(dir);
    await write('later.html', '<!doctype html>');
    await write('index.html', '<!doctype html><title>a later build</title>');
    expect(await files.get('/assets/missing-NONE.js')).toBeUndefined();
    expect(await files.get('/missing.html')).toBeUndefined();
    expect(await files.get('/later.html')).toBeUndefined();
    expect(await files.get('/assets')).toBeUndefined();
    expect(await text(files, '/')).toContain('index-NEW1.js');
  });

  it('never serves a file outside the served directory, by a path or by a symlink', async () => {
    await mkdir(join(parent, 'elsewhere'));
    await writeFile(join(parent, 'elsewhere', 'secret-OUT1.js'), 'outside');
    const files = await loadStaticFiles(dir);
    // Created after start, so these reach the on-demand read.
    await symlink(join(parent, 'outside.txt'), join(dir, 'assets', 'link-OUT2.txt'));
    await symlink(join(parent, 'elsewhere'), join(dir, 'assets', 'linked'));
    for (const path of [
      '/../outside.txt',
      '/%2e%2e/outside.txt',
      '/assets/../../outside.txt',
      '/assets/..%2f..%2foutside.txt',
      '/assets/%2e%2e/%2e%2e/outside.txt',
      '/assets/%2e%2e%5c%2e%2e%5coutside.txt',
      `/${encodeURIComponent(join(parent, 'outside.txt'))}`,
      '/assets/./index-OLD1.js',
      '/assets//index-OLD1.js',
      '/assets/index-OLD1.js%00',
      '/assets/%E0%A4%A',
      '/assets/link-OUT2.txt',
      '/assets/linked/secret-OUT1.js',
    ])
      expect(await files.get(path), path).toBeUndefined();
    expect(await text(files, '/assets/index-OLD1.js')).toBe('import("./mount-OLD2.js");');
  });
});
