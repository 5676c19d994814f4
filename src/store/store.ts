import type { AuditEntry, AuditRecord } from '../audit/audit-record.js';
import type { RectifyEvent } from '../core/model/event.js';
import type { RunState } from '../core/run/run-state.js';
import type { RunOutcome, WorkflowMode } from '../core/types.js';
import type { NotificationQueries } from './notifications-store.js';
import type { TokenQueries } from './tokens-store.js';
import type { VersionQueries } from './versions-store.js';

/**
 * Rectify's durable state, behind one interface so that the embedded SQLite store and a shared
 * PostgreSQL store are interchangeable (one conformance suite runs against both).
 *
 * Invariant: every change of state and the audit record that describes it are written in the
 * same `transaction`: both are committed, or neither.
 */
export interface Store {
  /** What the database can do; code branches on these, never on the dialect's name. */
  readonly capabilities: StoreCapabilities;
  /**
   * Runs `work` as one transaction. Transactions never interleave; keep I/O to other systems
   * (connector calls) out of them.
   */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T> | T): Promise<T>;
  close(): Promise<void>;
}

export interface StoreCapabilities {
  readonly dialect: 'sqlite' | 'postgres';
  /** `SELECT ... FOR UPDATE SKIP LOCKED`: several nodes can claim work from one table. */
  readonly skipLocked: boolean;
  /** Session advisory locks (leader election for timers and scans). */
  readonly advisoryLocks: boolean;
  /** Several processes may use the store at once. */
  readonly multiNode: boolean;
}

export interface StoredEvent {
  readonly seq: number;
  readonly source: string;
  readonly id: string;
  readonly type: string;
  readonly receivedAt: number;
  readonly envelope: RectifyEvent;
  readonly original: unknown;
}

/** Run statuses: where a run is, not how it ended (that is its outcome). */
export const RunStatus = {
  /** Ready to advance now. */
  ready: 'ready',
  /** Waiting for `wakeAt` (settle, retry backoff, verify delay). */
  sleeping: 'sleeping',
  awaitingApproval: 'awaiting_approval',
  /** A command is being carried out by `claimedBy`. */
  running: 'running',
  done: 'done',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

export interface RunRow {
  readonly id: string;
  readonly workflow: string;
  readonly version: string;
  readonly mode: WorkflowMode;
  readonly eventSeq: number;
  /** The resource the run is about (blast radius, previews). */
  readonly resourceKey: string;
  readonly dedupeKey: string | null;
  readonly status: RunStatus;
  readonly outcome: RunOutcome | null;
  readonly reason: string | null;
  readonly state: RunState;
  readonly wakeAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly finishedAt: number | null;
}

export interface AttemptRow {
  readonly runId: string;
  readonly stepId: string;
  readonly purpose: 'step' | 'compensate' | 'snapshot' | 'corroborate' | 'verify';
  readonly attempt: number;
  readonly action: string;
  readonly idempotent: boolean;
  readonly idempotencyKey: string;
  readonly params: unknown;
  readonly intentAt: number;
  readonly result: { readonly ok: boolean; readonly output?: unknown; readonly error?: string } | null;
  readonly resultAt: number | null;
}

export interface RunFilter {
  readonly workflow?: string;
  readonly outcome?: RunOutcome;
  readonly status?: RunStatus;
  readonly limit?: number;
}

export interface StoreTransaction {
  /** API tokens (server). */
  readonly tokens: TokenQueries;
  /** Workflow versions (change control). */
  readonly versions: VersionQueries;
  /** The notification outbox. */
  readonly notifications: NotificationQueries;

  /** Stores an event unless one with the same (source, id) exists; says which. */
  insertEvent(event: Omit<StoredEvent, 'seq'>): Promise<{ seq: number; duplicate: boolean }>;
  getEvent(seq: number): Promise<StoredEvent | undefined>;

  insertRun(run: RunRow): Promise<void>;
  updateRun(
    id: string,
    changes: Partial<
      Pick<RunRow, 'status' | 'outcome' | 'reason' | 'state' | 'wakeAt' | 'updatedAt' | 'finishedAt'>
    >,
  ): Promise<void>;
  getRun(id: string): Promise<RunRow | undefined>;
  listRuns(filter: RunFilter): Promise<RunRow[]>;
  /** Every run an event started (or decided not to), in creation order. */
  runsOfEvent(eventSeq: number): Promise<RunRow[]>;
  /** Runs that are not done: what recovery resumes. */
  unfinishedRuns(): Promise<RunRow[]>;
  /**
   * Runs with a timer due by `now`, soonest first: sleeping runs (settle, retry backoff, verify
   * delay) and runs awaiting approval whose deadline passed. The same set `nextWake` looks at, so
   * a scheduler that sleeps until `nextWake()` always finds work in `dueRuns` then.
   */
  dueRuns(now: number, limit: number): Promise<RunRow[]>;
  /** When the next timer is due (a sleeping run, an approval deadline), if any. */
  nextWake(): Promise<number | null>;

  /** Runs of a workflow created since `since` (rate limit), and those not done (concurrency). */
  countRunsStarted(workflow: string, since: number): Promise<number>;
  countUnfinishedRuns(workflow: string): Promise<number>;
  /** The latest run of a workflow with this dedupe key since `since`. */
  findRunByDedupeKey(workflow: string, dedupeKey: string, since: number): Promise<RunRow | undefined>;

  /** Distinct resources a workflow changed since `since` (blast radius). */
  changedResources(workflow: string, since: number): Promise<string[]>;
  /**
   * Distinct resources of a workflow's runs that are not done (blast radius): changes under way.
   * Without them, runs created together in a storm would all pass the limit before any wrote.
   */
  resourcesInFlight(workflow: string): Promise<string[]>;
  recordChange(change: { workflow: string; resourceKey: string; runId: string; at: number }): Promise<void>;

  /** MUST be called before a connector is called: the intent survives a crash. */
  recordIntent(attempt: Omit<AttemptRow, 'result' | 'resultAt'>): Promise<void>;
  recordResult(
    key: Pick<AttemptRow, 'runId' | 'stepId' | 'purpose' | 'attempt'>,
    result: NonNullable<AttemptRow['result']>,
    at: number,
  ): Promise<void>;
  /** Attempts of a run with an intent and no result: interrupted calls. */
  openAttempts(runId: string): Promise<AttemptRow[]>;
  listAttempts(runId: string): Promise<AttemptRow[]>;
  /**
   * What the next intent of a run's step (for a purpose) needs, without reading every attempt:
   * its number, one more than the highest recorded (1 for the first; from the table, so an
   * attempt re-issued after a crash gets a new row), and the latest intent time of the run.
   */
  nextAttempt(
    runId: string,
    stepId: string,
    purpose: AttemptRow['purpose'],
  ): Promise<{ attempt: number; lastIntentAt: number | null }>;

  /** Workflow controls: paused by a limit or a person. */
  getPause(workflow: string): Promise<{ paused: boolean; reason: string | null }>;
  setPause(workflow: string, paused: boolean, reason: string | null, at: number): Promise<void>;
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;

  /** Appends to the hash chain: the record after the last one. */
  appendAudit(entry: AuditEntry): Promise<AuditRecord>;
  /** Records in chain order from `afterSeq` (exclusive), at most `limit`. */
  auditRecords(afterSeq: number, limit: number): Promise<AuditRecord[]>;
}
