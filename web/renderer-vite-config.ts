import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InlineConfig, Plugin } from 'vite';
import { packageRoot } from './package-root';

/** Where the renderer's sources live and where its build goes by default. */
const root = packageRoot(fileURLToPath(import.meta.url));
export const rendererRoot = join(root, 'renderer');
export const defaultRendererOutDir = join(root, 'dist', 'renderer');

/**
 * `<link rel="modulepreload">` in index.html for the chunks the entry imports dynamically
 * (renderer/mount.tsx: React and the components), so the browser fetches and compiles them
 * beside the entry instead of after it has run. Vite adds these links only for static imports.
 */
const preloadDynamicImports = (): Plugin => ({
  name: 'rolecall:preload-dynamic-imports',
  apply: 'build',
  transformIndexHtml: {
    order: 'post',
    handler: (_html, context) => {
      const bundle = context.bundle ?? {};
      const chunks = Object.values(bundle).flatMap((output) => (output.type === 'chunk' ? [output] : []));
      const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
      const entry = chunks.find((chunk) => chunk.isEntry);
      const preload = new Set<string>();
      const visit = (fileName: string): void => {
        if (preload.has(fileName) || fileName === entry?.fileName) return;
        preload.add(fileName);
        for (const imported of byName.get(fileName)?.imports ?? []) visit(imported);
      };
      for (const fileName of entry?.dynamicImports ?? []) visit(fileName);
      return [...preload].map((fileName) => ({
        tag: 'link',
        attrs: { rel: 'modulepreload', crossorigin: true, href: `./${fileName}` },
        injectTo: 'head' as const,
      }));
    },
  },
});

/**
 * The one vite configuration of the renderer: used by renderer/vite.config.ts (the vite
 * CLI) and by buildRenderer (vite's JS API), so both produce the same bundle.
 */
export const rendererViteConfig = (outDir: string = defaultRendererOutDir): InlineConfig => ({
  root: rendererRoot,
  // Relative asset URLs: the same build loads from file:// in Electron and from the web server.
  base: './',
  configFile: false,
  publicDir: false,
  esbuild: { jsx: 'automatic' },
  plugins: [preloadDynamicImports()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The CSP forbids inline scripts and data: scripts; keep every asset a file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rollupOptions: {
      // zod ships comments rollup cannot place; harmless, and noise in `rolecall web` output.
      onwarn: (warning, warn) => {
        if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
      },
    },
  },
  server: { host: '127.0.0.1' },
});
