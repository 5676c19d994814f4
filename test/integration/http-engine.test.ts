import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { httpConnector } from '../../src/connectors/http/http-connector.js';
import type { ResolvedCredential } from '../../src/core/catalog/connector.js';
import { auditVerifies, harness, workflow, type Harness } from '../engine/helpers.js';
import { json, startLoopbackServer, type LoopbackServer } from '../connectors/http/loopback-server.js';

/**
 * The http connector driven by the ENGINE, end to end against a real HTTP server on loopback that
 * stands in for the example's key service: the leaked-key event is ingested, corroborated live,
 * the key revoked, the revocation verified, and every step is in the audit log; a failing step
 * fails the run without retrying a POST blind; the example's own `rollback: none` makes a rollback
 * on demand refused with its reason; and a variant that declares a restoring rollback is rolled
 * back for real. The only rewrite of the example is its host, pointed at the loopback server.
 */
const root = join(import.meta.dirname, '..', '..');
const token = 'kst_engine_token_0123456789abcd';
const keyId = 'key_0123456789abcdef';
let service: LoopbackServer;
const keys = new Map<string, string>();
let failRevoke = false;

beforeAll(async () => {
  service = await startLoopbackServer((request, response) => {
    if (request.headers.authorization !== `Bearer ${token}`) {
      json(response, 401, { error: 'unauthorized' });
      return;
    }
    const [, id, verb] = /^\/v1\/keys\/([a-z0-9_]+)(?:\/(revoke|restore))?$/.exec(request.url) ?? [];
    const state = id === undefined ? undefined : keys.get(id);
    if (id === undefined || state === undefined) {
      json(response, 404, { error: 'no such key' });
      return;
    }
    if (request.method === 'POST' && verb === 'revoke') {
      if (failRevoke) {
        json(response, 422, { error: 'the key service refuses: key is pinned' });
        return;
      }
      keys.set(id, 'revoked');
      json(response, 200, { id, state: 'revoked' });
      return;
    }
    if (request.method === 'POST' && verb === 'restore') {
      keys.set(id, 'active');
      json(response, 200, { id, state: 'active' });
      return;
    }
    if (request.method === 'GET' && verb === undefined) {
      json(response, 200, { id, state });
      return;
    }
    json(response, 405, { error: 'method not allowed' });
  });
});
afterAll(() => service.close());

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    expect(await auditVerifies(h)).toBe(true);
    expect(h.errors).toEqual([]);
    await h.engine.stop();
    await h.store.close();
  }
  failRevoke = false;
});

const credential = (): ResolvedCredential => ({
  name: 'key-service-revoker',
  connector: 'http',
  settings: { allowHosts: `127.0.0.1:${service.port}`, bearerToken: token, allowPlainHttp: true },
  scopes: ['http.request.get', 'http.request.send'],
});

function exampleYaml(): string {
  return readFileSync(join(root, 'examples/workflows/http-revoke-leaked-api-key.yaml'), 'utf8').replaceAll(
    'https://keys.internal.example',
    service.base,
  );
}

/** The example, but its revocation declares how to undo it: POST .../restore. */
function withRestore(yaml: string): string {
  return yaml.replace(
    /rollback:\n\s+none: true\n\s+reason: .*\n/,
    `rollback:
        action: http.request.send
        with: { method: POST, url: "${service.base}/v1/keys/\${{ event.resource.keyId }}/restore", expectStatus: [200] }
`,
  );
}

const leakedKeyEvent = (id: string) => ({
  ...(JSON.parse(
    readFileSync(join(root, 'examples/events/http-revoke-leaked-api-key.json'), 'utf8'),
  ) as object),
  id,
});

async function start(yaml: string): Promise<Harness> {
  const http = httpConnector();
  const h = await harness([workflow(yaml)], {
    engine: {
      connectors: new Map([[http.name, http]]),
      credentials: new Map([['key-service-revoker', credential()]]),
    },
  });
  harnesses.push(h);
  return h;
}

async function onlyRun(h: Harness) {
  const [run, ...more] = await h.runs();
  expect(more).toEqual([]);
  if (!run) throw new Error('no run');
  return run;
}

describe('http connector through the engine, against a key service on loopback', () => {
  it('a leaked active key is corroborated, revoked, verified revoked; every step is audited', async () => {
    keys.set(keyId, 'active');
    const h = await start(exampleYaml());
    await h.engine.ingest(leakedKeyEvent('leak-1'));
    await h.drain();
    const run = await onlyRun(h);
    expect(run).toMatchObject({ outcome: 'succeeded' });
    expect(keys.get(keyId)).toBe('revoked');
    const attempts = (await h.attempts(run.id)).map((a) => `${a.purpose}:${a.action}:${a.result?.ok}`);
    expect(attempts).toEqual([
      'corroborate:http.request.get:true',
      'step:http.request.send:true',
      'verify:http.request.get:true',
    ]);
    const audit = (await h.audit()).filter((r) => r.runId === run.id).map((r) => r.kind);
    expect(audit).toEqual(
      expect.arrayContaining(['run.created', 'action.intent', 'action.result', 'run.finished']),
    );
    expect(JSON.stringify(await h.audit())).not.toContain(token);
  });

  it('a refused revocation fails the run once (a POST is not retried blind) and changes nothing', async () => {
    keys.set(keyId, 'active');
    failRevoke = true;
    const h = await start(exampleYaml());
    await h.engine.ingest(leakedKeyEvent('leak-2'));
    await h.drain();
    const run = await onlyRun(h);
    expect(run.outcome).toBe('failed');
    expect(run.reason).toContain('422');
    expect((await h.attempts(run.id)).filter((a) => a.purpose === 'step')).toHaveLength(1);
    expect(keys.get(keyId)).toBe('active');
  });

  it("the example's `rollback: none` makes a rollback on demand refused, with its reason", async () => {
    keys.set(keyId, 'active');
    const h = await start(exampleYaml());
    await h.engine.ingest(leakedKeyEvent('leak-3'));
    await h.drain();
    const run = await onlyRun(h);
    await expect(h.engine.rollbackRun(run.id, 'user:bob')).rejects.toThrow(
      /cannot be rolled back: revoke has no undo \(a leaked key must stay revoked/,
    );
    expect(keys.get(keyId)).toBe('revoked');
  });

  it('with a declared restoring rollback, a rollback on demand restores the key for real', async () => {
    keys.set(keyId, 'active');
    const h = await start(withRestore(exampleYaml()));
    await h.engine.ingest(leakedKeyEvent('leak-4'));
    await h.drain();
    const run = await onlyRun(h);
    expect(run.outcome).toBe('succeeded');
    expect(keys.get(keyId)).toBe('revoked');
    await h.engine.rollbackRun(run.id, 'user:bob');
    await h.drain();
    expect(await h.run(run.id)).toMatchObject({ outcome: 'rolled-back' });
    expect(keys.get(keyId)).toBe('active');
    const undo = (await h.attempts(run.id)).find((a) => a.purpose === 'compensate');
    expect(undo).toMatchObject({ action: 'http.request.send', result: { ok: true } });
  });
});
