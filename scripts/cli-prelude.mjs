// Injected by scripts/build-cli.mjs into every CLI bundle entry, so it runs before any module
// builds a schema. Each CLI run is a short process that parses a handful of objects once:
// zod's JIT (which compiles every object schema with `new Function` on first parse) costs
// more than it saves there. zod keeps this config on globalThis, so setting it through
// zod/mini (which credential-process loads; classic zod would cost it more than all the rest)
// covers classic zod too.
import { config } from 'zod/mini';

config({ jitless: true });
