import { paginateListAccountRoles, paginateListAccounts } from '@aws-sdk/client-sso';
import { portalClient } from './strategy';
import type { Listing, Strategy } from './strategy';

/**
 * What most scripts do: the SDK's own paginators, one call after another, with the SDK's
 * default retry strategy (standard mode, 3 attempts). An account whose listing still fails
 * is skipped.
 */
export const naiveStrategy: Strategy = {
  name: 'naive',
  summary: 'sequential SDK paginators, SDK default retries (3 attempts)',
  async run(context): Promise<Listing> {
    const client = portalClient(context);
    const roles = new Map<string, string[]>();
    const failed: string[] = [];
    try {
      const ids: string[] = [];
      for await (const page of paginateListAccounts({ client, pageSize: context.pageSize }, { accessToken: context.accessToken })) {
        for (const account of page.accountList ?? []) if (account.accountId) ids.push(account.accountId);
      }
      for (const accountId of ids) {
        try {
          const names: string[] = [];
          for await (const page of paginateListAccountRoles(
            { client, pageSize: context.pageSize },
            { accessToken: context.accessToken, accountId },
          )) {
            for (const role of page.roleList ?? []) if (role.roleName) names.push(role.roleName);
          }
          roles.set(accountId, names);
        } catch {
          failed.push(accountId);
        }
      }
      return { roles, failed };
    } finally {
      client.destroy();
    }
  },
};
