import type { RolecallApi } from '../../app/ipc/contract';
import { isRolecallError } from '../../app/model/errors';
import type { RoleRef } from '../../app/model/roles';
import type { TrayAction } from './tray-menu';

export interface TrayActionDeps {
  readonly api: RolecallApi;
  showWindow(): void;
  /** Opens the window on the preferences. */
  showPreferences(): void;
  quit(): void;
  /** Tells the user about a failed action (the tray has no page to show it on). */
  reportError(message: string): void;
}

const run = async (deps: TrayActionDeps, work: () => Promise<unknown>): Promise<void> => {
  try {
    await work();
  } catch (error) {
    deps.reportError(isRolecallError(error) ? error.userMessage : 'That did not work; the log has details.');
  }
};

/** The contract takes a role or a chained role (by name), exactly one. */
const targetOf = (action: { readonly role: RoleRef; readonly chainedRole?: string }) =>
  action.chainedRole ? { chainedRole: action.chainedRole } : { role: action.role };

/** Carries out one tray menu action: one core call, or a window/app operation. */
export const dispatchTrayAction = (action: TrayAction, deps: TrayActionDeps): Promise<void> => {
  const { api } = deps;
  switch (action.type) {
    case 'sign-in':
      return run(deps, () => api['session:sign-in']({ instanceId: action.instanceId, flow: 'device' }));
    case 'sign-out':
      return run(deps, () => api['session:sign-out']({ instanceId: action.instanceId }));
    case 'open-verification':
      return run(deps, () => api['session:open-verification']({ instanceId: action.instanceId }));
    case 'cancel-sign-in':
      return run(deps, () => api['session:cancel-sign-in']({ instanceId: action.instanceId }));
    case 'copy':
      return run(deps, () => api['credentials:copy']({ ...targetOf(action), ...(action.format ? { format: action.format } : {}) }));
    case 'open-console':
      return run(deps, () => api['console:open'](targetOf(action)));
    case 'refresh':
      return run(deps, () => api['directory:refresh']({}));
    case 'open-window':
      deps.showWindow();
      return Promise.resolve();
    case 'preferences':
      deps.showPreferences();
      return Promise.resolve();
    case 'quit':
      deps.quit();
      return Promise.resolve();
  }
};
