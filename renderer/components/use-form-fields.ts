import { useState } from 'react';

/**
 * The state every small form here keeps: the field values, a problem per field (checked
 * before sending), the core's refusal in its own words, and whether a request is under way.
 * Editing a field clears its problem and the refusal, so stale errors never linger.
 */
export const useFormFields = <F extends string>(initial: Record<F, string>) => {
  const [values, setValues] = useState<Record<F, string>>(initial);
  const [problems, setProblems] = useState<Partial<Record<F, string>>>({});
  const [serverError, setServerError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const set = (field: F, value: string): void => {
    setValues((current) => ({ ...current, [field]: value }));
    setProblems((current) => ({ ...current, [field]: undefined }));
    setServerError(undefined);
  };

  return { values, setValues, set, problems, setProblems, serverError, setServerError, busy, setBusy };
};
