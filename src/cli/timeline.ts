import type { AuditRecord } from '../audit/audit-record.js';
import type { ActionCatalog } from '../core/catalog/catalog.js';
import type { RunOutcome } from '../core/types.js';
import type { AttemptRow, RunRow, Store } from '../store/store.js';
import type { Style } from './style.js';

/**
 * How `rectify run` turns the runs of its event into an exit code (docs/engine.md, "Exit codes").
 * A run waiting for approval did what it should: it stopped before acting and asked a person.
 */
export const nonFailureOutcomes: readonly RunOutcome[] = [
  'succeeded',
  'dry-run',
  'skipped',
  'exempted',
  'deduplicated',
  'awaiting_approval',
  // A person asked for it: the system is as it was before the run.
  'rolled-back',
];
export const failureOutcomes: readonly RunOutcome[] = [
  'failed',
  'compensated',
  'unverified',
  'needs_attention',
  'cancelled',
  'rejected',
  'paused',
  'rate-limited',
];

/** The run's outcome, or where it is while it has none (`awaiting_approval`, `sleeping`, ...). */
export function runStanding(run: RunRow): string {
  if (run.status === 'awaiting_approval') return 'awaiting_approval';
  return run.outcome ?? run.status;
}

/** True when the run ended (or waits for approval) with a non-failure outcome. */
export function endedWell(run: RunRow): boolean {
  return (nonFailureOutcomes as readonly string[]).includes(runStanding(run));
}

/** True when the run has nothing more to do without a person: done, or waiting for approval. */
export function isSettled(run: RunRow): boolean {
  return run.status === 'done' || run.status === 'awaiting_approval';
}

/** A run with everything recorded about it. */
export interface RunTimeline {
  readonly run: RunRow;
  readonly attempts: readonly AttemptRow[];
  /** The `event.accepted` record of its event, then the run's own records, in chain order. */
  readonly audit: readonly AuditRecord[];
}

const auditPage = 1_000;

/**
 * Reads the attempts and audit records of runs. The audit log is read page by page, each page
 * its own short transaction, so an engine working on the same store is never held up for long.
 */
