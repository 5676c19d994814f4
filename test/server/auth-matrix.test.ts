import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/audit-record.js';
import { builtInRolePermissions } from '../../src/core/access/built-in-roles.js';
import { builtInRoles, type Permission } from '../../src/core/types.js';
import {
  bearer,
  bucketEvent,
  otherWorkflow,
  pgWorkflow,
  serverHarness,
  type ServerHarness,
} from './harness.js';

/**
 * The authorisation matrix: every route x every built-in role x a label-scoped custom role x the
 * bootstrap admin x no token. "Allowed" means the request got past authorisation (any answer but
 * 401/403: a 404 or 409 is the route's own answer); "denied" is 401 without a token, 403 with one.
 */
type Scope = 'global' | 'pg' | 'other';

interface Fixture {
  runs: Record<'approve' | 'reject' | 'cancel' | 'read', Record<'pg' | 'other', string>>;
}

interface RouteCase {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: (f: Fixture) => string;
  readonly permission: Permission;
  /** What the permission is asked on: every workflow, or the pg (label system: postgres) or other workflow. */
  readonly scope: Scope;
  readonly body?: (subject: string, n: number) => unknown;
}

const table: readonly RouteCase[] = [
  { method: 'GET', url: () => '/v1/runs', permission: 'runs:read', scope: 'global' },
  { method: 'GET', url: () => `/v1/runs?workflow=${pgWorkflow}`, permission: 'runs:read', scope: 'pg' },
  { method: 'GET', url: () => `/v1/runs?workflow=${otherWorkflow}`, permission: 'runs:read', scope: 'other' },
  { method: 'GET', url: (f) => `/v1/runs/${f.runs.read.pg}`, permission: 'runs:read', scope: 'pg' },
  { method: 'GET', url: (f) => `/v1/runs/${f.runs.read.other}`, permission: 'runs:read', scope: 'other' },
  { method: 'GET', url: () => '/v1/runs/run_missing', permission: 'runs:read', scope: 'global' },
  {
    method: 'POST',
    url: () => '/v1/runs',
    permission: 'runs:start',
    scope: 'pg',
    body: (s, n) => ({ workflow: pgWorkflow, event: bucketEvent(pgWorkflow, `manual-${s}-${n}`, 'demo-c') }),
  },
  {
    method: 'POST',
    url: () => '/v1/runs',
    permission: 'runs:start',
    scope: 'other',
    body: (s, n) => ({
      workflow: otherWorkflow,
      event: bucketEvent(otherWorkflow, `manual-${s}-${n}`, 'demo-c'),
    }),
  },
  {
    method: 'POST',
    url: (f) => `/v1/runs/${f.runs.approve.pg}/approve`,
    permission: 'runs:approve',
    scope: 'pg',
    body: () => ({}),
  },
  {
    method: 'POST',
    url: (f) => `/v1/runs/${f.runs.approve.other}/approve`,
    permission: 'runs:approve',
    scope: 'other',
    body: () => ({}),
  },
  {
    method: 'POST',
    url: (f) => `/v1/runs/${f.runs.reject.pg}/reject`,
    permission: 'runs:approve',
    scope: 'pg',
    body: () => ({}),
  },
  {
    method: 'POST',
    url: (f) => `/v1/runs/${f.runs.reject.other}/reject`,
    permission: 'runs:approve',
    scope: 'other',
    body: () => ({}),
  },
  {
    method: 'POST',
    url: (f) => `/v1/runs/${f.runs.cancel.pg}/cancel`,
    permission: 'runs:cancel',
    scope: 'pg',
  },
  {
    method: 'POST',
    url: (f) => `/v1/runs/${f.runs.cancel.other}/cancel`,
    permission: 'runs:cancel',
    scope: 'other',
  },
  {
    method: 'POST',
    url: (f) => `/v1/runs/${f.runs.read.pg}/rollback`,
    permission: 'runs:start',
    scope: 'pg',
  },
  {
    method: 'POST',
    url: () => `/v1/workflows/${pgWorkflow}/pause`,
    permission: 'control:pause',
    scope: 'pg',
    body: () => ({}),
  },
  {
    method: 'POST',
    url: () => `/v1/workflows/${pgWorkflow}/resume`,
    permission: 'control:pause',
    scope: 'pg',
    body: () => ({}),
  },
  {
    method: 'POST',
    url: () => `/v1/workflows/${otherWorkflow}/pause`,
    permission: 'control:pause',
    scope: 'other',
    body: () => ({}),
  },
  { method: 'GET', url: () => '/v1/control', permission: 'workflows:read', scope: 'global' },
  {
    method: 'PUT',
    url: () => '/v1/control/kill-switch',
    permission: 'control:pause',
    scope: 'global',
    body: () => ({ on: false }),
  },
  { method: 'GET', url: () => '/v1/tokens', permission: 'access:admin', scope: 'global' },
  {
    method: 'POST',
    url: () => '/v1/tokens',
    permission: 'access:admin',
    scope: 'global',
    body: () => ({ subject: 'user:new' }),
  },
  { method: 'DELETE', url: () => '/v1/tokens/tok_00000000', permission: 'access:admin', scope: 'global' },
  // Another module's route (src/server/routes/workflows.ts), with a known permission.
  { method: 'GET', url: () => '/v1/workflows', permission: 'workflows:read', scope: 'global' },
];

/** The custom role of the harness config: `pg-oncall`, scoped to `labels: { system: postgres }`. */
const scopedAllow: readonly Permission[] = [
  'runs:read',
  'runs:approve',
  'runs:start',
  'runs:cancel',
  'control:pause',
  'workflows:read',
];

