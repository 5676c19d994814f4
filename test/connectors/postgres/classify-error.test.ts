import { describe, expect, it } from 'vitest';
import { ActionFailure } from '../../../src/core/errors.js';
import { classifyError } from '../../../src/connectors/postgres/classify-error.js';
import { connectionTarget, redact } from '../../../src/connectors/postgres/connection-url.js';
import { credentialFor } from './pg-fixture.js';

// The conditions a test cannot cheaply make happen on a real server (a deadlock between two
// sessions, a serialization failure, a crash), classified from the SQLSTATE pg hands over.
const context = { action: 'postgres.role.get', database: 'app', credential: 'pg-x', secrets: ['s3cr3t'] };
const pgError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('classifyError', () => {
  it.each([
    ['28P01', 'credentials'],
    ['28000', 'credentials'],
    ['40001', 'retryable'],
    ['40P01', 'retryable'],
    ['53300', 'retryable'],
    ['57P01', 'retryable'],
    ['57P03', 'retryable'],
    ['08006', 'retryable'],
    ['57014', 'retryable'],
    ['ECONNRESET', 'retryable'],
    ['ETIMEDOUT', 'retryable'],
    ['42501', 'non-retryable'],
    ['42704', 'non-retryable'],
    ['42601', 'non-retryable'],
    ['3D000', 'non-retryable'],
    ['ENOTFOUND', 'non-retryable'],
  ])('%s is %s', (code, kind) => {
    expect(classifyError(pgError(code), context).kind).toBe(kind);
  });

  it("treats pg's connection messages as retryable and SASL refusals as credentials", () => {
    expect(classifyError(new Error('Connection terminated unexpectedly'), context).kind).toBe('retryable');
    expect(classifyError(new Error('timeout exceeded when trying to connect'), context).kind).toBe(
      'retryable',
    );
    expect(
      classifyError(new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'), context)
        .kind,
    ).toBe('credentials');
  });

  it('names the failing action and database, and removes every secret', () => {
    const failure = classifyError(pgError('XX000', 'something about s3cr3t happened'), context);
    expect(failure.message).toBe(
      'postgres.role.get on database app (credential pg-x) failed: something about *** happened [SQLSTATE XX000]',
    );
    const passed = classifyError(new ActionFailure('s3cr3t leaked', 'retryable'), context);
    expect(passed).toMatchObject({ kind: 'retryable', message: '*** leaked' });
  });

  it('describes an AggregateError (every address refused), whose message is empty', () => {
    const error = Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' });
    expect(classifyError(error, context).message).toMatch(
      /failed: cannot reach the server \(ECONNREFUSED\)$/,
    );
  });
});

describe('connectionTarget', () => {
  it('replaces the database and lists the password, raw and decoded, as secrets', () => {
    const target = connectionTarget(
      credentialFor('postgres://app:p%40ss%2Fw@db.internal:5432/main?sslmode=require'),
      'other db',
    );
    expect(target.url).toBe('postgres://app:p%40ss%2Fw@db.internal:5432/other%20db?sslmode=require');
    expect(target.database).toBe('other db');
    expect(target.secrets).toEqual(expect.arrayContaining(['p%40ss%2Fw', 'p@ss/w']));
    expect(redact(`could not log in with p@ss/w to ${target.url}`, target.secrets)).toBe(
      'could not log in with *** to ***',
    );
  });

  it("keeps the URL's database, or the user name as PostgreSQL does when there is none", () => {
    expect(connectionTarget(credentialFor('postgres://app@db/main')).database).toBe('main');
    expect(connectionTarget(credentialFor('postgresql://app@db')).database).toBe('app');
  });
});
