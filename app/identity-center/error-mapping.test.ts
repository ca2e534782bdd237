import { ResourceNotFoundException, SSOServiceException } from '@aws-sdk/client-sso';
import { describe, expect, it } from 'vitest';
import { RolecallError } from '../model/errors';
import { isNotFound, toRolecallError } from './error-mapping';

/** What the SDK v3 throws for the portal's 403 (not in the model: a generic service exception with the wire name). */
const forbidden = () =>
  new SSOServiceException({ name: 'ForbiddenException', $fault: 'client', message: 'No access', $metadata: { httpStatusCode: 403 } });

describe('toRolecallError', () => {
  it('maps the portal\'s ForbiddenException "No access" like a role no longer assigned, in one sentence', () => {
    const mapped = toRolecallError(forbidden(), 'get credentials for 111122223333 / AdministratorAccess');
    expect(mapped).toBeInstanceOf(RolecallError);
    expect(mapped.code).toBe('not-assigned');
    expect(mapped.message).toBe('That account or role is no longer assigned to you; refresh the account list.');
    expect(mapped.message.split(/[.;!?]\s/).length).toBeLessThanOrEqual(2);
    expect(mapped.cause).toBeInstanceOf(SSOServiceException);
  });

  it('maps ResourceNotFoundException the same way, while only ResourceNotFound counts as "not found" for the sync', () => {
    const notFound = new ResourceNotFoundException({ message: 'No access', $metadata: { httpStatusCode: 404 } });
    expect(toRolecallError(notFound).code).toBe('not-assigned');
    expect(isNotFound(notFound)).toBe(true);
    expect(isNotFound(forbidden())).toBe(false);
  });
});
