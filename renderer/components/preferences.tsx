import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { ssoSessionNameSchema } from '../../app/model/instances';
import { copyFormatLabels, copyFormats, preferencesSchema } from '../../app/model/settings';
import type { CopyFormat, Preferences as PreferencesValue } from '../../app/model/settings';
import { partitions } from '../../app/model/partitions';
import { isSignedIn, sessionStatusAt } from '../../app/model/session-status';
import type { InstanceView } from '../../app/model/snapshot';
import { useFormFields } from './use-form-fields';
import { useActions, useRolecall } from '../store/hooks';
import { selectInstances, selectPreferences } from '../store/selectors';
import { InstanceForm } from './instance-form';
import { statusWords } from './sign-in';
import { ImportFromAwsConfig } from './import-setups';

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

const Row = ({
  label,
  htmlFor,
  hint,
  problem,
  children,
}: {
  label: string;
  htmlFor: string;
  hint?: string;
  problem?: string;
  children: ReactNode;
}) => (
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

/** Checks an sso-session name with the core's own schema; the problem in plain words, or undefined. */
export const ssoSessionNameProblem = (value: string): string | undefined => {
  if (value === '') return 'An sso-session name is required.';
  const result = ssoSessionNameSchema.safeParse(value);
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  if (issue?.code === 'too_big') return 'Use at most 64 characters.';
  return `Not a valid sso-session name: ${issue?.message ?? 'use letters, digits, ".", "_" or "-"'}.`;
};

/** Checks an instance name; the problem in plain words, or undefined. */
export const instanceLabelProblem = (value: string): string | undefined => {
  if (value === '') return 'Give the instance a name.';
  return value.length > 100 ? 'Use at most 100 characters.' : undefined;
};

type EditField = 'label' | 'ssoSessionName';

/**
 * Renames an instance or changes its `[sso-session]` name, inline in its row. Only changed
 * fields are sent; Escape cancels; the core's refusal (a name another instance uses) stays
 * on screen in its own words.
 */
const InstanceEditor = ({ instance, onDone }: { instance: InstanceView; onDone: () => void }) => {
  const actions = useActions();
  const id = useId();
  const { values, set, problems, setProblems, serverError, setServerError, busy, setBusy } = useFormFields<EditField>({
    label: instance.label,
    ssoSessionName: instance.ssoSessionName,
  });

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const label = values.label.trim();
    const ssoSessionName = values.ssoSessionName.trim();
    const found = { label: instanceLabelProblem(label), ssoSessionName: ssoSessionNameProblem(ssoSessionName) };
    setProblems(found);
    if (found.label || found.ssoSessionName) return;
    const change = {
      ...(label !== instance.label ? { label } : {}),
      ...(ssoSessionName !== instance.ssoSessionName ? { ssoSessionName } : {}),
    };
    if (Object.keys(change).length === 0) {
      onDone();
      return;
    }
    setBusy(true);
    const result = await actions.updateInstance(instance.id, change);
    setBusy(false);
    if (result.ok) onDone();
    else setServerError(result.message);
  };

  const field = (name: EditField, label: string, hint: string) => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <input
        id={`${id}-${name}`}
        type="text"
        value={values[name]}
        autoComplete="off"
        spellCheck={false}
        autoFocus={name === 'label'}
        aria-invalid={problems[name] ? true : undefined}
        aria-describedby={`${id}-${name}-note`}
        onChange={(event) => set(name, event.target.value)}
      />
      <p id={`${id}-${name}-note`} className={problems[name] ? 'field-problem' : 'field-hint'}>
        {problems[name] ?? hint}
      </p>
    </div>
  );

  return (
    <form
      className="instance-edit"
      aria-label={`Edit ${instance.label}`}
      noValidate
      onSubmit={(event) => void submit(event)}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        onDone();
      }}
    >
      <div className="field-row">
        {field('label', 'Name', 'How Rolecall shows this instance.')}
        {field(
          'ssoSessionName',
          'sso-session name',
          'The [sso-session] name in ~/.aws/config; Rolecall moves its AWS CLI cache entry and its own profiles along; your own sections are left alone.',
        )}
      </div>
      {serverError ? (
        <p className="form-error" role="alert">
          {serverError}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="button" className="ghost" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
};

const InstanceRow = ({ instance }: { instance: InstanceView }) => {
  const actions = useActions();
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  // Read at render time: the snapshot may be older than the session's expiry.
  const now = Date.now();
  const signedIn = isSignedIn(instance.session, now);
  const status = sessionStatusAt(instance.session, now);
  if (editing) {
    return (
      <li className="instance-row editing">
        <InstanceEditor
          instance={instance}
          onDone={() => {
            setEditing(false);
            // Back to where the keyboard user started.
            requestAnimationFrame(() => editButton.current?.focus());
          }}
        />
      </li>
    );
  }
  return (
    <li className="instance-row">
      <div className="instance-text">
        <strong>{instance.label}</strong>
        <span className="muted">
          {instance.startUrl} · {instance.region}
        </span>
        {/* A line of its own: the URL above may be cut short; status and session name must not be. */}
        <span className="muted">
          {statusWords[status]} · sso-session {instance.ssoSessionName}
        </span>
      </div>
      <div className="instance-actions">
        <button type="button" className="ghost" ref={editButton} aria-label={`Edit ${instance.label}`} onClick={() => setEditing(true)}>
          Edit…
        </button>
        {signedIn ? (
          <>
            <button type="button" className="ghost" onClick={() => void actions.addAllProfiles(instance.id)}>
              Add all as AWS profiles
            </button>
            <button type="button" onClick={() => void actions.signOut(instance.id)}>
              Sign out
            </button>
          </>
        ) : status !== 'signing-in' ? (
          <button type="button" onClick={() => void actions.signIn(instance.id)}>
            Sign in
          </button>
        ) : null}
        {confirming ? (
          <button
            type="button"
            className="danger"
            onClick={() => void actions.removeInstance(instance.id)}
            onBlur={() => setConfirming(false)}
          >
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
        <InstanceForm onAdded={() => setAdding(false)} offerImport={false} />
      ) : (
        <button type="button" onClick={() => setAdding(true)}>
          Add an instance…
        </button>
      )}
      <ImportFromAwsConfig />

      <h2>Credentials</h2>
      <Row label="Default copy format" htmlFor={`${id}-format`} hint="What Enter copies; the … menu offers the others.">
        <select
          id={`${id}-format`}
          value={preferences.defaultCopyFormat}
          onChange={(event) => update({ defaultCopyFormat: event.target.value as CopyFormat })}
        >
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
        <select
          id={`${id}-region`}
          value={preferences.consoleRegion ?? ''}
          onChange={(event) => update({ consoleRegion: toNullable(event.target.value) })}
        >
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
      <Row
        label="Share sign-in with the AWS CLI"
        htmlFor={`${id}-interop`}
        hint="Reads and writes ~/.aws/sso/cache, as `aws sso login` does."
      >
        <input
          id={`${id}-interop`}
          type="checkbox"
          checked={preferences.awsCliInterop}
          onChange={(event) => update({ awsCliInterop: event.target.checked })}
        />
      </Row>
      <Row label="Launch at login" htmlFor={`${id}-login`}>
        <input
          id={`${id}-login`}
          type="checkbox"
          checked={preferences.launchAtLogin}
          onChange={(event) => update({ launchAtLogin: event.target.checked })}
        />
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
