import { join } from 'node:path';

/**
 * The name of the owner's endpoint file, apart from endpoint.ts (its schema and the socket
 * code): `credential-process` checks that the file exists before it loads the agent client,
 * so the common case without an owner loads none of it.
 */
export const ENDPOINT_FILE_NAME = 'agent.json';

export const endpointFilePath = (configDir: string): string => join(configDir, ENDPOINT_FILE_NAME);
