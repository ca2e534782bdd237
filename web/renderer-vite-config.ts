import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InlineConfig } from 'vite';
import { packageRoot } from './package-root';

/** Where the renderer's sources live and where its build goes by default. */
const root = packageRoot(fileURLToPath(import.meta.url));
export const rendererRoot = join(root, 'renderer');
export const defaultRendererOutDir = join(root, 'dist', 'renderer');

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
