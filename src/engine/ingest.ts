import { redactSecrets } from '../audit/redact.js';
import { evaluate, holds } from '../core/run/run-context.js';
import { initialRunState } from '../core/run/run-state.js';
import { toCel } from '../core/expr/values.js';
import { eventSchema, type RectifyEvent } from '../core/model/event.js';
import type { RunOutcome } from '../core/types.js';
import type { RunRow, StoreTransaction } from '../store/store.js';
import { runMessage } from '../notify/run-message.js';
import { newRunId } from './ids.js';
import type { LoadedWorkflow, WorkflowSet } from './workflow-set.js';

/** What happened to one event. */
export type IngestResult =
  | { readonly status: 'rejected'; readonly reason: string; readonly field?: string }
  | { readonly status: 'duplicate'; readonly seq: number }
  | {
      readonly status: 'accepted';
      readonly seq: number;
      readonly runs: readonly {
        readonly workflow: string;
        readonly runId: string;
        readonly outcome: RunOutcome | null;
      }[];
    };

export interface IngestContext {
  readonly workflows: WorkflowSet;
  readonly now: number;
  readonly killSwitch: boolean;
  /**
   * A run started by hand: only this workflow is considered (whatever the event's source and
   * type), its `match` and every other guard still apply, and `by` is recorded as the starter.
   */
  readonly only?: { readonly workflow: string; readonly by: string };
}

/**
 * Ingests one event inside the caller's transaction: validate, persist (deduplicated on
 * (source, id)), match, and for each matched workflow decide, in order: kill switch, pause,
 * exemptions, dedupe window, limits. Every decision becomes a run row (started, or ended with
 * its non-run outcome) and an audit record: nothing is dropped silently.
 */
export async function ingestEvent(
  tx: StoreTransaction,
  input: unknown,
  context: IngestContext,
  original?: unknown,
): Promise<IngestResult> {
  const at = new Date(context.now).toISOString();
  const parsed = eventSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || undefined;
    const reason = issue ? `${field ?? 'event'}: ${issue.message}` : 'not an event';
    await tx.appendAudit({
      at,
      kind: 'event.rejected',
      runId: null,
      data: { reason, ...(field ? { field } : {}) },
    });
    return { status: 'rejected', reason, ...(field ? { field } : {}) };
  }
  const event = parsed.data;
  const stored = await tx.insertEvent({
    source: event.source,
    id: event.id,
    type: event.type,
    receivedAt: context.now,
    envelope: event,
    original: original ?? null,
  });
  if (stored.duplicate) {
    await tx.appendAudit({
      at,
      kind: 'event.duplicate',
      runId: null,
      data: { source: event.source, id: event.id, seq: stored.seq },
    });
    return { status: 'duplicate', seq: stored.seq };
  }

  const variables = { event: toCel(event), now: new Date(context.now) };
  const matched: LoadedWorkflow[] = [];
  const notMatched: { workflow: string; reason: string }[] = [];
  const only = context.only && context.workflows.get(context.only.workflow);
  const candidates = context.only
    ? only
      ? [only]
      : []
    : context.workflows.candidates(event.source, event.type);
  for (const candidate of candidates) {
    const match = candidate.compiled.match;
    if (!match) {
      matched.push(candidate);
      continue;
    }
    const verdict = holds(match, variables);
    if (verdict.holds) matched.push(candidate);
    else
      notMatched.push({
        workflow: candidate.key,
        reason: verdict.error ? `match could not be evaluated: ${verdict.error}` : 'match is false',
      });
  }
  await tx.appendAudit({
    at,
    kind: 'event.accepted',
    runId: null,
    data: {
      seq: stored.seq,
      source: event.source,
      id: event.id,
      type: event.type,
      resource: event.resource.id,
      matched: matched.map((w) => w.key),
      notMatched,
    },
  });

  const runs: { workflow: string; runId: string; outcome: RunOutcome | null }[] = [];
  for (const workflow of matched) {
    const decision = await decide(tx, workflow, event, variables, context);
    const runId = newRunId(context.now);
    const row: RunRow = {
      id: runId,
      workflow: workflow.key,
      version: workflow.version,
      mode: workflow.compiled.mode,
      eventSeq: stored.seq,
      resourceKey: event.resource.id,
      dedupeKey: decision.dedupeKey,
      status: decision.outcome ? 'done' : 'ready',
      outcome: decision.outcome ?? null,
      reason: decision.reason ?? null,
      state: decision.outcome
        ? { ...initialRunState(), phase: 'done', outcome: decision.outcome, reason: decision.reason }
        : { ...initialRunState(), ...(context.only ? { startedBy: context.only.by } : {}) },
      wakeAt: null,
      createdAt: context.now,
      updatedAt: context.now,
      finishedAt: decision.outcome ? context.now : null,
    };
    await tx.insertRun(row);
    await tx.appendAudit({
      at,
      kind: decision.outcome ? 'run.not-started' : 'run.created',
      runId,
      data: redactSecrets({
        workflow: row.workflow,
        version: row.version,
        mode: row.mode,
        event: stored.seq,
        resource: row.resourceKey,
        ...(context.only ? { startedBy: context.only.by } : {}),
        ...(decision.outcome ? { outcome: decision.outcome, reason: decision.reason } : {}),
        ...(decision.dedupeKey ? { dedupeKey: decision.dedupeKey } : {}),
      }) as Record<string, unknown>,
    });
    if (decision.pause) {
      await tx.setPause(row.workflow, true, decision.pause, context.now);
      await tx.appendAudit({
        at,
        kind: 'workflow.paused',
        runId,
        data: { workflow: row.workflow, reason: decision.reason },
      });
    }
    // Non-run outcomes are outcomes too: `notify: on: [paused]` must hear about a pause; once,
    // when it happens, not again for every event of a storm against the paused workflow.
    if (decision.outcome && (decision.outcome !== 'paused' || decision.pause)) {
      for (const entry of workflow.compiled.workflow.spec.notify ?? []) {
        if (!entry.on.includes(decision.outcome)) continue;
        await tx.appendAudit({
          at,
          kind: 'notification.queued',
          runId,
          data: { channel: entry.channel, outcome: decision.outcome, workflow: row.workflow },
        });
        // Delivered later by src/notify/notifier.ts, outside this transaction.
        await tx.notifications.enqueue({
          runId,
          workflow: row.workflow,
          channel: entry.channel,
          outcome: decision.outcome,
          message: runMessage(row, decision.outcome, decision.reason, at),
          createdAt: context.now,
        });
      }
    }
    runs.push({ workflow: row.workflow, runId, outcome: row.outcome });
  }
  return { status: 'accepted', seq: stored.seq, runs };
}

