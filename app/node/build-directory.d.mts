// Types for app/node/build-directory.mjs (plain JavaScript, shared with scripts/build-cli.mjs).

/** One build in the record: its hashed files, and when a newer build replaced it. */
export interface RecordedBuild {
  readonly builtAt: number;
  readonly supersededAt?: number;
  readonly files: readonly string[];
}

export interface BuildLayout {
  readonly outdir: string;
  /** Whether a path (relative to outdir, `/`-separated) is named by its content. */
  readonly isHashed: (path: string) => boolean;
}

export declare const RETAIN_OLD_BUILDS_MS: number;
export declare const withBuildLock: <T>(outdir: string, task: (lockLost: () => boolean) => Promise<T>) => Promise<T>;
export declare const stagingDirFor: (outdir: string, builtAt: number) => string;
export declare const installBuild: (
  options: BuildLayout & {
    readonly staging: string;
    readonly builtAt: number;
    readonly last: string;
    readonly record: string;
    readonly retainMs: number;
    readonly release?: boolean;
  },
) => Promise<RecordedBuild[]>;
export declare const pruneBuild: (
  options: BuildLayout & { readonly builds: readonly RecordedBuild[]; readonly retainMs: number },
) => Promise<void>;
