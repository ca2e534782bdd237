import { useId } from 'react';
import type { FormEvent } from 'react';
import { newInstanceSchema } from '../../app/model/instances';
import { partitions } from '../../app/model/partitions';
import { useFormFields } from './use-form-fields';
import { useActions, useRolecall } from '../store/hooks';
import { selectInstances } from '../store/selectors';
import { FirstStartImport } from './import-setups';

type Field = 'startUrl' | 'region' | 'label' | 'endpoint';

const allRegions = partitions.flatMap((partition) => partition.regions);

/**
 * Adds an Identity Center instance; checks it with the core's own schema before sending. With
 * no instance yet it first offers the set-ups of ~/.aws/config (unless `offerImport` is false).
 */
export const InstanceForm = ({ onAdded, offerImport = true }: { onAdded?: () => void; offerImport?: boolean }) => {
  const actions = useActions();
  const firstStart = useRolecall((s) => selectInstances(s).length === 0);
  const id = useId();
  const { values, setValues, set, problems, setProblems, serverError, setServerError, busy, setBusy } = useFormFields<Field>({
    startUrl: '',
    region: '',
    label: '',
    endpoint: '',
  });

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const input = {
      startUrl: values.startUrl.trim(),
      region: values.region.trim(),
      ...(values.label.trim() ? { label: values.label.trim() } : {}),
      ...(values.endpoint.trim() ? { endpoint: values.endpoint.trim() } : {}),
    };
    const parsed = newInstanceSchema.safeParse(input);
    if (!parsed.success) {
      const found: Partial<Record<Field, string>> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as Field | undefined;
        if (field && !found[field]) found[field] = issue.message;
      }
      setProblems(found);
      return;
    }
    setBusy(true);
    const result = await actions.addInstance(parsed.data);
    setBusy(false);
    if (!result.ok) {
      setServerError(result.message);
      return;
    }
    setValues({ startUrl: '', region: '', label: '', endpoint: '' });
    onAdded?.();
  };

  const field = (name: Field, label: string, props: { placeholder?: string; list?: string; type?: string; hint?: string }) => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <input
        id={`${id}-${name}`}
        type={props.type ?? 'text'}
        value={values[name]}
        placeholder={props.placeholder}
        list={props.list}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={problems[name] ? true : undefined}
        aria-describedby={problems[name] ? `${id}-${name}-problem` : props.hint ? `${id}-${name}-hint` : undefined}
        onChange={(event) => set(name, event.target.value)}
      />
      {problems[name] ? (
        <p id={`${id}-${name}-problem`} className="field-problem">
          {problems[name]}
        </p>
      ) : props.hint ? (
        <p id={`${id}-${name}-hint`} className="field-hint">
          {props.hint}
        </p>
      ) : null}
    </div>
  );

  return (
    <>
      {offerImport && firstStart ? <FirstStartImport /> : null}
      <form className="instance-form" aria-label="Add an IAM Identity Center instance" noValidate onSubmit={(event) => void submit(event)}>
        {field('startUrl', 'AWS access portal URL', { placeholder: 'https://d-1234567890.awsapps.com/start', type: 'url' })}
        <div className="field-row">
          {field('region', 'Region', { placeholder: 'us-east-1', list: `${id}-regions` })}
          {field('label', 'Name (optional)', { placeholder: 'Work' })}
        </div>
        <datalist id={`${id}-regions`}>
          {allRegions.map((region) => (
            <option key={region} value={region} />
          ))}
        </datalist>
        <details className="advanced">
          <summary>Advanced</summary>
          {field('endpoint', 'Endpoint override', {
            placeholder: 'http://127.0.0.1:4510',
            hint: 'One base URL for OIDC, portal and federation — the local emulator.',
          })}
        </details>
        {serverError ? (
          <p className="form-error" role="alert">
            {serverError}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add instance'}
          </button>
        </div>
      </form>
    </>
  );
};
