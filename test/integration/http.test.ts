import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../src/connectors/catalog.js';
import { httpConnector } from '../../src/connectors/http/http-connector.js';
import type { ResolvedCredential } from '../../src/core/catalog/connector.js';
import type { CompiledCheck } from '../../src/core/compile/compiled-workflow.js';
import { ActionFailure } from '../../src/core/errors.js';
import { toCel } from '../../src/core/expr/values.js';
import { eventSchema } from '../../src/core/model/event.js';
import { holds, resolve } from '../../src/core/run/run-context.js';
import { loadProject } from '../../src/project/load-project.js';
import { json, startLoopbackServer, type LoopbackServer } from '../connectors/http/loopback-server.js';

/**
 * The example workflow http-revoke-leaked-api-key, end to end against a real HTTP server: its
 * corroborate check, step and verify are resolved from the sample event exactly as written, sent
 * through the http connector, and their `expect` expressions evaluated on the real responses.
 * The server stands in for `keys.internal.example`: the test points that origin at the loopback
 * server (the only rewrite), and the credential allow-lists the loopback address instead.
 */
const root = join(import.meta.dirname, '..', '..');
const token = 'kst_integration_token_0123456789';
let keyService: LoopbackServer;
const keys = new Map<string, string>();

beforeAll(async () => {
  keyService = await startLoopbackServer((request, response) => {
    if (request.headers.authorization !== `Bearer ${token}`) {
      json(response, 401, { error: 'unauthorized' });
      return;
    }
    const revoke = /^\/v1\/keys\/([a-z0-9_]+)\/revoke$/.exec(request.url);
    const read = /^\/v1\/keys\/([a-z0-9_]+)$/.exec(request.url);
    const id = revoke?.[1] ?? read?.[1];
    const state = id === undefined ? undefined : keys.get(id);
    if (id === undefined || state === undefined) {
      json(response, 404, { error: 'no such key' });
      return;
    }
    if (revoke && request.method === 'POST') {
      keys.set(id, 'revoked');
      json(response, 200, {
        id,
        state: 'revoked',
        reason: (JSON.parse(request.body) as { reason: string }).reason,
      });
      return;
    }
    if (read && request.method === 'GET') {
      json(response, 200, { id, state });
      return;
    }
    json(response, 405, { error: 'method not allowed' });
  });
});
afterAll(() => keyService.close());

async function exampleWorkflow() {
  const project = await loadProject(['examples'], { catalog: defaultCatalog(), cwd: root });
  const workflow = project.workflows.find((w) => w.name === 'http-revoke-leaked-api-key');
  if (!workflow) throw new Error('examples/workflows/http-revoke-leaked-api-key.yaml did not load');
  return workflow;
}

const event = eventSchema.parse(
  JSON.parse(readFileSync(join(root, 'examples/events/http-revoke-leaked-api-key.json'), 'utf8')),
);

describe('http connector, with the example workflow against a key service', () => {
  const http = httpConnector();
  const credential = (secret = token): ResolvedCredential => ({
    name: 'key-service-revoker',
    connector: 'http',
    settings: { allowHosts: `127.0.0.1:${keyService.port}`, bearerToken: secret, allowPlainHttp: true },
    scopes: ['http.request.get', 'http.request.send'],
  });
  const toLoopback = (params: Record<string, unknown>) => ({
    ...params,
    url: String(params.url).replace('https://keys.internal.example', keyService.base),
  });
  async function call(action: string, params: unknown, secret?: string): Promise<unknown> {
    const handler = http.handlers[action];
    if (!handler) throw new Error(`no handler for ${action}`);
    const output = await handler(toLoopback(params as Record<string, unknown>), {
      signal: AbortSignal.timeout(5000),
      credential: credential(secret),
    });
    // The engine checks every output against the catalog; so does this test.
    expect(defaultCatalog().get(action)?.output.safeParse(output).success).toBe(true);
    return output;
  }
  const params = (compiled: { params: CompiledCheck['params'] }) => {
    const resolved = resolve(compiled.params, { event: toCel(event) });
    if (!resolved.ok) throw new Error(resolved.error);
    return resolved.value;
  };
  const check = async (compiled: CompiledCheck) =>
    holds(compiled.expect, {
      event: toCel(event),
      result: toCel(await call(compiled.action.id, params(compiled))),
    });

  it('corroborates an active key, revokes it, and verifies it revoked', async () => {
    keys.set('key_0123456789abcdef', 'active');
    const workflow = await exampleWorkflow();
    const corroborate = defined(workflow.corroborate[0], 'corroborate[0]');
    const step = defined(workflow.steps[0], 'steps[0]');
    expect(await check(corroborate)).toEqual({ holds: true });

    const output = (await call(step.action.id, params(step))) as {
      status: number;
      body: { reason: string };
    };
    expect(output.status).toBe(200);
    expect(output.body.reason).toBe('leaked: found by secret-scanner');
    expect(keys.get('key_0123456789abcdef')).toBe('revoked');

    expect(await check(defined(workflow.verify, 'verify'))).toEqual({ holds: true });
    // Run again on the same event, corroboration no longer holds: nothing would be revoked twice.
    expect(await check(corroborate)).toEqual({ holds: false });
  });

  it('corroboration does not hold for a key the service does not know (404 is an expected status)', async () => {
    keys.delete('key_0123456789abcdef');
    const workflow = await exampleWorkflow();
    expect(await check(defined(workflow.corroborate[0], 'corroborate[0]'))).toEqual({ holds: false });
  });

  it('a refused token fails the step as a credentials failure, without the token in the message', async () => {
    keys.set('key_0123456789abcdef', 'active');
    const workflow = await exampleWorkflow();
    const step = defined(workflow.steps[0], 'steps[0]');
    const failure = await call(step.action.id, params(step), 'kst_expired_token_9876543210').catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ActionFailure);
    expect((failure as ActionFailure).kind).toBe('credentials');
    expect((failure as ActionFailure).message).not.toContain('kst_');
    expect(keys.get('key_0123456789abcdef')).toBe('active');
  });
});

/** The value, or a failed test naming what was missing. */
function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing`);
  return value;
}
