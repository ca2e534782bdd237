import * as z from '../model/zod-mini';
import { RolecallError } from '../model/errors';

/** A zod failure on command-line options as one sentence naming the option. */
export const invalidOptions = (error: z.core.$ZodError): RolecallError => {
  const issue = error.issues[0];
  const option = issue?.path.length ? `--${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : 'options';
  return new RolecallError('invalid-input', `Invalid ${option}: ${issue?.message ?? 'not valid'}.`);
};

/** Parses command options with a schema (classic zod or zod/mini), turning failures into one clear sentence. */
export const parseOptions = <T extends z.core.$ZodType>(schema: T, raw: unknown): z.output<T> => {
  const parsed = z.safeParse(schema, raw);
  if (!parsed.success) throw invalidOptions(parsed.error);
  return parsed.data;
};
