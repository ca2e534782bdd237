import { useShallow } from 'zustand/react/shallow';
import type { ActiveCredentialView, InstanceView } from '../../app/model/snapshot';
import { roleKey } from '../../app/model/roles';
import { formatRemaining } from '../../app/model/countdown';
import { urgencyOf } from '../format/time';
import { useRemaining, useRolecall } from '../store/hooks';
import { selectActiveCredentials, selectInstances, selectPreferences } from '../store/selectors';
import { statusWords } from './sign-in';
import { displayName } from '../format/display-text';

const SessionCountdown = ({ instance, leadMinutes, showLabel }: { instance: InstanceView; leadMinutes: number; showLabel: boolean }) => {
  const remaining = useRemaining(instance.session.status === 'signed-in' ? instance.session.expiresAt : undefined);
  const label = showLabel ? `${instance.label}: ` : '';
  if (remaining === undefined) {
    return <span className={`status-item ${instance.session.status}`}>{`${label}${statusWords[instance.session.status]}`}</span>;
  }
  return (
    <span className={`status-item urgency-${urgencyOf(remaining, leadMinutes * 60_000)}`} title={instance.startUrl}>
      <span className="dot" aria-hidden="true" />
      {`${label}Session ${formatRemaining(remaining)}`}
    </span>
  );
};

const CredentialCountdown = ({ credential }: { credential: ActiveCredentialView }) => {
  const remaining = useRemaining(credential.expiresAt) ?? 0;
  return (
    <li className={`chip urgency-${urgencyOf(remaining, 5 * 60_000)}`}>
      <bdi>{displayName(credential.accountName ?? credential.role.accountId)}</bdi> · <bdi>{displayName(credential.role.roleName)}</bdi> —{' '}
      {formatRemaining(remaining)}
    </li>
  );
};

/** Visible chips of active credentials; the rest are counted. */
const maxChips = 4;

/** Bottom bar: each instance's session countdown and the credentials held right now. */
export const StatusBar = () => {
  const instances = useRolecall(selectInstances);
  const credentials = useRolecall(selectActiveCredentials);
  const leadMinutes = useRolecall((s) => selectPreferences(s)?.notificationLeadMinutes ?? 15);
  const shown = useRolecall(useShallow((s) => selectActiveCredentials(s).slice(0, maxChips)));
  return (
    <footer className="status-bar" aria-label="Status">
      <span className="sessions">
        {instances.map((instance) => (
          <SessionCountdown key={instance.id} instance={instance} leadMinutes={leadMinutes} showLabel={instances.length > 1} />
        ))}
      </span>
      <ul className="credentials" aria-label="Active credentials">
        {shown.map((credential) => (
          <CredentialCountdown key={roleKey(credential.role)} credential={credential} />
        ))}
        {credentials.length > maxChips ? <li className="chip muted">+{credentials.length - maxChips} more</li> : null}
      </ul>
    </footer>
  );
};
