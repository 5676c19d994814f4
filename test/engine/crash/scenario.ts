import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCatalog } from '../../../src/connectors/catalog.js';
import type { SandboxFaults } from '../../../src/connectors/sandbox/faults.js';
import type { SandboxSeed } from '../../../src/connectors/sandbox/sandbox-world.js';
import type { CompiledWorkflow } from '../../../src/core/compile/compiled-workflow.js';
import { loadDocument } from '../../../src/core/loader/load-document.js';

/**
 * The crash-recovery scenario, shared by the test (parent) and the engine process it kills
 * (child.ts): the workflows, the events, the SIMULATED world they act on and its faults.
 */

export const workflowsDir = fileURLToPath(new URL('./workflows/', import.meta.url));
export const childPath = fileURLToPath(new URL('./child.ts', import.meta.url));

/** The crash workflows, compiled (throws on a diagnostic: the scenario itself is broken). */
export function loadCrashWorkflows(): CompiledWorkflow[] {
  const catalog = defaultCatalog();
  return readdirSync(workflowsDir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const file = join(workflowsDir, name);
      const result = loadDocument(file, readFileSync(file, 'utf8'), { catalog });
      if (result.document?.kind !== 'Workflow')
        throw new Error(`${name}: ${JSON.stringify(result.diagnostics, null, 1)}`);
      return result.document.workflow;
    });
}

/** What an event asks for, and the workflow that answers it. */
export const crashKinds = {
  close: { type: 'crash.bucket.public', workflow: 'crash-close-bucket' },
  rotate: { type: 'crash.user.leaked', workflow: 'crash-rotate-password' },
  compensate: { type: 'crash.role.risky', workflow: 'crash-compensate' },
  settle: { type: 'crash.user.idle', workflow: 'crash-settle' },
  verify: { type: 'crash.bucket.verify', workflow: 'crash-verify' },
} as const;
export type CrashKind = keyof typeof crashKinds;

export interface CrashEvent {
  readonly id: string;
  readonly source: 'crash';
  readonly type: string;
  readonly time: string;
  readonly severity: 'high';
  readonly resource: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, unknown>>;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same test. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` events, the kinds in equal shares in a shuffled order, each about its own resource
 * (so the world tells which run did what). Roles named `doomed` fail their second step.
 */
export function crashEvents(count: number, random: () => number): CrashEvent[] {
  const kinds = Object.keys(crashKinds) as CrashKind[];
  const order = Array.from({ length: count }, (_, i) => kinds[i % kinds.length] as CrashKind);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as CrashKind, order[i] as CrashKind];
  }
  return order.map((kind, i) => {
    const n = String(i).padStart(3, '0');
    const role = random() < 0.5 ? 'doomed' : 'ok';
    const resource: Record<string, string> =
      kind === 'close' || kind === 'verify'
        ? { id: `sandbox://bucket/${kind}-${n}`, kind: 'sandbox.bucket', bucket: `${kind}-${n}` }
        : kind === 'compensate'
          ? { id: `sandbox://role/db${n}/${role}`, kind: 'sandbox.role', database: `db${n}`, role }
          : {
              id: `sandbox://user/${kind}/u${n}`,
              kind: 'sandbox.user',
              system: kind === 'rotate' ? 'vault' : 'idle',
              user: `u${n}`,
            };
    return {
      id: `e${n}`,
      source: 'crash',
      type: crashKinds[kind].type,
      time: '2026-11-27T10:00:00Z',
      severity: 'high',
      resource,
      data: { kind },
    };
  });
}

/** The world the events act on: every resource they name, in the state that calls for action. */
export function crashSeed(events: readonly CrashEvent[]): SandboxSeed {
  const buckets: Record<string, { access: 'public' }> = {};
  const roles: Record<string, { login: boolean; superuser: boolean }> = {};
  const users: Record<string, { enabled: boolean; hasPassword: boolean }> = {};
  for (const { resource } of events) {
    if (resource.bucket !== undefined) buckets[resource.bucket] = { access: 'public' };
    if (resource.role !== undefined)
      roles[`${resource.database ?? ''}/${resource.role}`] = { login: true, superuser: true };
    if (resource.user !== undefined)
      users[`${resource.system ?? ''}/${resource.user}`] = { enabled: true, hasPassword: true };
  }
  return { buckets, roles, users };
}

/**
 * How the simulated systems misbehave in every engine process: writes answer slowly and take
 * effect before their answer (a kill in between leaves a performed write with no recorded
 * result), bucket writes are flaky (retries), and demoting a `doomed` role always fails
 * (compensation).
 */
export const crashFaults: SandboxFaults = {
  slow: { effect: 'write', delayMs: 15, applyBeforeAbort: true },
  flaky: { actions: ['sandbox.bucket.set-access'], failures: 6 },
  failOnResource: { actions: ['sandbox.role.set-superuser'], param: 'role', value: 'doomed' },
};
