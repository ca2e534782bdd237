import { z } from 'zod';
import { resolveConfigDir } from '../app/storage/config-dir';
import { buildRenderer } from './renderer-build';
import { startWebServer } from './server';
import type { RolecallCore } from '../app/session/core';
import type { CliOutput } from '../app/node/terminal-output';
import { canOpenBrowser, systemBrowser } from '../app/node/system-browser';
import { parseOptions } from '../app/node/command-options';

const webSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(0),
  open: z.boolean().default(false),
});

/** How long the core waits for a browser to fetch the page before it loads anyway. */
const pageFetchWaitMs = 1_000;

type CoreOptions = { readonly shell: 'web'; readonly autoSync: true; readonly watchExpiry: true; readonly browser: boolean };

/**
 * The core the page drives: this process's own as the session owner when no other process
 * is (then it also serves the agent socket), else the UI of the running owner, as its
 * client. Imported here, not above: the core and the AWS SDK take most of a start to load,
 * and the server listens and prints its URL before they do.
 */
const openWebCore = async (configDir: string, coreOptions: CoreOptions, output: CliOutput) => {
  const [{ startOwner }, { openCliCore, openLocalCore }] = await Promise.all([
    import('../app/agent/agent-server'),
    import('../app/node/open-core'),
  ]);
  const owner = await startOwner({
    configDir,
    openCore: async () => (await openLocalCore(configDir, process.env, coreOptions)).core,
    log: (line) => output.err(line),
  });
  const opened = owner.status === 'owner' ? { core: owner.core, ownerPid: undefined } : await openCliCore(process.env, coreOptions);
  if (opened.ownerPid !== undefined) output.err(`Serving the sessions of the running Rolecall owner (pid ${opened.ownerPid}).`);
  return { core: opened.core, close: owner.status === 'owner' ? () => owner.close() : async () => undefined };
};

/**
 * `rolecall web`: the desktop UI served on 127.0.0.1 for machines without a tray, sharing the
 * CLI's config dir, so a `rolecall login` in a terminal shows up signed in. Prints exactly
 * one JSON line {"url"} on stdout once listening, while the core still opens (the page's
 * bridge waits for it); runs until SIGINT/SIGTERM. A core that fails to open stops the
 * server and fails the command.
 */
export const web = async (raw: unknown, output: CliOutput): Promise<void> => {
  const options = parseOptions(webSchema, raw);
  const browser = canOpenBrowser();
  const coreOptions: CoreOptions = { shell: 'web', autoSync: true, watchExpiry: true, browser };
  const configDir = await resolveConfigDir(process.env);
  const staticDir = await buildRenderer({ log: (line) => output.err(line) });
  // The core is opened once the URL is out and the page fetched (or a moment later when no
  // browser comes): loading it keeps this process busy for a while, which would delay every
  // request of the page; the browser evaluates the page meanwhile, and its bridge waits.
  let provideCore!: (core: Promise<RolecallCore>) => void;
  const server = await startWebServer({
    core: new Promise<RolecallCore>((resolve) => (provideCore = resolve)),
    port: options.port,
    staticDir,
    log: (line) => output.err(line),
  });
  output.out(JSON.stringify({ url: server.url }));
  output.err(`Rolecall is at ${server.url} (only this URL gets in; Ctrl+C stops).`);
  // The browser may load the page while the core opens.
  const launching = (async () => {
    if (!options.open) return;
    if (browser)
      await systemBrowser()
        .openExternal(server.url)
        .catch(() => output.err('Could not open the browser; open the URL above yourself.'));
    else output.err('No browser here: open the URL above in a browser on this machine.');
  })();
  await Promise.race([server.pageFetched, new Promise((resolve) => setTimeout(resolve, pageFetchWaitMs))]);
  const opening = openWebCore(configDir, coreOptions, output);
  provideCore(opening.then((opened) => opened.core));
  let opened: Awaited<typeof opening>;
  try {
    opened = await opening;
  } catch (error) {
    await launching;
    await server.close();
    throw error;
  }
  const { core } = opened;
  await launching;
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await opened.close();
  await core.stop();
};
