import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, bucketEvent, canaries, pgWorkflow, serverHarness, type ServerHarness } from './harness.js';

/**
 * Secrets canary: the config's credentials, source auth and channels are `env:` references whose
 * values are canaries. After the API has been exercised (successes, refusals, errors), no canary
 * and no API token appears in any log line, response or audit record.
 */
describe('secrets canary', () => {
  let metricsText = '';
  let h: ServerHarness;
  const bodies: string[] = [];
  const tokens: string[] = [];

  beforeAll(async () => {
    h = await serverHarness();
    const admin = await h.token('user:admin');
    const operator = await h.token('user:operator');
    tokens.push(admin, operator);
    const call = async (options: InjectOptions) => {
      const response = await h.app.inject(options);
      bodies.push(JSON.stringify(response.headers), response.body);
      return response;
    };
    const created = await call({
      method: 'POST',
      url: '/v1/tokens',
      headers: bearer(admin),
      payload: { subject: 'user:viewer' },
    });
    const fresh = (JSON.parse(created.body) as { token: string }).token;
    tokens.push(fresh);
    // The answer that creates a token is the one place its secret may appear: once.
    bodies.pop();
    await call({ method: 'GET', url: '/v1/tokens', headers: bearer(admin) });
    await call({ method: 'GET', url: '/v1/runs', headers: bearer(fresh) });
    await call({
      method: 'GET',
      url: '/v1/runs',
      headers: { authorization: `Bearer ${canaries.SOURCE_TOKEN}` },
    });
    await call({ method: 'GET', url: `/v1/runs?token=${canaries.CRED_KEY}`, headers: bearer(operator) });
    const started = await call({
      method: 'POST',
      url: '/v1/runs',
      headers: bearer(operator),
      payload: { workflow: pgWorkflow, event: bucketEvent(pgWorkflow, 'canary-1') },
    });
    await h.engine.idle();
    const runId = (JSON.parse(started.body) as { runs: { runId: string }[] }).runs[0]?.runId ?? '';
    await call({ method: 'GET', url: `/v1/runs/${runId}`, headers: bearer(operator) });
    await call({ method: 'POST', url: `/v1/runs/${runId}/approve`, headers: bearer(admin), payload: {} });
    await h.engine.idle();
    // Sources: right and wrong source tokens, a signed source without a signature, a source whose secret is unset.
    await call({
      method: 'POST',
      url: '/v1/sources/sandbox/events',
      headers: bearer(canaries.SOURCE_TOKEN),
      payload: bucketEvent(pgWorkflow, 'canary-2'),
    });
    await call({
      method: 'POST',
      url: '/v1/sources/sandbox/events',
      headers: bearer(`${canaries.SOURCE_TOKEN}x`),
      payload: bucketEvent(pgWorkflow, 'canary-3'),
    });
    await call({ method: 'POST', url: '/v1/sources/signed/events', payload: { id: 'x' } });
    await call({
      method: 'POST',
      url: '/v1/sources/unset/events',
      headers: bearer('whatever-token-value'),
      payload: {},
    });
    await call({ method: 'GET', url: '/v1/openapi.json' });
    await h.engine.idle();
    metricsText = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
  });
  afterAll(async () => h.close());

  const secrets = (): string[] => [...Object.values(canaries), ...tokens];

  it('never in /metrics (which did count the requests)', () => {
    expect(metricsText).toContain('rectify_events_total');
    expect(metricsText).toContain('rectify_runs_total');
    for (const secret of secrets()) expect(metricsText).not.toContain(secret);
  });

  it('never in a response', () => {
    const all = bodies.join('\n');
    for (const secret of secrets()) expect(all).not.toContain(secret);
  });

  it('never in a log line (and the log did record the requests)', () => {
    const all = h.logs.join('');
    expect(all).toContain('"url":"/v1/runs"');
    for (const secret of secrets()) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/rfy_[A-Za-z0-9_-]{20,}/);
  });

  it('never in an audit record', async () => {
    const records = JSON.stringify(await h.store.transaction((tx) => tx.auditRecords(0, 100_000)));
    expect(records).toContain('access.allowed');
    for (const secret of secrets()) expect(records).not.toContain(secret);
  });
});
