// `npm run build:renderer` (and prepack, with --release): the web UI built into dist/renderer
// the way `rolecall web` builds it (web/renderer-build.ts). Not `vite build` straight into
// dist/renderer: that replaces the directory, while Electron's page and `rolecall web` pages
// loaded from an older build still import that build's hashed assets from it
// (web/static-files.ts serves them from disk), and it would leave the record of builds stale.
import { buildRenderer } from '../web/renderer-build';

const release = process.argv.includes('--release');
await buildRenderer({ force: true, release, log: (line) => process.stderr.write(`${line}\n`) });
