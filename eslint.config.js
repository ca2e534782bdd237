// Lint that holds the architecture (README "Layout"): each layer lists what it may import,
// and anything not listed fails. eslint-plugin-boundaries classifies every file by folder:
//
//   core:      app/model, app/ipc (pure: the views may use them), app/** (plain Node)
//   shells:    main/ (Electron), cli/ (the command line), web/ (`rolecall web`)
//   views:     renderer/ (React)
//   emulator/  the local IAM Identity Center, which knows nothing of the product
//
// Tests and test support may reach further (a test starts the emulator or drives a shell
// end to end); production code never imports a test or test-support module.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const node = { origin: 'core' };
const packages = (...sources) => sources.map((source) => ({ origin: 'external', source }));

/** What each layer may import: other layers (by element type) and packages. */
const layers = {
  model: { elements: ['model'], modules: packages('zod') },
  ipc: { elements: ['model', 'ipc'], modules: packages('zod') },
  core: {
    elements: ['model', 'ipc', 'core'],
    modules: [
      node,
      ...packages('zod', '@aws-sdk/client-sso', '@aws-sdk/client-sso-oidc', '@aws-sdk/client-sts', 'proper-lockfile', 'diff', 'open'),
    ],
  },
  desktop: { elements: ['model', 'ipc', 'core', 'desktop'], modules: [node, ...packages('electron', 'electron-store', 'open', 'zod')] },
  cli: { elements: ['model', 'ipc', 'core', 'cli'], modules: [node, ...packages('commander', 'zod')] },
  web: { elements: ['model', 'ipc', 'core', 'web'], modules: [node, ...packages('commander', 'ws', 'vite', 'zod')] },
  views: {
    elements: ['model', 'ipc', 'views'],
    modules: packages('react', 'react-dom', 'react-dom/client', 'zustand', 'zustand/*', '@tanstack/react-virtual'),
  },
  emulator: { elements: ['emulator'], modules: [node, ...packages('zod', '@smithy/signature-v4', '@aws-sdk/client-sso')] },
};

const layerPolicies = Object.entries(layers).map(([type, { elements, modules }]) => ({
  from: { element: { type } },
  allow: [{ to: { element: { types: { anyOf: elements } } } }, ...modules.map((module) => ({ to: { module } }))],
}));
// Last, so it wins over every allow above: production code never imports test code.
const noTestCode = { disallow: { to: { file: { categories: 'test' } } }, message: 'production code never imports tests or test support.' };

const boundariesSettings = {
  'boundaries/elements': [
    { type: 'model', pattern: 'app/model', partialMatch: false },
    { type: 'ipc', pattern: 'app/ipc', partialMatch: false },
    { type: 'core', pattern: 'app', partialMatch: false },
    { type: 'desktop', pattern: 'main', partialMatch: false },
    { type: 'cli', pattern: 'cli', partialMatch: false },
    { type: 'web', pattern: 'web', partialMatch: false },
    { type: 'views', pattern: 'renderer', partialMatch: false },
    { type: 'emulator', pattern: 'emulator', partialMatch: false },
  ],
  'boundaries/files': [{ category: 'test', pattern: ['**/*.test.ts', '**/*.test.tsx', '**/test-support/**', 'main/testing/**'] }],
  'import/resolver': { node: { extensions: ['.ts', '.tsx', '.mjs', '.js'] } },
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
  {
    // Production code of every layer: allowlists only.
    files: ['app/**/*.ts', 'main/**/*.ts', 'cli/**/*.ts', 'web/**/*.ts', 'renderer/**/*.{ts,tsx}', 'emulator/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.test.tsx', '**/test-support/**', 'main/testing/**', 'renderer/vite.config.ts'],
    plugins: { boundaries },
    settings: boundariesSettings,
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          checkAllOrigins: true,
          checkUnknownLocals: true,
          checkInternals: true,
          policies: [...layerPolicies, noTestCode],
        },
      ],
      // A file outside every layer, or an import that resolves nowhere, is an error too.
      'boundaries/no-unknown-files': 'error',
      'boundaries/no-unknown-dependencies': 'error',
    },
  },
  {
    // Only the typed IPC wrappers and the preload touch raw IPC (GitHub Desktop's rule).
    files: ['main/**/*.ts'],
    ignores: ['main/ipc/**', 'main/preload.ts', 'main/**/*.test.ts', 'main/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'use the typed wrappers in main/ipc/.' }],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
