// Injected by scripts/build-cli.mjs into every CLI bundle entry, so it runs before any module
// builds a schema. Each CLI run is a short process that parses a handful of objects once:
// zod's JIT (which compiles every object schema with `new Function` on first parse) costs
// more than it saves there.
import { config } from 'zod';

config({ jitless: true });
