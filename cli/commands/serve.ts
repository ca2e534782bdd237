import { z } from 'zod';
import { startContainerCredentialsServer } from '../../app/credentials/container-credentials-server';
import { quotePosix } from '../../app/credentials/shell-quote';
import { selectInstance } from '../../app/session/instance-registry';
import { openCliCore } from '../../app/node/open-core';
import type { CliOutput } from '../../app/node/terminal-output';
import { terminalSafe } from '../../app/node/terminal-text';
import { findRole, roleSchema } from './directory-commands';
import { parseOptions } from '../../app/node/command-options';

const serveSchema = roleSchema.extend({ port: z.coerce.number().int().min(0).max(65535).default(0) });

/**
 * `rolecall serve`: a container credentials endpoint on 127.0.0.1 for one role. Prints the two
 * `export` lines on stdout once listening (and a sentence on stderr), answers each request
 * through the core (cached credentials, new ones shortly before they expire), and stops on
 * SIGINT/SIGTERM.
 */
export const serve = async (raw: unknown, output: CliOutput): Promise<void> => {
  const options = parseOptions(serveSchema, raw);
  const { core } = await openCliCore();
  try {
    const instance = selectInstance(core.instances(), options.instance);
    const { account, roleName } = await findRole(core, instance.id, options.account, options.role);
    const ref = { instanceId: instance.id, accountId: account.accountId, roleName };
    await core.credentials(ref); // signed out: one sentence now rather than 500s later
    const server = await startContainerCredentialsServer({ credentials: () => core.credentials(ref), port: options.port });
    try {
      for (const [name, value] of Object.entries(server.env)) output.out(`export ${name}=${quotePosix(value)}`);
      output.err(
        `Serving credentials for ${terminalSafe(account.accountName)} / ${terminalSafe(roleName)} at ${server.url} to clients with the token above; Ctrl+C stops.`,
      );
      await new Promise<void>((resolveStop) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolveStop();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    } finally {
      await server.close();
    }
  } finally {
    await core.stop();
  }
};
