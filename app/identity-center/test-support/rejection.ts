import { expect } from 'vitest';
import { RolecallError } from '../../model/errors';

/** Awaits a promise that must reject with a RolecallError, and returns that error. */
export const rejection = async (promise: Promise<unknown>): Promise<RolecallError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RolecallError);
  return error as RolecallError;
};
