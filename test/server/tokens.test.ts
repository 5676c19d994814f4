import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureBootstrapToken } from '../../src/server/auth/bootstrap-token.js';
import { hashToken } from '../../src/server/auth/token-secret.js';
import { bearer, loadConfig, serverHarness, type ServerHarness } from './harness.js';

describe('tokens', () => {
  let h: ServerHarness;
  let admin: string;
  beforeEach(async () => {
    h = await serverHarness();
    admin = await h.token('user:admin');
  });
  afterEach(async () => h.close());

  it('creates a token shown once, stores only its hash, lists it without secret or hash', async () => {
    const created = await h.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: bearer(admin),
      payload: { subject: 'user:viewer', expires: '30d' },
    });
    expect(created.statusCode).toBe(201);
    const body = JSON.parse(created.body) as { id: string; token: string; expiresAt: string };
    expect(body.token).toMatch(/^rfy_[A-Za-z0-9_-]{43}$/);
    expect(body.expiresAt).toBe(new Date(h.clock.now() + 30 * 86_400_000).toISOString());
    const row = await h.store.transaction((tx) => tx.tokens.getToken(body.id));
    expect(row?.hash).toBe(hashToken(body.token));
    expect(JSON.stringify(row)).not.toContain(body.token);

    const works = await h.app.inject({ method: 'GET', url: '/v1/runs', headers: bearer(body.token) });
    expect(works.statusCode).toBe(200);
    const listed = await h.app.inject({ method: 'GET', url: '/v1/tokens', headers: bearer(admin) });
    expect(listed.body).not.toContain(body.token);
    expect(listed.body).not.toContain(row?.hash ?? 'x');
    const entry = (
      JSON.parse(listed.body) as { tokens: { id: string; lastUsedAt: string | null }[] }
    ).tokens.find((t) => t.id === body.id);
    expect(entry?.lastUsedAt).toBe(new Date(h.clock.now()).toISOString());
  });

  it('refuses an expired token (401) and audits it', async () => {
    const token = await h.token('user:viewer', { expiresInMs: 60_000 });
    expect((await h.app.inject({ method: 'GET', url: '/v1/runs', headers: bearer(token) })).statusCode).toBe(
      200,
    );
    h.clock.at += 60_001;
    const refused = await h.app.inject({ method: 'GET', url: '/v1/runs', headers: bearer(token) });
    expect(refused.statusCode).toBe(401);
    expect(refused.body).toContain('expired');
    const records = await h.store.transaction((tx) => tx.auditRecords(0, 10_000));
    const denied = records.filter((r) => r.kind === 'access.denied');
    expect(denied.at(-1)?.data).toMatchObject({
      subject: 'user:viewer',
      permission: 'runs:read',
      status: 401,
    });
  });

  it('refuses a revoked token; revoking twice is a 409, an unknown id a 404', async () => {
    const token = await h.token('user:viewer');
    const id = (await h.store.transaction((tx) => tx.tokens.tokenByHash(hashToken(token))))?.id ?? '';
    const revoked = await h.app.inject({ method: 'DELETE', url: `/v1/tokens/${id}`, headers: bearer(admin) });
    expect(revoked.statusCode).toBe(200);
    const refused = await h.app.inject({ method: 'GET', url: '/v1/runs', headers: bearer(token) });
    expect(refused.statusCode).toBe(401);
    expect(refused.body).toContain('revoked');
    expect(
      (await h.app.inject({ method: 'DELETE', url: `/v1/tokens/${id}`, headers: bearer(admin) })).statusCode,
    ).toBe(409);
    expect(
      (await h.app.inject({ method: 'DELETE', url: '/v1/tokens/tok_0123', headers: bearer(admin) }))
        .statusCode,
    ).toBe(404);
  });

  it('refuses unknown and malformed tokens with 401', async () => {
    for (const header of ['Bearer rfy_notarealtokennotarealtoken00', 'Basic dXNlcjpwYXNz', 'Bearer', '']) {
      const response = await h.app.inject({
        method: 'GET',
        url: '/v1/runs',
        headers: { authorization: header },
      });
      expect(response.statusCode, header).toBe(401);
    }
  });

  it('bootstrap: the first start makes an admin token for the subject bound to admin, once', async () => {
    const config = loadConfig();
    const first = await ensureBootstrapToken(h.store, config, h.clock.now(), undefined);
    expect(first.kind).toBe('created');
    if (first.kind !== 'created') return;
    expect(first.subject).toBe('user:admin');
    expect((await ensureBootstrapToken(h.store, config, h.clock.now(), undefined)).kind).toBe('exists');
    const response = await h.app.inject({ method: 'GET', url: '/v1/tokens', headers: bearer(first.secret) });
    expect(response.statusCode).toBe(200);
  });

  it('bootstrap: RECTIFY_BOOTSTRAP_TOKEN is stored as a bootstrap admin even for an unbound subject', async () => {
    const config = loadConfig(
      'apiVersion: rectify.dev/v1\nkind: Config\n', // no bindings at all: user:admin holds nothing by config
    );
    const secret = 'rfy_operator-chosen-bootstrap-token-0001';
    const result = await ensureBootstrapToken(h.store, config, h.clock.now(), secret);
    expect(result).toMatchObject({ kind: 'from-env', subject: 'user:admin' });
    expect((await ensureBootstrapToken(h.store, config, h.clock.now(), secret)).kind).toBe('from-env');
    const row = await h.store.transaction((tx) => tx.tokens.tokenByHash(hashToken(secret)));
    expect(row?.bootstrap).toBe(true);
    await expect(ensureBootstrapToken(h.store, config, h.clock.now(), 'hunter2')).rejects.toThrow(
      /RECTIFY_BOOTSTRAP_TOKEN must look like/,
    );
  });
});