type Who = (typeof builtInRoles)[number] | 'scoped' | 'bootstrap' | 'anonymous';
const everyone: readonly Who[] = [...builtInRoles, 'scoped', 'bootstrap', 'anonymous'];

function expected(who: Who, route: RouteCase): 'allow' | 401 | 403 {
  if (who === 'anonymous') return 401;
  if (who === 'bootstrap') return 'allow';
  if (who === 'scoped') return route.scope === 'pg' && scopedAllow.includes(route.permission) ? 'allow' : 403;
  return builtInRolePermissions[who].includes(route.permission) ? 'allow' : 403;
}

describe('authorisation matrix', () => {
  let h: ServerHarness;
  let fixture: Fixture;
  const tokens = new Map<Who, string>();
  let auditSeen = 0;

  beforeAll(async () => {
    h = await serverHarness();
    for (const role of builtInRoles) tokens.set(role, await h.token(`user:${role}`));
    tokens.set('scoped', await h.token('user:scoped'));
    // Bound to nothing in the config: the bootstrap flag alone makes it an admin.
    tokens.set('bootstrap', await h.token('user:root', { bootstrap: true }));
    const runOf = async (workflow: string, id: string): Promise<string> => {
      const result = await h.engine.ingest(bucketEvent(workflow, id));
      await h.engine.idle();
      if (result.status !== 'accepted' || !result.runs[0]) throw new Error(JSON.stringify(result));
      return result.runs[0].runId;
    };
    const pair = async (label: string) => ({
      pg: await runOf(pgWorkflow, `${label}-pg`),
      other: await runOf(otherWorkflow, `${label}-other`),
    });
    fixture = {
      runs: {
        approve: await pair('approve'),
        reject: await pair('reject'),
        cancel: await pair('cancel'),
        read: await pair('read'),
      },
    };
    const run = await h.store.transaction((tx) => tx.getRun(fixture.runs.approve.pg));
    expect(run?.status).toBe('awaiting_approval');
    auditSeen = (await h.store.transaction((tx) => tx.auditRecords(0, 100_000))).length;
  });
  afterAll(async () => h.close());

  let n = 0;
  for (const route of table) {
    for (const who of everyone) {
      const want = expected(who, route);
      it(`${route.method} ${route.url({ runs: { approve: { pg: ':pg', other: ':other' }, reject: { pg: ':pg', other: ':other' }, cancel: { pg: ':pg', other: ':other' }, read: { pg: ':pg', other: ':other' } } })} as ${who}: ${want}`, async () => {
        const token = tokens.get(who);
        const body = route.body?.(who, n++);
        const response = await h.app.inject({
          method: route.method,
          url: route.url(fixture),
          headers: token ? bearer(token) : {},
          ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
        });
        if (want === 'allow') expect([401, 403], response.body).not.toContain(response.statusCode);
        else expect(response.statusCode, response.body).toBe(want);
        // Every decision is audited, with the route and the permission, never the token.
        const records = await h.store.transaction((tx) => tx.auditRecords(auditSeen, 100_000));
        auditSeen += records.length;
        const decisions = records.filter(
          (r: AuditRecord) => r.kind === 'access.allowed' || r.kind === 'access.denied',
        );
        expect(decisions.length).toBeGreaterThanOrEqual(1);
        const decision = decisions.find((r) => r.data.permission === route.permission);
        expect(decision, JSON.stringify(decisions)).toBeDefined();
        expect(decision?.kind).toBe(want === 'allow' ? 'access.allowed' : 'access.denied');
        expect(decision?.data.subject).toBe(
          who === 'anonymous'
            ? null
            : who === 'bootstrap'
              ? 'user:root'
              : who === 'scoped'
                ? 'user:scoped'
                : `user:${who}`,
        );
        expect(String(decision?.data.route)).toMatch(new RegExp(`^${route.method} /`));
        expect(JSON.stringify(records)).not.toMatch(/rfy_/);
      });
    }
  }

  it('every route of the app refuses a request without a token, except those that declare no security', async () => {
    const document = JSON.parse((await h.app.inject({ method: 'GET', url: '/v1/openapi.json' })).body) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const checked: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        // Sources authenticate themselves (their own bearer or HMAC), not with API tokens.
        if (operation.security?.length === 0 || path.startsWith('/v1/sources/')) continue;
        const url = path.replace(/\{[^}]+\}/g, 'x-placeholder');
        const response = await h.app.inject({
          method: method.toUpperCase() as 'GET',
          url,
          payload: method === 'get' ? undefined : {},
        });
        checked.push(`${method} ${path}`);
        // 400 only when the params cannot even be read; never a success without a token.
        expect([400, 401], `${method} ${path}: ${response.body}`).toContain(response.statusCode);
      }
    }
    expect(checked.length).toBeGreaterThan(15);
  });

  it('the bootstrap admin passes every route', async () => {
    const document = JSON.parse((await h.app.inject({ method: 'GET', url: '/v1/openapi.json' })).body) as {
      paths: Record<string, Record<string, unknown>>;
    };
    for (const [path, operations] of Object.entries(document.paths)) {
      if (path.startsWith('/v1/sources/')) continue;
      for (const method of Object.keys(operations)) {
        if (method !== 'get') continue;
        const url = path.replace(/\{[^}]+\}/g, 'x-placeholder');
        const response = await h.app.inject({
          method: 'GET',
          url,
          headers: bearer(tokens.get('bootstrap') ?? ''),
        });
        expect([401, 403], `${path}: ${response.body}`).not.toContain(response.statusCode);
      }
    }
  });
});
