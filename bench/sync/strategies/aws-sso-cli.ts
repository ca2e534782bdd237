import { isTooManyRequests, listAccountIds, listRoleNames, portalClient, sleep } from './strategy';
import type { CallPolicy, Listing, Strategy } from './strategy';

/**
 * Re-implements aws-sso-cli's (synfinatic/aws-sso-cli) documented cache refresh: accounts
 * first, then 5 workers listing roles; on TooManyRequests a worker sleeps a fixed 5 s and
 * retries, up to 10 times.
 */
export const awsSsoCliStrategy: Strategy = {
  name: 'aws-sso-cli',
  summary: '5 workers, fixed 5 s sleep on TooManyRequests, 10 retries',
  async run(context): Promise<Listing> {
    const client = portalClient(context, 1);
    const policy: CallPolicy = async (send) => {
      for (let retry = 0; ; retry += 1) {
        try {
          return await send();
        } catch (error) {
          if (!isTooManyRequests(error) || retry >= 10) throw error;
          await sleep(5_000);
        }
      }
    };
    const roles = new Map<string, string[]>();
    const failed: string[] = [];
    try {
      const queue = await listAccountIds(client, context, policy);
      let next = 0;
      const worker = async () => {
        while (next < queue.length) {
          const accountId = queue[next] as string;
          next += 1;
          await listRoleNames(client, context, accountId, policy).then(
            (names) => void roles.set(accountId, names),
            () => void failed.push(accountId),
          );
        }
      };
      await Promise.all(Array.from({ length: 5 }, worker));
      return { roles, failed };
    } finally {
      client.destroy();
    }
  },
};
