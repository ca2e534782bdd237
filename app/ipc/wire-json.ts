/**
 * Reading what arrives over a wire (the `rolecall web` bridge on the page, the agent socket on
 * the client): JSON that must be an object, and the `{ok, …}` / `{ok: false, error: {code,
 * message}}` answer shape both carry.
 */

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The parsed object, or undefined for text that is not JSON or not a JSON object. */
export const parseJsonRecord = (raw: string): Record<string, unknown> | undefined => {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  return isRecord(value) ? value : undefined;
};

/** The error of a failed answer, when `value` is one: `{ok: false, error: {code, message}}`. */
export const answerError = (value: Record<string, unknown>): { readonly code: string; readonly message: string } | undefined =>
  value.ok === false && isRecord(value.error) && typeof value.error.code === 'string' && typeof value.error.message === 'string'
    ? { code: value.error.code, message: value.error.message }
    : undefined;
