import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, serverHarness, type ServerHarness } from './harness.js';

/** Every error is an RFC 9457 document: type, title, status, detail, instance; never a stack. */
function expectProblem(
  response: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
) {
  expect(response.statusCode).toBe(status);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(response.body) as Record<string, unknown>;
  expect(problem).toMatchObject({ type: 'about:blank', status });
  expect(typeof problem.title).toBe('string');
  expect(typeof problem.detail).toBe('string');
  expect(response.body).not.toMatch(/\bat .+\(.*:\d+:\d+\)|node_modules|\.ts:\d+/);
  return problem;
}

describe('problem details', () => {
  let h: ServerHarness;
  let admin: string;
  beforeEach(async () => {
    h = await serverHarness({ bodyLimit: 4096 });
    admin = await h.token('user:admin');
  });
  afterEach(async () => h.close());

  it('400 names the field at fault (zod)', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/v1/runs?limit=0', headers: bearer(admin) });
    const problem = expectProblem(response, 400);
    expect(problem.field).toBe('querystring.limit');
  });

  it('400 names a body field', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: bearer(admin),
      payload: { subject: 'alice' },
    });
    const problem = expectProblem(response, 400);
    expect(problem.field).toBe('body.subject');
    expect(String(problem.detail)).toContain('user:<name>');
  });

  it('400 for a body that is not JSON', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      payload: '{"subject": ',
    });
    expect(expectProblem(response, 400).detail).toContain('not valid JSON');
  });

  it('401 without a token, with WWW-Authenticate', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/v1/runs' });
    expectProblem(response, 401);
    expect(response.headers['www-authenticate']).toContain('Bearer');
  });

  it('403 names the subject and the permission', async () => {
    const viewer = await h.token('user:viewer');
    const response = await h.app.inject({ method: 'GET', url: '/v1/tokens', headers: bearer(viewer) });
    const problem = expectProblem(response, 403);
    expect(problem.permission).toBe('access:admin');
    expect(String(problem.detail)).toContain('user:viewer');
  });

  it('404 for an unknown route and an unknown run', async () => {
    expectProblem(await h.app.inject({ method: 'GET', url: '/v1/nothing-here' }), 404);
    const response = await h.app.inject({ method: 'GET', url: '/v1/runs/run_nope', headers: bearer(admin) });
    expect(expectProblem(response, 404).detail).toContain('run_nope');
  });

  it('413 for a body over the limit', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      payload: JSON.stringify({ subject: 'user:x', description: 'x'.repeat(10_000) }),
    });
    expectProblem(response, 413);
  });

  it('415 for a body that is not JSON by content type', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { ...bearer(admin), 'content-type': 'text/xml' },
      payload: '<subject/>',
    });
    expectProblem(response, 415);
  });

  it('500 says nothing of the internals', async () => {
    const original = h.store.transaction.bind(h.store);
    h.store.transaction = () => Promise.reject(new Error('SQLITE_IOERR at /srv/secret/path.db'));
    const response = await h.app.inject({ method: 'GET', url: '/v1/runs', headers: bearer(admin) });
    const problem = expectProblem(response, 500);
    expect(String(problem.detail)).toMatch(/request id req_/);
    expect(response.body).not.toMatch(/SQLITE|secret\/path/);
    // The operator's log has the cause.
    expect(h.logs.join('')).toContain('SQLITE_IOERR');
    h.store.transaction = original;
  });
});
