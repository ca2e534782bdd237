import { z } from 'zod';
import { TAKE_OVER_STALE_MS, startOwner } from '../../app/agent/agent-server';
import type { Notifier } from '../../app/ports/desktop';
import { resolveConfigDir } from '../../app/storage/config-dir';
import { openLocalCore } from '../../app/node/open-core';
import type { CliOutput } from '../../app/node/terminal-output';
import { canOpenBrowser } from '../../app/node/system-browser';
import { parseOptions } from '../../app/node/command-options';

const agentSchema = z.object({
  // Fractions are allowed (tests use a second or two); absent: run until stopped.
  idleExit: z.coerce.number().positive().max(10_000_000).optional(),
});

/** A headless owner has no tray: "Sign in to continue" is one line on its stderr. */
const stderrNotifier = (output: CliOutput): Notifier => ({
  notify: ({ title, body }) => output.err(`${title}: ${body} (run \`rolecall login\`)`),
});

/**
 * `rolecall agent [--idle-exit MINUTES]`: the session owner without a tray (WSL, SSH boxes,
 * servers). Takes the owner lock of the config dir, runs the core with background sync and
 * the expiry watcher (like `rolecall web`), and serves it on the agent socket; prints one
 * JSON line {"socket", "pid"} on stdout once listening; runs until SIGINT/SIGTERM, or until
 * no request came for --idle-exit minutes. Another owner already running: one sentence
 * naming its pid, exit 0.
 */
export const agent = async (raw: unknown, output: CliOutput, env: NodeJS.ProcessEnv = process.env): Promise<void> => {
  const options = parseOptions(agentSchema, raw);
  const configDir = await resolveConfigDir(env);
  let lastRequest = Date.now();
  const owner = await startOwner({
    configDir,
    openCore: async () =>
      (await openLocalCore(configDir, env, { shell: 'cli', autoSync: true, watchExpiry: true, browser: canOpenBrowser(env) })).core,
    notifier: stderrNotifier(output),
    onRequest: () => {
      lastRequest = Date.now();
    },
    log: (line) => output.err(line),
    waitForStaleMs: TAKE_OVER_STALE_MS,
  });
  if (owner.status === 'deferred') {
    output.err(
      owner.pid
        ? `Another Rolecall owner (pid ${owner.pid}) already serves this config dir; every rolecall command uses it, so this agent exits.`
        : 'Another Rolecall owner already serves this config dir; every rolecall command uses it, so this agent exits.',
    );
    return;
  }
  output.out(JSON.stringify({ socket: owner.server.socketPath, pid: owner.server.pid }));
  output.err(`Rolecall agent (pid ${owner.server.pid}) is serving this config dir; Ctrl+C stops it.`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      clearInterval(idle);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    const idleMs = options.idleExit === undefined ? undefined : options.idleExit * 60_000;
    const idle =
      idleMs === undefined
        ? undefined
        : setInterval(
            () => {
              if (Date.now() - lastRequest < idleMs) return;
              output.err(`No request for ${options.idleExit} minute(s); the agent exits.`);
              stop();
            },
            Math.max(100, Math.min(60_000, idleMs / 10)),
          );
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await owner.close();
  await owner.core.stop();
};
