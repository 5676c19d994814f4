import { defaultCatalog } from '../../src/connectors/catalog.js';
import { sandboxConnector, type SandboxConnector } from '../../src/connectors/sandbox/sandbox-connector.js';
import { SandboxWorld, type SandboxSeed } from '../../src/connectors/sandbox/sandbox-world.js';
import type { SandboxFaults } from '../../src/connectors/sandbox/faults.js';
import type { CompiledWorkflow } from '../../src/core/compile/compiled-workflow.js';
import { loadDocument } from '../../src/core/loader/load-document.js';
import { verifyChain, type AuditRecord } from '../../src/audit/audit-record.js';
import { Engine } from '../../src/engine/engine.js';
import type { Clock } from '../../src/engine/clock.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

export const catalog = defaultCatalog();

export function workflow(yaml: string): CompiledWorkflow {
  const result = loadDocument('test.yaml', yaml, { catalog });
  if (result.document?.kind !== 'Workflow') throw new Error(JSON.stringify(result.diagnostics, null, 1));
  return result.document.workflow;
}

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private at = Date.parse('2026-11-27T12:00:00Z')) {}
  now(): number {
    return this.at;
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

export interface Harness {
  engine: Engine;
  store: SqliteStore;
  sandbox: SandboxConnector;
  clock: ManualClock;
  audit(): Promise<AuditRecord[]>;
}

export async function harness(
  workflows: CompiledWorkflow[],
  options: { seed?: SandboxSeed; faults?: SandboxFaults; killSwitch?: boolean; clock?: ManualClock } = {},
): Promise<Harness> {
  const store = SqliteStore.open(':memory:');
  const sandbox = sandboxConnector(
    new SandboxWorld(options.seed),
    options.faults ? { faults: options.faults } : {},
  );
  const clock = options.clock ?? new ManualClock();
  const engine = await Engine.start({
    store,
    workflows,
    connectors: new Map([['sandbox', sandbox]]),
    clock,
    killSwitch: options.killSwitch ?? false,
    onError: (error) => {
      throw error;
    },
  });
  return {
    engine,
    store,
    sandbox,
    clock,
    audit: () => store.transaction((tx) => tx.auditRecords(0, 100_000)),
  };
}

export function bucketEvent(id: string, bucket = 'demo-reports', extra: Record<string, unknown> = {}) {
  return {
    id,
    source: 'scanner',
    type: 'sandbox.bucket.public',
    time: '2026-11-27T10:00:00Z',
    severity: 'high',
    resource: { id: `sandbox://bucket/${bucket}`, kind: 'sandbox.bucket', bucket },
    data: { access: 'public' },
    ...extra,
  };
}

export async function auditVerifies(h: Harness): Promise<boolean> {
  return verifyChain(await h.audit()).ok;
}
