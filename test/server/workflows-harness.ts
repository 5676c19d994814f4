import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { defaultCatalog } from '../../src/connectors/catalog.js';
import { loadDocument } from '../../src/core/loader/load-document.js';
import type { Config } from '../../src/core/model/config.js';
import type { Clock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { buildApp } from '../../src/server/app.js';
import { issueToken } from '../../src/server/auth/issue-token.js';
import { registerProblemHandlers } from '../../src/server/problem-details.js';
import { registerWorkflowRoutes } from '../../src/server/routes/workflows.js';
import type { ServerContext } from '../../src/server/server-context.js';
import { createServerContext } from '../../src/server/server-context-factory.js';
import { zodValidatorCompiler } from '../../src/server/zod-validation.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

export const catalog = defaultCatalog();
const examples = new URL('../../examples/', import.meta.url);

/** The quickstart's config: authors (alice, service:ci) never activate; bob reviews. */
export function examplesConfig(): Config {
  const result = loadDocument('rectify.yaml', readFileSync(new URL('rectify.yaml', examples), 'utf8'), {
    catalog,
    expect: 'Config',
  });
  if (result.document?.kind !== 'Config') throw new Error(JSON.stringify(result.diagnostics));
  return result.document.config;
}

/** The sandbox quickstart workflow in a given mode (enforce as written), and its tests. */
export function sandboxWorkflow(
  mode: 'enforce' | 'dry-run' = 'enforce',
  tweak = '',
): { content: string; tests: string } {
  const content = readFileSync(new URL('workflows/sandbox-public-bucket.yaml', examples), 'utf8')
    .replace('mode: enforce', `mode: ${mode}`)
    .concat(tweak);
  const tests = readFileSync(new URL('workflows/sandbox-public-bucket.test.yaml', examples), 'utf8');
  return { content, tests };
}

export const sandboxName = 'sandbox-public-bucket';

export class TestClock implements Clock {
  constructor(public at = Date.parse('2026-11-27T12:00:00Z')) {}
  now(): number {
    return this.at;
  }
}

export interface WorkflowsHarness {
  readonly app: FastifyInstance;
  readonly ctx: ServerContext;
  readonly store: SqliteStore;
  readonly engine: Engine;
  readonly clock: TestClock;
  /** Authorization headers for a subject; `admin` tokens are bootstrap tokens (all permissions). */
  auth(subject: string, options?: { bootstrap?: boolean }): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * The real app (src/server/app.ts) over a real ServerContext (real authorization) and an empty
 * in-memory store. Until the app registers the workflow routes, the same pieces are assembled
 * here: zod validation, problem details, and the routes.
 */
export async function workflowsHarness(options: { storePath?: string } = {}): Promise<WorkflowsHarness> {
  const config = examplesConfig();
  const store = SqliteStore.open(options.storePath ?? ':memory:');
  const clock = new TestClock();
  const engine = await Engine.start({ store, workflows: [], connectors: new Map(), clock });
  const ctx = createServerContext({
    store,
    engine,
    config,
    configDir: '/nonexistent',
    catalog,
    connectors: new Map(),
    credentials: new Map(),
    clock,
    resolveSecret: (reference) => `resolved-${reference}`,
  });
  let app = await buildApp(ctx, { logger: false });
  if (!app.hasRoute({ method: 'GET', url: '/v1/workflows' })) {
    await app.close();
    app = Fastify({ logger: false });
    app.setValidatorCompiler(zodValidatorCompiler);
    app.setSerializerCompiler(() => (data) => JSON.stringify(data));
    registerProblemHandlers(app);
    registerWorkflowRoutes(app, ctx);
    await app.ready();
  }
  const tokens = new Map<string, string>();
  return {
    app,
    ctx,
    store,
    engine,
    clock,
    auth: async (subject, { bootstrap = false } = {}) => {
      const key = `${subject}:${bootstrap}`;
      let secret = tokens.get(key);
      if (!secret) {
        ({ secret } = await store.transaction((tx) =>
          issueToken(tx, { subject, by: 'test', now: clock.now(), expiresAt: null, bootstrap }),
        ));
        tokens.set(key, secret);
      }
      return { authorization: `Bearer ${secret}` };
    },
    close: async () => {
      await app.close();
      await engine.stop();
      await store.close();
    },
  };
}
