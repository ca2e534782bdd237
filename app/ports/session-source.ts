import type { RolecallController } from '../session/controller';

/**
 * Where sessions come from: the local store (the core built in this process by
 * createRolecallCore) or a remote owner (the desktop app, `rolecall web` or `rolecall agent`,
 * reached through app/agent/agent-client). Both have this one shape — the IPC contract's
 * handlers, the snapshot and its events, plus the awaitable calls the CLI needs — so every
 * shell drives either one unchanged.
 */
export type SessionSource = RolecallController;
