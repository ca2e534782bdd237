import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rules of eslint.config.js, proven on imports written into files of each layer.
// Each case is linted as if it were a production file at `file` (the file need not exist;
// the imported modules do, so they resolve as they would in real code).
const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

const boundaryErrors = async (file: string, source: string): Promise<string[]> => {
  const [result] = await eslint.lintText(source, { filePath: file });
  return (result?.messages ?? []).filter((message) => message.ruleId?.startsWith('boundaries/')).map((message) => message.message);
};

const forbidden: readonly (readonly [string, string, string])[] = [
  ['the renderer imports the session controller', 'renderer/probe.ts', "import { createRolecallCore } from '../app/session/controller';"],
  ['the renderer imports node:fs', 'renderer/probe.ts', "import { readFileSync } from 'node:fs';"],
  ['the renderer imports a shell', 'renderer/probe.ts', "import { startWebServer } from '../web/server';"],
  ['main/ imports react', 'main/probe.ts', "import { useState } from 'react';"],
  ['main/ imports the emulator', 'main/probe.ts', "import { startEmulator } from '../emulator/server';"],
  ['main/ imports the command line', 'main/probe.ts', "import { runCli } from '../cli/program';"],
  ['the core imports zustand', 'app/session/probe.ts', "import { create } from 'zustand';"],
  ['the core imports scripts/', 'app/session/probe.ts', "import { findChromium } from '../../scripts/find-chromium.mjs';"],
  ['the core imports electron', 'app/session/probe.ts', "import { app } from 'electron';"],
  ['the core imports a shell', 'app/agent/probe.ts', "import { startWebServer } from '../../web/server';"],
  ['the model imports the web server', 'app/model/probe.ts', "import { startWebServer } from '../../web/server';"],
  ['the model imports node:crypto', 'app/model/probe.ts', "import { randomBytes } from 'node:crypto';"],
  ['the model imports the rest of the core', 'app/model/probe.ts', "import { withFileLock } from '../storage/file-lock';"],
  ['the command line imports the web shell', 'cli/probe.ts', "import { web } from '../web/command';"],
  ['the web shell imports the command line', 'web/probe.ts', "import { runCli } from '../cli/program';"],
  [
    'production code imports test support',
    'app/session/probe.ts',
    "import { AdjustableClock } from '../ports/test-support/adjustable-clock';",
  ],
  ['the emulator imports the product', 'emulator/probe.ts', "import { defaultSettings } from '../app/model/settings';"],
];

const allowed: readonly (readonly [string, string, string])[] = [
  [
    'the renderer imports the model and the IPC contract',
    'renderer/probe.ts',
    "import { roleKey } from '../app/model/roles';\nimport type { RolecallBridge } from '../app/ipc/contract';",
  ],
  [
    'main/ imports the core and electron',
    'main/probe.ts',
    "import { createRolecallCore } from '../app/session/controller';\nimport { app } from 'electron';",
  ],
  [
    'the command line imports the core and commander',
    'cli/probe.ts',
    "import { openCliCore } from '../app/node/open-core';\nimport { Command } from 'commander';",
  ],
  [
    'the web shell imports the core and ws',
    'web/probe.ts',
    "import { openCliCore } from '../app/node/open-core';\nimport { WebSocketServer } from 'ws';",
  ],
  [
    'the core imports the model, node: and the AWS SDK',
    'app/session/probe.ts',
    "import { roleKey } from '../model/roles';\nimport { join } from 'node:path';\nimport { SSOClient } from '@aws-sdk/client-sso';",
  ],
];

describe('the layer rules (eslint-plugin-boundaries allowlists)', () => {
  it.each(forbidden)('refuses it when %s', async (_name, file, source) => {
    expect(await boundaryErrors(file, `${source}\nexport {};\n`)).not.toEqual([]);
  });
  it.each(allowed)('allows it when %s', async (_name, file, source) => {
    expect(await boundaryErrors(file, `${source}\nexport {};\n`)).toEqual([]);
  });
});
