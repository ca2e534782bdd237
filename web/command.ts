import { z } from 'zod';
import { startOwner } from '../app/agent/agent-server';
import { resolveConfigDir } from '../app/storage/config-dir';
import { buildRenderer } from './renderer-build';
import { startWebServer } from './server';
import { openCliCore, openLocalCore } from '../app/node/open-core';
import type { CliOutput } from '../app/node/terminal-output';
import { canOpenBrowser, systemBrowser } from '../app/node/system-browser';
import { parseOptions } from '../app/node/command-options';

const webSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(0),
  open: z.boolean().default(false),
});

/**
 * `rolecall web`: the desktop UI served on 127.0.0.1 for machines without a tray, sharing the
 * CLI's config dir, so a `rolecall login` in a terminal shows up signed in. Prints exactly
 * one JSON line {"url"} on stdout once listening; runs until SIGINT/SIGTERM.
 */
export const web = async (raw: unknown, output: CliOutput): Promise<void> => {
  const options = parseOptions(webSchema, raw);
  const browser = canOpenBrowser();
  const staticDir = await buildRenderer({ log: (line) => output.err(line) });
  const coreOptions = { shell: 'web', autoSync: true, watchExpiry: true, browser } as const;
  // The session owner when no other process is (then it also serves the agent socket);
  // else the UI of the running owner, as its client.
  const configDir = await resolveConfigDir(process.env);
  const owner = await startOwner({
    configDir,
    openCore: async () => (await openLocalCore(configDir, process.env, coreOptions)).core,
    log: (line) => output.err(line),
  });
  const opened = owner.status === 'owner' ? { core: owner.core, ownerPid: undefined } : await openCliCore(process.env, coreOptions);
  const { core } = opened;
  if (opened.ownerPid !== undefined) output.err(`Serving the sessions of the running Rolecall owner (pid ${opened.ownerPid}).`);
  const server = await startWebServer({ core, port: options.port, staticDir, log: (line) => output.err(line) });
  output.out(JSON.stringify({ url: server.url }));
  output.err(`Rolecall is at ${server.url} (only this URL gets in; Ctrl+C stops).`);
  if (options.open) {
    if (browser)
      await systemBrowser()
        .openExternal(server.url)
        .catch(() => output.err('Could not open the browser; open the URL above yourself.'));
    else output.err('No browser here: open the URL above in a browser on this machine.');
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  if (owner.status === 'owner') await owner.close();
  await core.stop();
};