interface Decision {
  readonly outcome?: RunOutcome;
  readonly reason?: string;
  readonly dedupeKey: string | null;
  /** Pause the workflow, for this reason (the limit exceeded). */
  readonly pause?: string;
}

async function decide(
  tx: StoreTransaction,
  workflow: LoadedWorkflow,
  event: RectifyEvent,
  variables: Record<string, unknown>,
  context: IngestContext,
): Promise<Decision> {
  const compiled = workflow.compiled;
  const name = workflow.key;
  const enforces = compiled.mode === 'enforce';
  if (enforces && context.killSwitch)
    return {
      outcome: 'cancelled',
      reason: 'the kill switch is on: no write action runs anywhere',
      dedupeKey: null,
    };

  const pause = await tx.getPause(name);
  if (pause.paused)
    return {
      outcome: 'paused',
      reason: `the workflow is paused${pause.reason ? ` (${pause.reason})` : ''}; a person resumes it`,
      dedupeKey: null,
    };

  for (const exemption of compiled.exemptions) {
    if (context.now < exemption.untilMs && holds(exemption.when, variables).holds) {
      return {
        outcome: 'exempted',
        reason: `${exemption.reason} (${exemption.owner}, until ${new Date(exemption.untilMs - 86_400_000).toISOString().slice(0, 10)})`,
        dedupeKey: null,
      };
    }
  }

  let dedupeKey: string | null = null;
  if (compiled.dedupe) {
    const key = evaluate(compiled.dedupe.key, variables);
    dedupeKey = key.ok
      ? typeof key.value === 'string'
        ? key.value
        : JSON.stringify(key.value)
      : `(unevaluable: ${key.error})`;
    const earlier = await tx.findRunByDedupeKey(name, dedupeKey, context.now - compiled.dedupe.windowMs);
    if (earlier)
      return {
        outcome: 'deduplicated',
        reason: `a run for the same key (${dedupeKey}) started at ${new Date(earlier.createdAt).toISOString()}: ${earlier.id}`,
        dedupeKey,
      };
  }

  const limits = compiled.limits;
  const exceeded = async (): Promise<string | undefined> => {
    if (limits.concurrency !== undefined && (await tx.countUnfinishedRuns(name)) >= limits.concurrency)
      return `concurrency limit of ${limits.concurrency} reached`;
    if (limits.rate && (await tx.countRunsStarted(name, context.now - limits.rate.perMs)) >= limits.rate.max)
      return `rate limit of ${limits.rate.max} runs per ${limits.rate.perMs / 1000}s reached`;
    if (limits.blastRadius && compiled.writes) {
      // Resources of runs under way count as changed: they will be, and a storm of events must
      // not start more runs than the limit allows before the first of them writes.
      const changed = new Set([
        ...(await tx.changedResources(name, context.now - limits.blastRadius.perMs)),
        ...(await tx.resourcesInFlight(name)),
      ]);
      if (!changed.has(event.resource.id) && changed.size >= limits.blastRadius.max)
        return `blast radius of ${limits.blastRadius.max} resources per ${limits.blastRadius.perMs / 1000}s reached`;
    }
    return undefined;
  };
  const reason = await exceeded();
  if (reason) {
    if (limits.onExceeded === 'pause')
      return {
        outcome: 'paused',
        reason: `${reason}: the workflow is paused until a person resumes it`,
        dedupeKey,
        pause: reason,
      };
    return {
      outcome: 'rate-limited',
      reason: `${reason}: this event is not acted on (onExceeded: skip)`,
      dedupeKey,
    };
  }
  return { dedupeKey };
}
