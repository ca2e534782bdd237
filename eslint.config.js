// Lint rules that keep the architecture honest: the core (app/) and the emulator stay
// plain Node, and only main/ may talk to Electron.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noUiImports = {
  'no-restricted-imports': ['error', {
    paths: [
      { name: 'electron', message: 'app/ and emulator/ are plain Node: adapt Electron in main/ behind a port.' },
      { name: 'react', message: 'app/ and emulator/ never render UI.' },
      { name: 'react-dom', message: 'app/ and emulator/ never render UI.' },
    ],
    patterns: [
      { group: ['electron/*', 'react-dom/*'], message: 'app/ and emulator/ are plain Node.' },
      { group: ['**/main/**', '**/renderer/**'], message: 'the core never imports the shells.' },
    ],
  }],
};

export default tseslint.config(
  { ignores: ['node_modules/', '.tsbuild/', 'dist/', 'release/', 'e2e/artifacts/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  { files: ['app/**/*.ts', 'emulator/**/*.ts'], rules: noUiImports },
  {
    // Tests may start the emulator; the core itself never imports it.
    files: ['app/**/*.ts'],
    ignores: ['app/**/*.test.ts', 'app/**/test-support/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: noUiImports['no-restricted-imports'][1].paths,
        patterns: [
          ...noUiImports['no-restricted-imports'][1].patterns,
          { group: ['**/emulator/**'], message: 'the core never imports the emulator.' },
        ],
      }],
    },
  },
  {
    // Only the typed IPC wrappers and the preload touch raw IPC (GitHub Desktop's rule).
    files: ['main/**/*.ts'],
    ignores: ['main/ipc/**', 'main/preload.ts', 'main/**/*.test.ts', 'main/testing/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'use the typed wrappers in main/ipc/.' }],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'the renderer reaches main only through the preload bridge.' }],
        patterns: [{ group: ['**/main/**', '**/emulator/**'], message: 'the renderer imports types from app/, never code from main/ or emulator/.' }],
      }],
    },
  },
);
