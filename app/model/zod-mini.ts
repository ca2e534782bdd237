import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * zod/mini, the tree-shakable zod, for the schemas `credential-process` loads on every AWS
 * call (classic zod costs that process more CPU to compile than the rest of it takes to run).
 * Import it as a namespace, `import * as z from '…/model/zod-mini'`, and only call its
 * functions (`z.string()`, `z.optional(s)`): the bundler then keeps only the zod code those
 * calls need. Passing the namespace itself around would keep all of it (and so would
 * `locales.en`: English is imported from its own file).
 *
 * Classic zod registers English messages when it builds its first schema; zod/mini registers
 * none, so a process that loads only zod/mini would answer "Invalid input" to everything.
 * Every zod/mini schema comes from here, so English is set before any of them parses. Both
 * are built on zod/v4/core: a zod/mini schema nests in a classic one and vice versa.
 */
config(en());

export * from 'zod/mini';
