// Types for scripts/build-cli.mjs, for the tests and benchmarks that import it.
import type { BuildOptions, Metafile } from 'esbuild';

export declare const cliEntryPoints: Readonly<Record<string, string>>;
export declare const cliExternal: readonly string[];
export declare const cliBuildOptions: (outdir: string) => BuildOptions;
export declare const stampInputs: (metafile: Metafile) => string[];
export declare const buildCli: (options?: { outdir?: string }) => Promise<{ outdir: string; metafile: Metafile; builtAt: number }>;
export declare const staticClosure: (metafile: Metafile, entryFile: string) => string[];