export async function loadTimelines(store: Store, runs: readonly RunRow[]): Promise<RunTimeline[]> {
  const ids = new Set(runs.map((r) => r.id));
  const eventSeqs = new Set(runs.map((r) => r.eventSeq));
  const byRun = new Map<string, AuditRecord[]>(runs.map((r) => [r.id, []]));
  const accepted = new Map<number, AuditRecord>();
  for (let after = 0; ;) {
    const page = await store.transaction((tx) => tx.auditRecords(after, auditPage));
    for (const record of page) {
      if (record.runId !== null && ids.has(record.runId)) byRun.get(record.runId)?.push(record);
      else if (record.kind === 'event.accepted' && eventSeqs.has(Number(record.data.seq)))
        accepted.set(Number(record.data.seq), record);
    }
    const last = page.at(-1);
    if (!last || page.length < auditPage) break;
    after = last.seq;
  }
  const attempts = await store.transaction(async (tx) => {
    const all = new Map<string, AttemptRow[]>();
    for (const run of runs) all.set(run.id, await tx.listAttempts(run.id));
    return all;
  });
  return runs.map((run) => {
    const event = accepted.get(run.eventSeq);
    return {
      run,
      attempts: attempts.get(run.id) ?? [],
      audit: [...(event ? [event] : []), ...(byRun.get(run.id) ?? [])],
    };
  });
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A run row as JSON, without its internal state (documented in docs/engine.md). */
export function runSummaryJson(run: RunRow): Record<string, unknown> {
  return {
    id: run.id,
    workflow: run.workflow,
    version: run.version,
    mode: run.mode,
    event: run.eventSeq,
    resource: run.resourceKey,
    dedupeKey: run.dedupeKey,
    status: run.status,
    outcome: run.status === 'awaiting_approval' ? 'awaiting_approval' : run.outcome,
    reason: run.reason,
    createdAt: iso(run.createdAt),
    updatedAt: iso(run.updatedAt),
    finishedAt: iso(run.finishedAt),
    wakeAt: iso(run.wakeAt),
  };
}

/** A run with its attempts and audit records, as JSON. */
export function timelineJson(timeline: RunTimeline, catalog: ActionCatalog): Record<string, unknown> {
  return {
    ...runSummaryJson(timeline.run),
    attempts: timeline.attempts.map((a) => ({
      step: a.stepId,
      purpose: a.purpose,
      attempt: a.attempt,
      action: a.action,
      simulated: catalog.get(a.action)?.simulated ?? false,
      idempotent: a.idempotent,
      idempotencyKey: a.idempotencyKey,
      params: a.params,
      intentAt: iso(a.intentAt),
      result: a.result,
      resultAt: iso(a.resultAt),
    })),
    audit: timeline.audit,
  };
}

/** The colour of an outcome: green when it ended well, red when not, yellow while unsettled. */
export function styleStanding(run: RunRow, style: Style): string {
  const standing = runStanding(run);
  if (run.status !== 'done') return style.yellow(standing);
  return endedWell(run) ? style.green(standing) : style.red(standing);
}

/**
 * A run's timeline for people: a header (id, workflow, mode, outcome and reason), then each
 * audit record at its offset from the run's creation, with its key facts.
 */
export function formatTimeline(timeline: RunTimeline, style: Style, catalog: ActionCatalog): string {
  const { run } = timeline;
  const lines = [
    `${style.bold(run.id)}  ${run.workflow}  ${style.dim(`(${run.mode})`)}  ${styleStanding(run, style)}`,
  ];
  if (run.reason) lines.push(`  ${run.reason}`);
  if (!isSettled(run) && run.wakeAt !== null)
    lines.push(`  ${style.yellow(`${run.status} until ${new Date(run.wakeAt).toISOString()}`)}`);
  lines.push('');
  const attempts = new Map(timeline.attempts.map((a) => [attemptKey(a.stepId, a.purpose, a.attempt), a]));
  for (const record of timeline.audit) {
    const offset = formatOffset(Date.parse(record.at) - run.createdAt);
    lines.push(
      `  ${style.dim(offset.padStart(10))}  ${record.kind.padEnd(19)}  ${describeRecord(record, attempts, catalog, style)}`,
    );
  }
  return lines.join('\n');
}

function attemptKey(step: unknown, purpose: unknown, attempt: unknown): string {
  return `${String(step)}\u0000${String(purpose)}\u0000${String(attempt)}`;
}

/** `+0.006s`, `+1m 2.300s`, `+2h 03m`. */
export function formatOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const abs = Math.abs(ms);
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(3)}s`;
  if (abs < 3_600_000) return `${sign}${Math.floor(abs / 60_000)}m ${((abs % 60_000) / 1000).toFixed(3)}s`;
  return `${sign}${Math.floor(abs / 3_600_000)}h ${String(Math.floor((abs % 3_600_000) / 60_000)).padStart(2, '0')}m`;
}

const maxShown = 200;

/** Compact JSON for a line, cut short when long: `--format json` has it whole. */
export function compact(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > maxShown ? `${text.slice(0, maxShown - 1)}…` : text;
}

/** `corroborate[0]`, `snapshot for make-private`, `step make-private (attempt 2)`. */
function actionLabel(data: Readonly<Record<string, unknown>>): string {
  const step = String(data.step);
  const purpose = String(data.purpose);
  const attempt = Number(data.attempt);
  const inner = /^\((\w+):(\d+)\)$/.exec(step);
  const label =
    purpose === 'step'
      ? `step ${step}`
      : purpose === 'snapshot'
        ? `snapshot for ${step}`
        : purpose === 'compensate'
          ? `undo ${step}`
          : inner
            ? purpose === 'verify'
              ? 'verify'
              : `${purpose}[${inner[2] ?? '0'}]`
            : `${purpose} ${step}`;
  return attempt > 1 ? `${label} (attempt ${attempt})` : label;
}

function describeRecord(
  record: AuditRecord,
  attempts: ReadonlyMap<string, AttemptRow>,
  catalog: ActionCatalog,
  style: Style,
): string {
  const data = record.data;
  const text = (key: string): string => String(data[key]);
  const simulated = (action: unknown, flag?: unknown): string =>
    flag === true || (flag === undefined && catalog.get(String(action))?.simulated)
      ? ` ${style.cyan('[SIMULATED]')}`
      : '';
  switch (record.kind) {
    case 'event.accepted': {
      const matched = Array.isArray(data.matched) ? data.matched.map(String) : [];
      return `event #${text('seq')} ${text('source')}/${text('id')} (${text('type')}) about ${text('resource')}; matched ${matched.length > 0 ? matched.join(', ') : 'no workflow'}`;
    }
    case 'run.created':
      return `workflow ${text('workflow')} ${style.dim(text('version'))}, ${text('mode')}${data.dedupeKey ? `, dedupe key ${text('dedupeKey')}` : ''}`;
    case 'run.not-started':
      return `not started: ${text('outcome')}: ${text('reason')}`;
    case 'run.sleeping':
      return `until ${text('until')} (${text('reason')})`;
    case 'action.intent': {
      const effect = String(data.effect);
      const action = `${text('action')}${simulated(data.action, data.simulated)}`;
      return `${actionLabel(data)}: ${effect === 'read' ? action : style.bold(`${action} ${style.yellow(effect)}`)} ${compact(data.params)}`;
    }
    case 'action.result': {
      const attempt = attempts.get(attemptKey(data.step, data.purpose, data.attempt));
      const output = attempt?.result?.ok ? ` ${compact(attempt.result.output)}` : '';
      const ms = data.ms === undefined ? '' : style.dim(` (${text('ms')} ms)`);
      const what = `${actionLabel(data)}: ${text('action')}${simulated(data.action)}`;
      return data.ok === true
        ? `${what} ${style.green('ok')}${output}${ms}`
        : `${what} ${style.red(`failed (${text('failure')})`)}: ${text('error')}${ms}`;
    }
    case 'action.interrupted':
      return `${actionLabel(data)}: ${text('action')} was under way when the engine stopped (${data.idempotent === true ? 'idempotent' : 'not idempotent'})`;
    case 'approval.requested': {
      const approvers = Array.isArray(data.approvers) ? data.approvers.map(String).join(', ') : '';
      return `by ${approvers || 'anyone allowed'}${data.deadline ? ` until ${text('deadline')}` : ''}; would do ${compact(data.preview)}`;
    }
    case 'approval.granted':
    case 'approval.rejected':
      return `by ${text('by')}`;
    case 'run.finished':
      return `${text('outcome')}: ${text('reason')}`;
    case 'notification.queued':
      return `${text('channel')} (${text('outcome')})`;
    case 'workflow.paused':
      return `${text('workflow')}: ${text('reason')}`;
    default:
      return compact(data);
  }
}
