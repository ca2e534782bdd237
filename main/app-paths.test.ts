import { describe, expect, it } from 'vitest';
import { resolveAppPaths, secretStorageModeFromEnv } from './app-paths';

describe('resolveAppPaths', () => {
  it('finds renderer and preload under dist/, icons in the source tree while developing', () => {
    expect(resolveAppPaths('/src/rolecall', '/unused', false)).toEqual({
      rendererDir: '/src/rolecall/dist/renderer',
      preload: '/src/rolecall/dist/main/preload.cjs',
      assetsDir: '/src/rolecall/assets',
    });
  });

  it('reads icons from the extra resources once packaged', () => {
    expect(resolveAppPaths('/opt/Rolecall/resources/app.asar', '/opt/Rolecall/resources', true).assetsDir).toBe(
      '/opt/Rolecall/resources/assets',
    );
  });
});

describe('secretStorageModeFromEnv', () => {
  it.each([
    [undefined, 'auto'],
    ['', 'auto'],
    ['memory', 'memory-only'],
    ['memory-only', 'memory-only'],
    ['encrypted', 'encrypted'],
    ['plaintext', 'auto'],
  ] as const)('%s → %s', (value, mode) => {
    expect(secretStorageModeFromEnv(value)).toBe(mode);
  });
});
