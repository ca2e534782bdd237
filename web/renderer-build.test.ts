import { mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer, rendererBuildIsCurrent } from './renderer-build';
import { contentSecurityPolicy } from './security-headers';

let parent: string;
let outDir: string;
const logs: string[] = [];

beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'rolecall-renderer-'));
  outDir = join(parent, 'renderer');
  await buildRenderer({ outDir, log: (line) => logs.push(line) });
}, 120_000);

afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe('buildRenderer', () => {
  it('builds an index.html whose scripts and styles are files, with relative URLs', async () => {
    const html = await readFile(join(outDir, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src="\.\/assets\/[^"]+\.js"/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b/);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).toMatch(/<link rel="stylesheet"[^>]*href="\.\/assets\/[^"]+\.css"/);
    const assets = await readdir(join(outDir, 'assets'));
    expect(assets.some((name) => name.endsWith('.js'))).toBe(true);
    expect(assets.some((name) => name.endsWith('.css'))).toBe(true);
    expect(logs.some((line) => line.includes('web UI built'))).toBe(true);
  });

  it('preloads the chunk with React and the components beside the small entry, which imports it dynamically', async () => {
    const html = await readFile(join(outDir, 'index.html'), 'utf8');
    const entry = /<script type="module" crossorigin src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1] ?? '';
    const preloads = [...html.matchAll(/<link rel="modulepreload" crossorigin href="\.\/(assets\/[^"]+\.js)"/g)].map((match) => match[1]);
    expect(preloads.length).toBeGreaterThan(0);
    expect(preloads).not.toContain(entry);
    const entryCode = await readFile(join(outDir, entry), 'utf8');
    for (const chunk of preloads) {
      expect(entryCode).toContain(`import("./${chunk!.slice('assets/'.length)}")`);
      // React's renderer lives in the preloaded chunk, not in the entry.
      expect(await readFile(join(outDir, chunk!), 'utf8')).toContain('createRoot');
    }
    expect(entryCode).not.toContain('createRoot');
  });

  it("carries the server's CSP in its meta tag (frame-ancestors only works as a header)", async () => {
    const html = await readFile(join(outDir, 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    const directives = (policy: string) =>
      policy
        .split(';')
        .map((d) => d.trim())
        .filter(Boolean)
        .sort();
    expect(directives(meta ?? '')).toEqual(directives(contentSecurityPolicy).filter((d) => !d.startsWith('frame-ancestors')));
  });

  it('reuses a current build and rebuilds an outdated one', async () => {
    const before = (await stat(join(outDir, 'index.html'))).mtimeMs;
    expect(await rendererBuildIsCurrent(outDir)).toBe(true);
    await buildRenderer({ outDir });
    expect((await stat(join(outDir, 'index.html'))).mtimeMs).toBe(before);

    await utimes(join(outDir, 'index.html'), new Date(0), new Date(0));
    expect(await rendererBuildIsCurrent(outDir)).toBe(false);
    await buildRenderer({ outDir });
    expect(await rendererBuildIsCurrent(outDir)).toBe(true);
    // Nothing left beside the build but its record: no staging directory, no lock.
    expect((await readdir(parent)).sort()).toEqual(['.renderer-builds.json', 'renderer']);
  }, 120_000);

  it("keeps an older build's assets beside a checkout's build, and none beside a release build (npm pack)", async () => {
    const older = join(outDir, 'assets', 'index-OLDBUILD.js');
    await writeFile(older, 'export {};\n');
    await buildRenderer({ outDir, force: true });
    expect(await readFile(older, 'utf8')).toBe('export {};\n');

    await buildRenderer({ outDir, force: true, release: true });
    const assets = (await readdir(join(outDir, 'assets'))).map((name) => `assets/${name}`).sort();
    expect(assets).not.toContain('assets/index-OLDBUILD.js');
    const record = JSON.parse(await readFile(join(parent, '.renderer-builds.json'), 'utf8')) as { builds: { files: string[] }[] };
    expect(record.builds.map((build) => [...build.files].sort())).toEqual([assets]);
    const html = await readFile(join(outDir, 'index.html'), 'utf8');
    for (const [, asset] of html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)) expect(assets).toContain(asset);
  }, 240_000);

  it('reports a missing build as not current', async () => {
    expect(await rendererBuildIsCurrent(join(parent, 'nothing-here'))).toBe(false);
  });
});

describe('buildRenderer in an installed package (no renderer sources, no vite)', () => {
  it('serves the shipped build as it is, however old, and never builds', async () => {
    const installed = join(parent, 'installed');
    const shipped = join(installed, 'dist', 'renderer');
    await mkdir(shipped, { recursive: true });
    await writeFile(join(shipped, 'index.html'), '<!doctype html>');
    await utimes(join(shipped, 'index.html'), new Date(0), new Date(0));
    const lines: string[] = [];
    expect(await buildRenderer({ outDir: shipped, sourceDir: join(installed, 'renderer'), log: (line) => lines.push(line) })).toBe(shipped);
    expect(lines).toEqual([]);
    expect(await readFile(join(shipped, 'index.html'), 'utf8')).toBe('<!doctype html>');
  });

  it('says in one sentence that the installation has no web UI when the build is missing', async () => {
    const installed = join(parent, 'broken');
    await expect(
      buildRenderer({ outDir: join(installed, 'dist', 'renderer'), sourceDir: join(installed, 'renderer') }),
    ).rejects.toMatchObject({
      code: 'not-found',
      userMessage: expect.stringMatching(/^This Rolecall installation has no web UI build .*; reinstall Rolecall\.$/),
    });
  });
});
