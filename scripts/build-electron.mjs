#!/usr/bin/env node
// Bundles the Electron main process and the preload with esbuild:
//   main/main.ts    → dist/main/main.cjs     (Node, CommonJS, everything but `electron` inlined)
//   main/preload.ts → dist/main/preload.cjs  (sandboxed preload: CommonJS that requires only `electron`)
// The renderer is built separately by vite into dist/renderer.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'main');
const production = process.env.NODE_ENV === 'production';

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  external: ['electron'],
  sourcemap: true,
  minify: production,
  legalComments: 'linked',
  logLevel: 'warning',
};

export const buildElectron = async () => {
  const [main, preload] = await Promise.all([
    build({
      ...common,
      entryPoints: ['main/main.ts'],
      outfile: join(outdir, 'main.cjs'),
      platform: 'node',
      target: 'node22',
      // Some bundled ESM dependencies read import.meta.url; in CommonJS it becomes this file's URL.
      define: { 'import.meta.url': 'importMetaUrl' },
      banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
      metafile: true,
    }),
    build({
      ...common,
      entryPoints: ['main/preload.ts'],
      outfile: join(outdir, 'preload.cjs'),
      // A sandboxed preload has no Node: nothing may be resolved for the node platform.
      platform: 'browser',
      target: 'chrome130',
      metafile: true,
    }),
  ]);
  return { main: main.metafile, preload: preload.metafile, outdir };
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outdir: written } = await buildElectron();
  console.log(`Electron main and preload bundled into ${written}`);
}
