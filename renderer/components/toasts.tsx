import { useRolecall, useStoreApi } from '../store/hooks';

/** Copy feedback and errors; polite for successes, assertive for failures. */
export const Toasts = () => {
  const store = useStoreApi();
  const toasts = useRolecall((s) => s.toasts);
  return (
    <div className="toasts">
      <div className="toast-region" role="status" aria-live="polite">
        {toasts
          .filter((toast) => toast.kind !== 'error')
          .map((toast) => (
            <div key={toast.id} className={`toast ${toast.kind}`}>
              <span>{toast.message}</span>
              <button type="button" className="ghost icon" aria-label="Dismiss" onClick={() => store.getState().dismissToast(toast.id)}>
                ×
              </button>
            </div>
          ))}
      </div>
      <div className="toast-region" role="alert" aria-live="assertive">
        {toasts
          .filter((toast) => toast.kind === 'error')
          .map((toast) => (
            <div key={toast.id} className="toast error">
              <span>{toast.message}</span>
              <button type="button" className="ghost icon" aria-label="Dismiss" onClick={() => store.getState().dismissToast(toast.id)}>
                ×
              </button>
            </div>
          ))}
      </div>
    </div>
  );
};
