import type { SecretStorageStatus } from '../../app/model/snapshot';
import { useActions, useRolecall, useStoreApi } from '../store/hooks';
import { selectNotices } from '../store/selectors';

/** One sentence about where secrets live, when it is not the OS keychain. */
export const storageSentence = (status: SecretStorageStatus): string | undefined => {
  if (status.mode === 'encrypted') return undefined;
  if (status.message) return status.message;
  return status.mode === 'memory-only'
    ? 'No usable keychain was found, so sign-ins are kept in memory only and end when Rolecall quits.'
    : 'Sign-ins are kept in a private file readable only by your user account (no OS keychain is used).';
};

/** The core's notices (a role dropped, a refresh failed) and the secret-storage sentence. */
export const Notices = () => {
  const store = useStoreApi();
  const actions = useActions();
  const notices = useRolecall(selectNotices);
  const storage = useRolecall((s) => (s.storageNoticeDismissed || !s.snapshot ? undefined : storageSentence(s.snapshot.secretStorage)));
  if (notices.length === 0 && !storage) return null;
  return (
    <div className="notices">
      {storage ? (
        <div className="notice info">
          <span>{storage}</span>
          <button type="button" className="ghost icon" aria-label="Dismiss" onClick={() => store.getState().dismissStorageNotice()}>
            ×
          </button>
        </div>
      ) : null}
      {notices.map((notice) => (
        <div key={notice.id} className={`notice ${notice.level}`} role={notice.level === 'error' ? 'alert' : undefined}>
          <span>{notice.message}</span>
          <button type="button" className="ghost icon" aria-label="Dismiss" onClick={() => void actions.dismissNotice(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
};
