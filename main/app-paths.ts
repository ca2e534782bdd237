import { join } from 'node:path';

export interface AppPaths {
  /** The built renderer (vite's output), served as rolecall://app/. */
  readonly rendererDir: string;
  readonly preload: string;
  /** Tray icons: shipped as extra resources when packaged, from the source tree otherwise. */
  readonly assetsDir: string;
}

/**
 * Where the built pieces live, from the root that holds dist/ (the project root, or app.asar
 * when packaged). main.ts derives the root from its own bundle's location, dist/main/, because
 * `app.getAppPath()` is dist/main itself when Electron is started on the bundle directly.
 */
export const resolveAppPaths = (appPath: string, resourcesPath: string, isPackaged: boolean): AppPaths => ({
  rendererDir: join(appPath, 'dist', 'renderer'),
  preload: join(appPath, 'dist', 'main', 'preload.cjs'),
  assetsDir: isPackaged ? join(resourcesPath, 'assets') : join(appPath, 'assets'),
});

/** ROLECALL_SECRET_STORAGE=memory forces memory-only secrets; =encrypted skips the Linux keyring check (tests). */
export const secretStorageModeFromEnv = (value: string | undefined): 'auto' | 'encrypted' | 'memory-only' =>
  value === 'memory' || value === 'memory-only' ? 'memory-only' : value === 'encrypted' ? 'encrypted' : 'auto';
