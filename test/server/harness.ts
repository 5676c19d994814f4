import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { defaultCatalog } from '../../src/connectors/catalog.js';
import { sandboxConnector, type SandboxConnector } from '../../src/connectors/sandbox/sandbox-connector.js';
import { SandboxWorld } from '../../src/connectors/sandbox/sandbox-world.js';
import type { CompiledWorkflow } from '../../src/core/compile/compiled-workflow.js';
import { loadDocument } from '../../src/core/loader/load-document.js';
import type { Config } from '../../src/core/model/config.js';
import type { Clock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { buildApp } from '../../src/server/app.js';
import { createMetrics, engineObserver } from '../../src/server/metrics.js';
import { issueToken } from '../../src/server/auth/issue-token.js';
import { resolveCredentials, secretResolver } from '../../src/server/resolve-secrets.js';
import type { ServerContext } from '../../src/server/server-context.js';
import { createServerContext } from '../../src/server/server-context-factory.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

export const catalog = defaultCatalog();

/** Canary secret values: a test asserts none ever leaves the process. */
export const canaries = {
  SOURCE_TOKEN: 'canary-source-token-7f3a9c1e55',
  HMAC_SECRET: 'canary-hmac-secret-0b9d2e4471',
  CRED_KEY: 'canary-credential-key-c4e8a2f913',
  SLACK_URL: 'https://hooks.slack.example/canary-slack-path-93ab7e',
} as const;

export const testEnv: NodeJS.ProcessEnv = {
  CANARY_SOURCE_TOKEN: canaries.SOURCE_TOKEN,
  CANARY_HMAC_SECRET: canaries.HMAC_SECRET,
  CANARY_CRED_KEY: canaries.CRED_KEY,
  CANARY_SLACK_URL: canaries.SLACK_URL,
};

export const configYaml = `
apiVersion: rectify.dev/v1
kind: Config
store: "sqlite::memory:"
sources:
  - name: sandbox
    type: webhook
    format: generic
    auth: { bearer: env:CANARY_SOURCE_TOKEN }
  - name: signed
    type: webhook
    format: generic
    auth: { hmac: { secret: env:CANARY_HMAC_SECRET } }
  - name: unset
    type: webhook
    format: generic
    auth: { bearer: env:CANARY_NEVER_SET }
credentials:
  - name: sandbox-remediator
    connector: sandbox
    with: { apiKey: env:CANARY_CRED_KEY }
    scopes: [sandbox.bucket.get, sandbox.bucket.set-access]
channels:
  - name: slack
    type: slack
    url: env:CANARY_SLACK_URL
access:
  roles:
    - name: pg-oncall
      allow: [runs:read, runs:approve, runs:start, runs:cancel, control:pause, workflows:read]
      workflows: { labels: { system: postgres } }
  bindings:
    - { subject: user:viewer, roles: [viewer] }
    - { subject: user:responder, roles: [responder] }
    - { subject: user:operator, roles: [operator] }
    - { subject: user:operator2, roles: [operator] }
    - { subject: user:author, roles: [author] }
    - { subject: user:reviewer, roles: [reviewer] }
    - { subject: user:admin, roles: [admin] }
    - { subject: user:scoped, roles: [pg-oncall] }
`;

/** A sandbox workflow; `labels` and `approval` vary by test. */
export function workflowYaml(name: string, labels: string, approval: 'always' | 'never'): string {
  return `
apiVersion: rectify.dev/v1
kind: Workflow
metadata:
  name: ${name}
  owner: team:security
  description: Make a public sandbox bucket private.
  reviewBy: 2027-04-30
  labels: ${labels}
spec:
  mode: enforce
  credentials: sandbox-remediator
  trigger:
    source: sandbox
    types: [sandbox.bucket.public]
    match: event.data.workflow == "${name}"
  approval:
    when: ${approval}
    approvers: [role:responder, role:operator, role:admin, role:pg-oncall]
    timeout: 1h
    onTimeout: abort
  steps:
    - id: make-private
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
`;
}

export function compile(yaml: string): CompiledWorkflow {
  const result = loadDocument('test.yaml', yaml, { catalog });
  if (result.document?.kind !== 'Workflow') throw new Error(JSON.stringify(result.diagnostics, null, 1));
  return result.document.workflow;
}

export function loadConfig(yaml: string = configYaml): Config {
  const result = loadDocument('rectify.yaml', yaml, { catalog, expect: 'Config' });
  if (result.document?.kind !== 'Config') throw new Error(JSON.stringify(result.diagnostics, null, 1));
  return result.document.config;
}

export class ManualClock implements Clock {
  constructor(public at = Date.parse('2026-11-27T12:00:00Z')) {}
  now(): number {
    return this.at;
  }
}

export interface ServerHarness {
  app: FastifyInstance;
  ctx: ServerContext;
  store: SqliteStore;
  engine: Engine;
  clock: ManualClock;
  sandbox: SandboxConnector;
  /** Every log line the app wrote. */
  logs: string[];
  /** A fresh token for a subject (admin of the store made it). */
  token(subject: string, options?: { expiresInMs?: number; bootstrap?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/** The workflows of the matrix: one labelled `system: postgres` (the scoped role's), one not. */
export const pgWorkflow = 'pg-bucket';
export const otherWorkflow = 'web-bucket';

export async function serverHarness(
  options: { config?: Config; workflows?: CompiledWorkflow[]; bodyLimit?: number } = {},
): Promise<ServerHarness> {
  const config = options.config ?? loadConfig();
  const store = SqliteStore.open(':memory:');
  const clock = new ManualClock();
  const world = new SandboxWorld({
    buckets: {
      'demo-a': { access: 'public' },
      'demo-b': { access: 'public' },
      'demo-c': { access: 'public' },
    },
  });
  const sandbox = sandboxConnector(world);
  const resolveSecret = secretResolver(testEnv, '/nonexistent');
  const { credentials } = resolveCredentials(config, resolveSecret);
  const workflows = options.workflows ?? [
    compile(workflowYaml(pgWorkflow, '{ system: postgres }', 'always')),
    compile(workflowYaml(otherWorkflow, '{ system: web }', 'always')),
  ];
  const connectors = new Map([[sandbox.name, sandbox]]);
  const holder: { engine?: Engine } = {};
  const metrics = createMetrics({
    store,
    clock,
    killSwitch: false,
    sources: config.sources.map((s) => s.name),
    channels: config.channels.map((c) => c.name),
    workflows: () => holder.engine?.activeWorkflows().map((w) => w.name) ?? [],
  });
  const engine = await Engine.start({
    store,
    workflows,
    connectors,
    clock,
    credentials,
    observer: engineObserver(metrics),
  });
  holder.engine = engine;
  const ctx = createServerContext({
    metrics,
    store,
    engine,
    config,
    configDir: '/nonexistent',
    catalog,
    connectors,
    credentials,
    clock,
    resolveSecret,
  });
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString());
      callback();
    },
  });
  const app = await buildApp(ctx, {
    logger: { level: 'debug', stream: { write: (line) => stream.write(line) } },
    ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
  });
  return {
    app,
    ctx,
    store,
    engine,
    clock,
    sandbox,
    logs,
    token: async (subject, tokenOptions = {}) => {
      const { secret } = await store.transaction((tx) =>
        issueToken(tx, {
          subject,
          by: 'test',
          now: clock.now(),
          expiresAt: tokenOptions.expiresInMs === undefined ? null : clock.now() + tokenOptions.expiresInMs,
          bootstrap: tokenOptions.bootstrap ?? false,
        }),
      );
      return secret;
    },
    close: async () => {
      await app.close();
      await engine.stop();
      await store.close();
    },
  };
}

/** A sandbox event for one of the matrix's workflows. */
export function bucketEvent(workflow: string, id: string, bucket = 'demo-a'): Record<string, unknown> {
  return {
    id,
    source: 'sandbox',
    type: 'sandbox.bucket.public',
    time: '2026-11-27T11:59:00Z',
    severity: 'high',
    resource: { id: `sandbox://bucket/${bucket}`, kind: 'sandbox.bucket', bucket },
    data: { workflow, access: 'public' },
  };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
