import type { InlineConfig } from 'vite';
import { rendererViteConfig } from '../web/renderer-vite-config';

const config = rendererViteConfig();

// vite's CLI wants a default export; the configuration itself is shared with buildRenderer.
// buildRenderer (web/renderer-build.ts, also behind `npm run build:renderer`) builds into a
// fresh staging directory, where emptyOutDir is right, and moves the build in beside the
// older ones. The CLI writes straight into dist/renderer instead, whose older builds' hashed
// assets pages loaded before a rebuild still import (web/static-files.ts serves them from
// disk): emptying it would break those pages, so a `vite build` by hand keeps them too.
const cliConfig: InlineConfig = { ...config, build: { ...config.build, emptyOutDir: false } };
export default cliConfig;
