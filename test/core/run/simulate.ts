import { defaultCatalog } from '../../../src/connectors/catalog.js';
import { sandboxConnector } from '../../../src/connectors/sandbox/sandbox-connector.js';
import { SandboxWorld, type SandboxSeed } from '../../../src/connectors/sandbox/sandbox-world.js';
import type { CompiledWorkflow } from '../../../src/core/compile/compiled-workflow.js';
import { ActionFailure } from '../../../src/core/errors.js';
import { loadDocument } from '../../../src/core/loader/load-document.js';
import { eventSchema, type RectifyEvent } from '../../../src/core/model/event.js';
import { advanceRun } from '../../../src/core/run/advance-run.js';
import type { RunCommand, RunFeedback } from '../../../src/core/run/commands.js';
import { initialRunState, type RunState } from '../../../src/core/run/run-state.js';

export const catalog = defaultCatalog();

export function workflowFrom(yaml: string): CompiledWorkflow {
  const result = loadDocument('test.yaml', yaml, { catalog });
  if (result.document?.kind !== 'Workflow') throw new Error(JSON.stringify(result.diagnostics, null, 1));
  return result.document.workflow;
}

export function event(resource: Record<string, unknown>, data: Record<string, unknown> = {}): RectifyEvent {
  return eventSchema.parse({
    id: 'e1',
    source: 'scanner',
    type: 'sandbox.bucket.public',
    time: '2026-11-27T10:00:00Z',
    resource: { id: 'r1', ...resource },
    data,
  });
}

export interface Simulation {
  state: RunState;
  commands: RunCommand[];
  world: SandboxWorld;
  now: number;
}

/**
 * Drives the pure run state machine to its end against the SIMULATED sandbox, the way the engine
 * will: reads and acts call the connector, sleeps advance the clock, approvals are answered.
 */
export async function simulate(
  workflow: CompiledWorkflow,
  options: {
    event: RectifyEvent;
    seed?: SandboxSeed;
    mode?: 'enforce' | 'dry-run' | 'shadow';
    approval?: 'approve' | 'reject' | 'timeout';
    killSwitch?: boolean;
    /** Makes calls fail: by action id, what each call in order does (null: succeeds), then all succeed. */
    failures?: Record<string, (ActionFailure | 'timeout' | null)[]>;
  },
): Promise<Simulation> {
  const connector = sandboxConnector(new SandboxWorld(options.seed));
  let now = Date.parse('2026-11-27T12:00:00Z');
  const createdAt = now;
  const commands: RunCommand[] = [];
  const failures = Object.fromEntries(Object.entries(options.failures ?? {}).map(([k, v]) => [k, [...v]]));
  let state = initialRunState();
  let feedback: RunFeedback | undefined;
  for (let i = 0; i < 200; i++) {
    const context = {
      event: options.event,
      run: { id: 'run-1', workflow: workflow.name, version: 'v1', mode: options.mode ?? 'enforce' },
      now,
      createdAt,
      killSwitch: options.killSwitch ?? false,
    } as const;
    const next = advanceRun(workflow, context, state, feedback);
    state = next.state;
    commands.push(next.command);
    const command = next.command;
    switch (command.kind) {
      case 'finish':
        return { state, commands, world: connector.world, now };
      case 'sleep':
        now = Math.max(now, command.until);
        feedback = { kind: 'woke' };
        break;
      case 'await-approval':
        now += 1000;
        feedback = { kind: 'approval', decision: options.approval ?? 'approve', by: 'user:carol' };
        break;
      case 'read':
      case 'act': {
        const kind = command.kind === 'read' ? 'read-result' : 'act-result';
        const planned = failures[command.action.id]?.shift();
        if (planned === 'timeout') feedback = { kind, ok: false, failure: 'timeout', message: 'timed out' };
        else if (planned) feedback = { kind, ok: false, failure: planned.kind, message: planned.message };
        else {
          try {
            const output = await connector.handlers[command.action.id]?.(command.params, {
              signal: new AbortController().signal,
            });
            feedback = { kind, ok: true, output };
          } catch (error) {
            const failure =
              error instanceof ActionFailure ? error : new ActionFailure(String(error), 'non-retryable');
            feedback = { kind, ok: false, failure: failure.kind, message: failure.message };
          }
        }
        now += 5;
        break;
      }
    }
  }
  throw new Error('the simulation did not finish in 200 commands');
}
