import type { RequestChannel } from './contract';

/**
 * The request channels of the IPC contract by name, in the contract's order, for code that
 * forwards requests without validating them: the agent client (every `credential-process`
 * through an owner) builds its api from this list without loading any of the contract's
 * schemas. contract.ts proves at compile time that the list names every channel it has.
 */
export const requestChannels = [
  'state:get',
  'directory:get',
  'instance:add',
  'instance:remove',
  'instance:update',
  'aliases:set',
  'chained-roles:save',
  'chained-roles:remove',
  'session:sign-in',
  'session:cancel-sign-in',
  'session:open-verification',
  'session:sign-out',
  'directory:refresh',
  'credentials:copy',
  'console:open',
  'favorites:toggle',
  'keep-fresh:toggle',
  'preferences:update',
  'notices:dismiss',
  'aws-config:add-profile',
  'aws-config:add-all',
  'aws-config:find-setups',
  'aws-config:import-setups',
] as const satisfies readonly RequestChannel[];
