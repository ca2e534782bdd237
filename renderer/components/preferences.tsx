import { useEffect, useId, useState } from 'react';
import type { ReactNode } from 'react';
import { copyFormatLabels, copyFormats, preferencesSchema } from '../../app/model/settings';
import type { CopyFormat, Preferences as PreferencesValue } from '../../app/model/settings';
import { partitions } from '../../app/model/partitions';
import type { InstanceView } from '../../app/model/snapshot';
import { useActions, useRolecall } from '../store/hooks';
import { selectInstances, selectPreferences } from '../store/selectors';
import { InstanceForm } from './instance-form';
import { statusWords } from './sign-in';

type Key = keyof PreferencesValue;

/** Checks one field with the core's own schema; returns the problem in words, or undefined. */
export const preferenceProblem = <K extends Key>(key: K, value: PreferencesValue[K]): string | undefined => {
  const result = preferencesSchema.shape[key].safeParse(value);
  if (!result.success) return result.error.issues[0]?.message ?? 'not a valid value';
  if (key === 'consoleDestination' && typeof value === 'string') {
    try {
      const url = new URL(value);
      if (url.protocol !== 'https:') return 'use an https:// console address';
    } catch {
      return 'use a full console address, e.g. https://console.aws.amazon.com/ec2/home';
    }
  }
  if (key === 'globalShortcut' && typeof value === 'string' && !/^[A-Za-z0-9]+(\+[A-Za-z0-9]+)*$/.test(value)) {
    return 'write it like CommandOrControl+Shift+A';
  }
  return undefined;
};

const Row = ({ label, htmlFor, hint, problem, children }: { label: string; htmlFor: string; hint?: string; problem?: string; children: ReactNode }) => (
  <div className="pref-row">
    <label htmlFor={htmlFor}>{label}</label>
    <div className="pref-control">
      {children}
      {problem ? (
        <p className="field-problem" id={`${htmlFor}-problem`}>
          {problem}
        </p>
      ) : hint ? (
        <p className="field-hint">{hint}</p>
      ) : null}
    </div>
  </div>
);

