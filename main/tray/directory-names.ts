import type { DirectoryView } from '../../app/ipc/contract';
import type { RoleRef } from '../../app/model/roles';

/**
 * Account names for the tray's role labels. The menu is rebuilt synchronously, so names
 * are kept here and refreshed when the core says a directory changed.
 */
export class DirectoryNames {
  private readonly byInstance = new Map<string, ReadonlyMap<string, string>>();

  update(instanceId: string, view: DirectoryView | null): void {
    if (!view) {
      this.byInstance.delete(instanceId);
      return;
    }
    this.byInstance.set(instanceId, new Map(view.accounts.map((account) => [account.accountId, account.accountName])));
  }

  readonly lookup = (role: RoleRef): string | undefined => this.byInstance.get(role.instanceId)?.get(role.accountId);
}
