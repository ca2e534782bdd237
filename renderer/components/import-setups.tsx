import { useEffect, useState } from 'react';
import type { FoundSetup, SetupDiscovery } from '../../app/model/setups';
import { useActions } from '../store/hooks';

const tokenWords = (setup: FoundSetup): string =>
  setup.cachedToken === 'valid' ? 'signed in already' : setup.cachedToken === 'expired' ? 'sign-in expired' : 'not signed in';

/** The set-ups of ~/.aws/config not configured yet, each with where it came from, and one button to add them. */
const FoundList = ({ discovery, onDone }: { discovery: SetupDiscovery; onDone?: () => void }) => {
  const actions = useActions();
  const [busy, setBusy] = useState(false);
  const fresh = discovery.setups.filter((setup) => setup.configuredAs === undefined);
  if (fresh.length === 0) {
    return (
      <p className="muted" role="status">
        Nothing new to import from {discovery.path}
        {discovery.setups.length > 0 ? ': every set-up there is configured already.' : '.'}
      </p>
    );
  }
  return (
    <div className="import-setups" aria-label="Set-ups found in the AWS CLI config">
      <p>Found in {discovery.path} (it is only read, never changed):</p>
      <ul>
        {fresh.map((setup) => (
          <li key={setup.name}>
            <strong>{setup.name}</strong> <span className="muted mono">{setup.startUrl}</span>{' '}
            <span className="muted">· {setup.region}</span> <span className="muted">· {tokenWords(setup)}</span>
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="primary"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void actions.importSetups(fresh.map((setup) => setup.name)).finally(() => {
            setBusy(false);
            onDone?.();
          });
        }}
      >
        {fresh.length === 1 ? `Import ${fresh[0]?.name ?? ''}` : `Import these ${fresh.length}`}
      </button>
    </div>
  );
};

/**
 * The first-start offer: with no instance yet, what the user's AWS CLI config already holds
 * is offered before the form asks for a start URL. Shows nothing when there is nothing new.
 */
export const FirstStartImport = () => {
  const actions = useActions();
  const [discovery, setDiscovery] = useState<SetupDiscovery>();
  useEffect(() => {
    let live = true;
    void actions.findSetups().then((found) => {
      if (live) setDiscovery(found);
    });
    return () => {
      live = false;
    };
  }, [actions]);
  if (!discovery || !discovery.setups.some((setup) => setup.configuredAs === undefined)) return null;
  return (
    <section className="card import-offer" aria-label="Import from AWS CLI config">
      <h2>Already using the AWS CLI?</h2>
      <FoundList discovery={discovery} />
    </section>
  );
};

/** Preferences' "Import from AWS CLI config": looks when asked, then lists what it found. */
export const ImportFromAwsConfig = () => {
  const actions = useActions();
  const [discovery, setDiscovery] = useState<SetupDiscovery>();
  const [looking, setLooking] = useState(false);
  return (
    <div className="import-from-aws-config">
      <button
        type="button"
        disabled={looking}
        onClick={() => {
          setLooking(true);
          void actions.findSetups().then((found) => {
            setDiscovery(found);
            setLooking(false);
          });
        }}
      >
        Import from AWS CLI config
      </button>
      {discovery ? <FoundList discovery={discovery} onDone={() => setDiscovery(undefined)} /> : null}
    </div>
  );
};
