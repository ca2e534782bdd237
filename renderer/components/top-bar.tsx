import { useShallow } from 'zustand/react/shallow';
import { formatAgo } from '../format/time';
import { useActions, useNow, useRolecall, useStoreApi } from '../store/hooks';
import { selectInstances, selectSyncProgress } from '../store/selectors';

/** Sync summary across instances: last sync, stale cache, failed accounts, errors. */
const SyncSummary = () => {
  const now = useNow();
  const summary = useRolecall(
    useShallow((s) => {
      const instances = selectInstances(s).filter((instance) => instance.sync.syncedAt !== undefined || instance.sync.status !== 'idle');
      const times = instances.map((instance) => instance.sync.syncedAt).filter((at): at is number => at !== undefined);
      return {
        any: instances.length > 0,
        syncedAt: times.length > 0 ? Math.min(...times) : undefined,
        stale: instances.some((instance) => instance.sync.stale),
        failed: instances.reduce((sum, instance) => sum + instance.sync.failedAccounts, 0),
        error: instances.find((instance) => instance.sync.error)?.sync.error,
      };
    }),
  );
  const progress = useRolecall(useShallow(selectSyncProgress));
  if (!summary.any) return <span className="sync-summary" />;
  return (
    <span className="sync-summary">
      {progress.syncing ? (
        <span>
          Syncing {progress.done.toLocaleString()}
          {progress.total !== undefined ? ` of ${progress.total.toLocaleString()}` : ''} accounts…
        </span>
      ) : summary.syncedAt !== undefined ? (
        <span title={new Date(summary.syncedAt).toLocaleString()}>Synced {formatAgo(summary.syncedAt, now)}</span>
      ) : null}
      {summary.stale ? (
        <span className="badge warn" title="The list comes from the disk cache and is more than a day old">
          Offline · cached
        </span>
      ) : null}
      {summary.failed > 0 ? (
        <span className="badge warn" title="These accounts' roles could not be listed in the last sync; their previous roles are kept">
          {summary.failed} {summary.failed === 1 ? 'account' : 'accounts'} failed
        </span>
      ) : null}
      {summary.error ? (
        <span className="badge error" title={summary.error}>
          Sync failed
        </span>
      ) : null}
    </span>
  );
};

/** The bar across the top: name, views, sync status, refresh; a progress line under it. */
export const TopBar = () => {
  const store = useStoreApi();
  const actions = useActions();
  const view = useRolecall((s) => s.view);
  const connection = useRolecall((s) => s.connection);
  const progress = useRolecall(useShallow(selectSyncProgress));
  const hasInstances = useRolecall((s) => selectInstances(s).length > 0);
  const fraction = progress.syncing && progress.total ? Math.min(1, progress.done / progress.total) : 0;
  return (
    <header className="top-bar">
      <div className="top-bar-row">
        <span className="brand">Rolecall</span>
        <nav className="tabs" aria-label="Views">
          <button type="button" className="tab" aria-pressed={view === 'directory'} onClick={() => store.getState().showView('directory')}>
            Roles
          </button>
          <button
            type="button"
            className="tab"
            aria-pressed={view === 'preferences'}
            onClick={() => store.getState().showView('preferences')}
          >
            Preferences
          </button>
        </nav>
        <SyncSummary />
        {connection === 'reconnecting' || connection === 'closed' ? (
          <span className="badge error" role="status">
            Disconnected — reconnecting…
          </span>
        ) : null}
        {hasInstances ? (
          <button
            type="button"
            className="ghost"
            onClick={() => void actions.refresh()}
            disabled={progress.syncing}
            title="Sync the account list again"
          >
            Refresh
          </button>
        ) : null}
      </div>
      {/* Always present, so starting a sync never moves the layout. */}
      <div
        className={`progress${progress.syncing ? ' active' : ''}${progress.syncing && progress.total === undefined ? ' indeterminate' : ''}`}
        role="progressbar"
        aria-label="Account sync"
        aria-valuemin={0}
        aria-valuemax={progress.total ?? 0}
        aria-valuenow={progress.syncing && progress.total !== undefined ? progress.done : undefined}
        aria-hidden={!progress.syncing}
      >
        <div className="progress-fill" style={{ transform: `scaleX(${fraction})` }} />
      </div>
    </header>
  );
};