/** A text or number field saved on blur or Enter, validated first. */
const DraftInput = <K extends Key>({
  id,
  field,
  current,
  parse,
  type = 'text',
  placeholder,
  label,
  hint,
}: {
  id: string;
  field: K;
  current: PreferencesValue[K];
  parse: (text: string) => PreferencesValue[K];
  type?: 'text' | 'number';
  placeholder?: string;
  label: string;
  hint?: string;
}) => {
  const actions = useActions();
  const shown = current === null || current === undefined ? '' : String(current);
  const [draft, setDraft] = useState(shown);
  const [problem, setProblem] = useState<string>();
  useEffect(() => setDraft(shown), [shown]);
  const save = async (): Promise<void> => {
    if (draft === shown) return;
    const value = parse(draft.trim());
    const issue = preferenceProblem(field, value);
    setProblem(issue);
    if (issue) return;
    const result = await actions.updatePreferences({ [field]: value } as Partial<PreferencesValue>);
    if (!result.ok) setProblem(result.message);
  };
  return (
    <Row label={label} htmlFor={id} hint={hint} problem={problem}>
      <input
        id={id}
        type={type}
        value={draft}
        placeholder={placeholder}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${id}-problem` : undefined}
        onChange={(event) => {
          setDraft(event.target.value);
          setProblem(undefined);
        }}
        onBlur={() => void save()}
        onKeyDown={(event) => {
          if (event.key === 'Enter') void save();
        }}
      />
    </Row>
  );
};

const toNumber = (text: string): number => (text === '' ? Number.NaN : Number(text));
const toNullable = (text: string): string | null => (text === '' ? null : text);

const InstanceRow = ({ instance }: { instance: InstanceView }) => {
  const actions = useActions();
  const [confirming, setConfirming] = useState(false);
  const signedIn = instance.session.status === 'signed-in';
  return (
    <li className="instance-row">
      <div className="instance-text">
        <strong>{instance.label}</strong>
        <span className="muted">
          {instance.startUrl} · {instance.region} · {statusWords[instance.session.status]}
        </span>
      </div>
      <div className="instance-actions">
        {signedIn ? (
          <>
            <button type="button" className="ghost" onClick={() => void actions.addAllProfiles(instance.id)}>
              Add all as AWS profiles
            </button>
            <button type="button" onClick={() => void actions.signOut(instance.id)}>
              Sign out
            </button>
          </>
        ) : instance.session.status !== 'signing-in' ? (
          <button type="button" onClick={() => void actions.signIn(instance.id)}>
            Sign in
          </button>
        ) : null}
        {confirming ? (
          <button type="button" className="danger" onClick={() => void actions.removeInstance(instance.id)} onBlur={() => setConfirming(false)}>
            Confirm remove
          </button>
        ) : (
          <button type="button" className="ghost" onClick={() => setConfirming(true)}>
            Remove…
          </button>
        )}
      </div>
    </li>
  );
};

/** Instances and preferences; every change goes through preferences:update. */
export const Preferences = () => {
  const actions = useActions();
  const id = useId();
  const preferences = useRolecall(selectPreferences);
  const instances = useRolecall(selectInstances);
  const [adding, setAdding] = useState(false);
  if (!preferences) return null;
  const update = (patch: Partial<PreferencesValue>) => void actions.updatePreferences(patch);
  const regions = partitions.flatMap((partition) => partition.regions);
  return (
    <section className="preferences" aria-label="Preferences">
      <h2>Identity Center instances</h2>
      <ul className="instance-list">
        {instances.map((instance) => (
          <InstanceRow key={instance.id} instance={instance} />
        ))}
      </ul>
      {adding || instances.length === 0 ? (
        <InstanceForm onAdded={() => setAdding(false)} />
      ) : (
        <button type="button" onClick={() => setAdding(true)}>
          Add an instance…
        </button>
      )}

      <h2>Credentials</h2>
      <Row label="Default copy format" htmlFor={`${id}-format`} hint="What Enter copies; the … menu offers the others.">
        <select id={`${id}-format`} value={preferences.defaultCopyFormat} onChange={(event) => update({ defaultCopyFormat: event.target.value as CopyFormat })}>
          {copyFormats.map((format) => (
            <option key={format} value={format}>
              {copyFormatLabels[format]}
            </option>
          ))}
        </select>
      </Row>
      <DraftInput
        id={`${id}-clear`}
        field="clipboardClearSeconds"
        current={preferences.clipboardClearSeconds}
        parse={toNumber}
        type="number"
        label="Clear the clipboard after (seconds)"
        hint="0 keeps it; Rolecall clears only what it copied."
      />
      <DraftInput
        id={`${id}-lead`}
        field="notificationLeadMinutes"
        current={preferences.notificationLeadMinutes}
        parse={toNumber}
        type="number"
        label="Warn before the session ends (minutes)"
      />

      <h2>Console</h2>
      <Row label="Console region" htmlFor={`${id}-region`}>
        <select id={`${id}-region`} value={preferences.consoleRegion ?? ''} onChange={(event) => update({ consoleRegion: toNullable(event.target.value) })}>
          <option value="">The instance’s region</option>
          {regions.map((region) => (
            <option key={region} value={region}>
              {region}
            </option>
          ))}
        </select>
      </Row>
      <DraftInput
        id={`${id}-destination`}
        field="consoleDestination"
        current={preferences.consoleDestination}
        parse={toNullable}
        label="Console page"
        placeholder="Console home"
        hint="An AWS console address, e.g. https://console.aws.amazon.com/ec2/home; empty for the home page."
      />

      <h2>System</h2>
      <Row label="Share sign-in with the AWS CLI" htmlFor={`${id}-interop`} hint="Reads and writes ~/.aws/sso/cache, as `aws sso login` does.">
        <input id={`${id}-interop`} type="checkbox" checked={preferences.awsCliInterop} onChange={(event) => update({ awsCliInterop: event.target.checked })} />
      </Row>
      <Row label="Launch at login" htmlFor={`${id}-login`}>
        <input id={`${id}-login`} type="checkbox" checked={preferences.launchAtLogin} onChange={(event) => update({ launchAtLogin: event.target.checked })} />
      </Row>
      <DraftInput
        id={`${id}-shortcut`}
        field="globalShortcut"
        current={preferences.globalShortcut}
        parse={toNullable}
        label="Quick switcher shortcut"
        placeholder="None"
        hint="For example CommandOrControl+Shift+A."
      />
    </section>
  );
};
