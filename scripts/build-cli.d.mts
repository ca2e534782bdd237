// Types for scripts/build-cli.mjs, for the tests and benchmarks that import it.
import type { BuildOptions, Metafile } from 'esbuild';

export declare const cliEntryPoints: Readonly<Record<string, string>>;
export declare const cliExternal: readonly string[];
export declare const cliBuildOptions: (outdir: string) => BuildOptions;
export declare const stampInputs: (metafile: Metafile) => string[];
export declare const RETAIN_MS: number;
export interface CliBuild {
  readonly outdir: string;
  readonly metafile: Metafile;
  readonly builtAt: number;
}
export interface CliBuildRequest {
  readonly outdir?: string;
  readonly onBuild?: () => void;
  readonly retainMs?: number;
  readonly release?: boolean;
}
export declare function buildCli(options?: CliBuildRequest): Promise<CliBuild>;
/** With unlessCurrent: undefined when the bundle had become current by the time the build lock was held. */
export declare function buildCli(options: CliBuildRequest & { readonly unlessCurrent: () => boolean }): Promise<CliBuild | undefined>;
export declare const staticClosure: (metafile: Metafile, entryFile: string) => string[];
