import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { SqliteNotificationQueries } from './notifications-sqlite.js';
import { SqliteTokenQueries } from './tokens-sqlite.js';
import { SqliteVersionQueries } from './versions-sqlite.js';
import { auditHeadSetting, sealRecord, type AuditEntry, type AuditRecord } from '../../audit/audit-record.js';
import type {
  AttemptRow,
  RunFilter,
  RunRow,
  Store,
  StoreCapabilities,
  StoredEvent,
  StoreTransaction,
} from '../store.js';
import { sqliteMigrations } from './migrations.js';

type Row = Record<string, string | number | null>;

/** A transaction waiting its turn, or the store's close (which waits for those before it). */
interface QueuedWork {
  readonly work: (tx: StoreTransaction) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}
type Queued = QueuedWork | { readonly close: () => Promise<void> };
const isWork = (item: Queued): item is QueuedWork => 'work' in item;

/**
 * Transactions committed together at most (group commit): bounds how long the first of a group
 * waits for its COMMIT.
 */
const maxGroup = 256;

/**
 * WAL checkpoints (copying committed pages into the database file, syncing both) run on a worker
 * thread with its own connection, every `checkpointEveryMs`, so that they never stall the
 * engine's thread; in a COMMIT they took up to tens of milliseconds, and once close to a second.
 * The store's own connection checkpoints only as a backstop, past `backstopPages` of WAL, or as
 * SQLite does by default (1000 pages) if the worker is gone. Under writes without a pause the WAL
 * is only reset (written again from its start) after a checkpoint by the writer itself; the
 * backstop bounds it (8 MB), and what is left to copy then is the little the worker has not.
 *
 * Durability is unchanged: a commit is in the WAL when COMMIT returns and survives a process
 * crash; an OS crash may lose the commits since the WAL was last synced, which a checkpoint
 * does first, now at least every `checkpointEveryMs` while there are commits to copy.
 */
const checkpointEveryMs = 100;
const backstopPages = 2000;
const checkpointerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => checkpoint.get(), workerData.everyMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;
const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * The embedded store: one SQLite file in WAL mode, one connection, transactions run one after
 * another in the order they were asked for. The default for a single process
 * (`sqlite:.rectify/rectify.db`).
 *
 * Group commit: transactions that queue up while others run are then run back to back inside ONE
 * SQLite transaction, each in its own savepoint, and committed together. Each still sees the
 * writes of those before it and never interleaves with another; one that throws is rolled back to
 * its savepoint alone (the others commit); and none resolves before the COMMIT that makes it
 * durable, so what a caller does after `transaction` resolves (call a connector after recording
 * its intent) still happens after the commit. If the COMMIT fails, every transaction of the group
 * rejects. A transaction alone in the queue (no contention) commits alone, at once.
 */
export class SqliteStore implements Store {
  readonly capabilities: StoreCapabilities = {
    dialect: 'sqlite',
    skipLocked: false,
    advisoryLocks: false,
    multiNode: false,
  };
  private readonly tx: SqliteTransaction;
  private readonly queue: Queued[] = [];
  private draining = false;
  private readonly control: Record<
    'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'undo' | 'changes',
    Database.Statement
  >;
  /** The background checkpointer, and its end: started after the first commit that changed something. */
  private checkpointer: { readonly worker: Worker; readonly exited: Promise<unknown> } | undefined;
  private closing = false;

  private constructor(
    private readonly db: Database.Database,
    private readonly path: string,
  ) {
    this.tx = new SqliteTransaction(db);
    this.control = {
      changes: db.prepare('SELECT total_changes() AS n'),
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare('SAVEPOINT rectify_tx'),
      release: db.prepare('RELEASE rectify_tx'),
      undo: db.prepare('ROLLBACK TO rectify_tx'),
    };
  }

  /**
   * Opens (creating when absent) and migrates a store. `path` is a file, or `:memory:`.
   * @example const store = SqliteStore.open('.rectify/rectify.db')
   */
  static open(path: string): SqliteStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit survives a process crash; only an OS crash may lose the last ones.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return new SqliteStore(db, path);
  }

  transaction<T>(work: (tx: StoreTransaction) => Promise<T> | T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.enqueue({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private enqueue(item: Queued): void {
    this.queue.push(item);
    if (this.draining) return;
    this.draining = true;
    // setImmediate, not a microtask: the drain then runs after the event loop's poll phase, so
    // every request that arrived in the same turn is queued by then and commits in ONE group (a
    // microtask would start a group of one after the first request). Under load this turns one
    // COMMIT (and its WAL writes) per request into one per turn; alone, it costs one loop turn.
    setImmediate(() => void this.drain());
  }

  /** Runs the queue, a group at a time, until it is empty. */
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const closing = this.queue.findIndex((item) => 'close' in item);
        const group = this.queue.splice(0, closing === -1 ? maxGroup : Math.min(closing, maxGroup));
        if (group.length > 0) await this.runGroup(group);
        else {
          const close = this.queue.shift();
          if (close && 'close' in close) await close.close();
        }
        // Let timers and I/O run between groups: a long queue must not starve them.
        if (this.queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.draining = false;
    }
  }

  /** One SQLite transaction for the whole group; a savepoint for each of its transactions. */
  private async runGroup(group: readonly Queued[]): Promise<void> {
    const control = this.control;
    const unsettled = new Set(group.filter(isWork));
    let done: { item: QueuedWork; value: unknown }[] = [];
    try {
      for (const item of [...unsettled]) {
        if (!this.db.inTransaction) {
          try {
            control.begin.run();
          } catch (error) {
            unsettled.delete(item);
            item.reject(error);
            continue;
          }
          // Another process may have appended to the audit log since our last transaction.
          this.tx.forgetHead();
        }
        const head = this.tx.headMark();
        control.savepoint.run();
        try {
          const value = await item.work(this.tx);
          control.release.run();
          done.push({ item, value });
        } catch (error) {
          if (this.db.inTransaction) {
            control.undo.run();
            control.release.run();
            // Back to the head as it was before this transaction, which is what the table holds now.
            this.tx.resetHead(head);
          } else {
            this.tx.forgetHead();
            // SQLite rolled the whole transaction back (disk full, I/O error): the earlier
            // transactions of the group are undone too, and say so.
            for (const earlier of done) {
              unsettled.delete(earlier.item);
              earlier.item.reject(error);
            }
            done = [];
          }
          unsettled.delete(item);
          item.reject(error);
        }
      }
      if (this.db.inTransaction) {
        this.tx.writeHead();
        control.commit.run();
        if (!this.checkpointer) this.startCheckpointer();
      }
      for (const { item, value } of done) {
        unsettled.delete(item);
        item.resolve(value);
      }
    } catch (error) {
      // COMMIT failed, or a savepoint could not be taken: nothing of the group is committed.
      this.tx.forgetHead();
      try {
        if (this.db.inTransaction) control.rollback.run();
      } catch {
        // The callers get the error that stopped the group; a failed ROLLBACK adds nothing.
      }
      for (const item of unsettled) item.reject(error);
    }
  }

  /** The schema as SQLite reports it, for the committed dump and its test. */
  schemaDump(): string {
    const rows = this.db
      .prepare(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type DESC, name",
      )
      .all() as { sql: string }[];
    return `${rows.map((r) => `${r.sql.trim()};`).join('\n\n')}\n`;
  }

  /** Starts the background checkpointer (see `checkpointEveryMs`) once the store has written. */
  private startCheckpointer(): void {
    if (this.path === ':memory:' || this.closing) return;
    if ((this.control.changes.get() as { n: number }).n === 0) return;
    const worker = new Worker(checkpointerSource, {
      eval: true,
      workerData: { path: this.path, driver: driverPath, everyMs: checkpointEveryMs },
    });
    worker.unref();
    // An error ends the worker ('exit' follows); without it, the store's connection checkpoints
    // again as SQLite does by default.
    worker.on('error', () => undefined);
    const exited = new Promise((resolve) => worker.once('exit', resolve)).then(() => {
      if (!this.closing && this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
    });
    this.checkpointer = { worker, exited };
    this.db.pragma(`wal_autocheckpoint = ${backstopPages}`);
  }

  /** Closes the database once the transactions asked for before have committed. */
  close(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.enqueue({
        close: async () => {
          this.closing = true;
          try {
            if (this.checkpointer) {
              // Held (no longer unref'd) until it has closed its connection.
              this.checkpointer.worker.ref();
              this.checkpointer.worker.postMessage('stop');
              await this.checkpointer.exited;
            }
            this.db.close();
            resolve();
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        },
      });
    });
  }
}

function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  for (const migration of sqliteMigrations) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    })();
  }
}

/** The setting that names the audit chain's newest record, `<seq>:<hash>`. */

const json = (value: unknown): string => JSON.stringify(value ?? null);
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names what the JSON column holds
const parse = <T>(text: string | number | null | undefined): T => JSON.parse(String(text)) as T;

function toRun(row: Row): RunRow {
  return {
    id: String(row.id),
    workflow: String(row.workflow),
    version: String(row.version),
    mode: row.mode as RunRow['mode'],
    eventSeq: Number(row.event_seq),
    resourceKey: String(row.resource_key),
    dedupeKey: row.dedupe_key === null ? null : String(row.dedupe_key),
    status: row.status as RunRow['status'],
    outcome: (row.outcome ?? null) as RunRow['outcome'],
    reason: row.reason === null ? null : String(row.reason),
    state: parse(row.state),
    wakeAt: row.wake_at === null ? null : Number(row.wake_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}

function toAttempt(row: Row): AttemptRow {
  return {
    runId: String(row.run_id),
    stepId: String(row.step_id),
    purpose: row.purpose as AttemptRow['purpose'],
    attempt: Number(row.attempt),
    action: String(row.action),
    idempotent: row.idempotent === 1,
    idempotencyKey: String(row.idempotency_key),
    params: parse(row.params),
    intentAt: Number(row.intent_at),
    result: row.result === null ? null : parse(row.result),
    resultAt: row.result_at === null ? null : Number(row.result_at),
  };
}

function toAudit(row: Row): AuditRecord {
  return {
    seq: Number(row.seq),
    at: String(row.at),
    kind: String(row.kind),
    runId: row.run_id === null ? null : String(row.run_id),
    data: parse(row.data),
    prevHash: String(row.prev_hash),
    hash: String(row.hash),
  };
}

const runColumns: Record<string, string> = {
  status: 'status',
  outcome: 'outcome',
  reason: 'reason',
  state: 'state',
  wakeAt: 'wake_at',
  updatedAt: 'updated_at',
  finishedAt: 'finished_at',
};

/** Statements prepared once; each method runs synchronously inside the store's lock. */
class SqliteTransaction implements StoreTransaction {
  private readonly statements = new Map<string, Database.Statement>();
  /**
   * The audit chain's head as of the last append of the open SQLite transaction (`undefined`:
   * not read yet in it). While the transaction holds the write lock nothing else can append, so
   * the next append chains from it without reading the head again; the store forgets it when a
   * transaction begins, and puts it back when one is rolled back to its savepoint.
   */
  private head: { seq: number; hash: string } | undefined;
  /** Appends since the head setting was last written: `writeHead` writes it before COMMIT. */
  private headUnwritten = false;

  readonly tokens: SqliteTokenQueries;
  readonly versions: SqliteVersionQueries;
  readonly notifications: SqliteNotificationQueries;

  constructor(private readonly db: Database.Database) {
    const prepare = (sql: string) => this.statement(sql);
    this.tokens = new SqliteTokenQueries(prepare);
    this.versions = new SqliteVersionQueries(prepare);
    this.notifications = new SqliteNotificationQueries(prepare);
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  insertEvent(event: Omit<StoredEvent, 'seq'>): Promise<{ seq: number; duplicate: boolean }> {
    const inserted = this.statement(
      'INSERT INTO events (source, id, type, received_at, envelope, original) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source, id) DO NOTHING',
    ).run(
      event.source,
      event.id,
      event.type,
      event.receivedAt,
      json(event.envelope),
      event.original === undefined ? null : json(event.original),
    );
    if (inserted.changes === 1)
      return Promise.resolve({ seq: Number(inserted.lastInsertRowid), duplicate: false });
    const existing = this.statement('SELECT seq FROM events WHERE source = ? AND id = ?').get(
      event.source,
      event.id,
    ) as { seq: number };
    return Promise.resolve({ seq: existing.seq, duplicate: true });
  }

  getEvent(seq: number): Promise<StoredEvent | undefined> {
    const row = this.statement('SELECT * FROM events WHERE seq = ?').get(seq) as Row | undefined;
    return Promise.resolve(
      row && {
        seq: Number(row.seq),
        source: String(row.source),
        id: String(row.id),
        type: String(row.type),
        receivedAt: Number(row.received_at),
        envelope: parse(row.envelope),
        original: row.original === null ? undefined : parse(row.original),
      },
    );
  }

  insertRun(run: RunRow): Promise<void> {
    this.statement(
      'INSERT INTO runs (id, workflow, version, mode, event_seq, resource_key, dedupe_key, status, outcome, reason, state, wake_at, created_at, updated_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      run.id,
      run.workflow,
      run.version,
      run.mode,
      run.eventSeq,
      run.resourceKey,
      run.dedupeKey,
      run.status,
      run.outcome,
      run.reason,
      json(run.state),
      run.wakeAt,
      run.createdAt,
      run.updatedAt,
      run.finishedAt,
    );
    return Promise.resolve();
  }

  updateRun(
    id: string,
    changes: Partial<
      Pick<RunRow, 'status' | 'outcome' | 'reason' | 'state' | 'wakeAt' | 'updatedAt' | 'finishedAt'>
    >,
  ): Promise<void> {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return Promise.resolve();
    const sql = `UPDATE runs SET ${entries.map(([key]) => `${runColumns[key] ?? key} = ?`).join(', ')} WHERE id = ?`;
    const values = entries.map(([key, value]) =>
      key === 'state' ? json(value) : (value as string | number | null),
    );
    const result = this.statement(sql).run(...values, id);
    if (result.changes !== 1) throw new Error(`run ${id} does not exist`);
    return Promise.resolve();
  }

  getRun(id: string): Promise<RunRow | undefined> {
    const row = this.statement('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
    return Promise.resolve(row && toRun(row));
  }

  listRuns(filter: RunFilter): Promise<RunRow[]> {
    const where: string[] = [];
    const values: (string | number)[] = [];
    for (const [column, value] of [
      ['workflow', filter.workflow],
      ['outcome', filter.outcome],
      ['status', filter.status],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      values.push(value);
    }
    const sql = `SELECT * FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    return Promise.resolve((this.statement(sql).all(...values, filter.limit ?? 100) as Row[]).map(toRun));
  }

  runsOfEvent(eventSeq: number): Promise<RunRow[]> {
    return Promise.resolve(
      (
        this.statement('SELECT * FROM runs WHERE event_seq = ? ORDER BY created_at, id').all(
          eventSeq,
        ) as Row[]
      ).map(toRun),
    );
  }

  unfinishedRuns(): Promise<RunRow[]> {
    return Promise.resolve(
      (
        this.statement("SELECT * FROM runs WHERE status <> 'done' ORDER BY created_at, id").all() as Row[]
      ).map(toRun),
    );
  }

  dueRuns(now: number, limit: number): Promise<RunRow[]> {
    return Promise.resolve(
      (
        this.statement(
          "SELECT * FROM runs WHERE status IN ('sleeping', 'awaiting_approval') AND wake_at IS NOT NULL AND wake_at <= ? ORDER BY wake_at, id LIMIT ?",
        ).all(now, limit) as Row[]
      ).map(toRun),
    );
  }

  nextWake(): Promise<number | null> {
    const row = this.statement(
      "SELECT MIN(wake_at) AS at FROM runs WHERE status IN ('sleeping', 'awaiting_approval') AND wake_at IS NOT NULL",
    ).get() as { at: number | null };
    return Promise.resolve(row.at);
  }

  countRunsStarted(workflow: string, since: number): Promise<number> {
    const row = this.statement(
      "SELECT COUNT(*) AS n FROM runs WHERE workflow = ? AND created_at >= ? AND (outcome IS NULL OR outcome NOT IN ('exempted', 'deduplicated', 'rate-limited', 'paused'))",
    ).get(workflow, since) as { n: number };
    return Promise.resolve(row.n);
  }

  countUnfinishedRuns(workflow: string): Promise<number> {
    const row = this.statement("SELECT COUNT(*) AS n FROM runs WHERE workflow = ? AND status <> 'done'").get(
      workflow,
    ) as { n: number };
    return Promise.resolve(row.n);
  }

  findRunByDedupeKey(workflow: string, dedupeKey: string, since: number): Promise<RunRow | undefined> {
    const row = this.statement(
      "SELECT * FROM runs WHERE workflow = ? AND dedupe_key = ? AND created_at >= ? AND (outcome IS NULL OR outcome NOT IN ('deduplicated', 'exempted', 'rate-limited', 'paused')) ORDER BY created_at DESC LIMIT 1",
    ).get(workflow, dedupeKey, since) as Row | undefined;
    return Promise.resolve(row && toRun(row));
  }

  changedResources(workflow: string, since: number): Promise<string[]> {
    return Promise.resolve(
      (
        this.statement('SELECT DISTINCT resource_key FROM changes WHERE workflow = ? AND at >= ?').all(
          workflow,
          since,
        ) as { resource_key: string }[]
      ).map((r) => r.resource_key),
    );
  }

  resourcesInFlight(workflow: string): Promise<string[]> {
    return Promise.resolve(
      (
        this.statement("SELECT DISTINCT resource_key FROM runs WHERE workflow = ? AND status <> 'done'").all(
          workflow,
        ) as { resource_key: string }[]
      ).map((r) => r.resource_key),
    );
  }

  recordChange(change: { workflow: string; resourceKey: string; runId: string; at: number }): Promise<void> {
    this.statement('INSERT INTO changes (workflow, resource_key, run_id, at) VALUES (?, ?, ?, ?)').run(
      change.workflow,
      change.resourceKey,
      change.runId,
      change.at,
    );
    return Promise.resolve();
  }

  recordIntent(attempt: Omit<AttemptRow, 'result' | 'resultAt'>): Promise<void> {
    this.statement(
      'INSERT INTO attempts (run_id, step_id, purpose, attempt, action, idempotent, idempotency_key, params, intent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      attempt.runId,
      attempt.stepId,
      attempt.purpose,
      attempt.attempt,
      attempt.action,
      attempt.idempotent ? 1 : 0,
      attempt.idempotencyKey,
      json(attempt.params),
      attempt.intentAt,
    );
    return Promise.resolve();
  }

  recordResult(
    key: Pick<AttemptRow, 'runId' | 'stepId' | 'purpose' | 'attempt'>,
    result: NonNullable<AttemptRow['result']>,
    at: number,
  ): Promise<void> {
    const updated = this.statement(
      'UPDATE attempts SET result = ?, result_at = ? WHERE run_id = ? AND step_id = ? AND purpose = ? AND attempt = ? AND result IS NULL',
    ).run(json(result), at, key.runId, key.stepId, key.purpose, key.attempt);
    if (updated.changes !== 1)
      throw new Error(`no open attempt ${key.runId}/${key.stepId}/${key.purpose}/${key.attempt}`);
    return Promise.resolve();
  }

  openAttempts(runId: string): Promise<AttemptRow[]> {
    return Promise.resolve(
      (
        this.statement('SELECT * FROM attempts WHERE run_id = ? AND result IS NULL ORDER BY intent_at').all(
          runId,
        ) as Row[]
      ).map(toAttempt),
    );
  }

  listAttempts(runId: string): Promise<AttemptRow[]> {
    return Promise.resolve(
      (
        this.statement('SELECT * FROM attempts WHERE run_id = ? ORDER BY intent_at, step_id, attempt').all(
          runId,
        ) as Row[]
      ).map(toAttempt),
    );
  }

  nextAttempt(
    runId: string,
    stepId: string,
    purpose: AttemptRow['purpose'],
  ): Promise<{ attempt: number; lastIntentAt: number | null }> {
    const row = this.statement(
      'SELECT COALESCE(MAX(CASE WHEN step_id = ? AND purpose = ? THEN attempt END), 0) + 1 AS attempt, MAX(intent_at) AS lastIntentAt FROM attempts WHERE run_id = ?',
    ).get(stepId, purpose, runId) as { attempt: number; lastIntentAt: number | null };
    return Promise.resolve({ attempt: row.attempt, lastIntentAt: row.lastIntentAt });
  }

  getPause(workflow: string): Promise<{ paused: boolean; reason: string | null }> {
    const row = this.statement('SELECT paused, reason FROM workflow_controls WHERE workflow = ?').get(
      workflow,
    ) as { paused: number; reason: string | null } | undefined;
    return Promise.resolve({ paused: row?.paused === 1, reason: row?.reason ?? null });
  }

  setPause(workflow: string, paused: boolean, reason: string | null, at: number): Promise<void> {
    this.statement(
      'INSERT INTO workflow_controls (workflow, paused, reason, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (workflow) DO UPDATE SET paused = excluded.paused, reason = excluded.reason, updated_at = excluded.updated_at',
    ).run(workflow, paused ? 1 : 0, reason, at);
    return Promise.resolve();
  }

  getSetting(key: string): Promise<string | undefined> {
    if (key === auditHeadSetting) this.writeHead();
    const row = this.statement('SELECT value FROM settings WHERE key = ?').get(key) as
      { value: string } | undefined;
    return Promise.resolve(row?.value);
  }

  setSetting(key: string, value: string): Promise<void> {
    if (key === auditHeadSetting) this.forgetHead();
    this.statement(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(key, value);
    return Promise.resolve();
  }

  appendAudit(entry: AuditEntry): Promise<AuditRecord> {
    const record = sealRecord(entry, this.head ?? this.readHead());
    this.statement(
      'INSERT INTO audit (seq, at, kind, run_id, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(record.seq, record.at, record.kind, record.runId, json(record.data), record.prevHash, record.hash);
    this.head = { seq: record.seq, hash: record.hash };
    this.headUnwritten = true;
    return Promise.resolve(record);
  }

  /**
   * Writes the head setting for the appends of the transaction. The store calls it just before
   * COMMIT, so every commit leaves the setting naming the newest record, as writing it with every
   * append did: nothing outside the SQLite transaction sees it in between, and inside it
   * `getSetting('audit.head')` writes it first.
   */
  writeHead(): void {
    if (!this.headUnwritten || !this.head) return;
    // The head, kept apart: removing the newest records leaves a chain that verifies, but not this.
    this.statement(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(auditHeadSetting, `${this.head.seq}:${this.head.hash}`);
    this.headUnwritten = false;
  }

  /** Forgets the cached head (a new transaction, a rollback): the next append reads it again. */
  forgetHead(): void {
    this.head = undefined;
    this.headUnwritten = false;
  }

  /** The cached head, to put back with `resetHead` if what follows is rolled back. */
  headMark(): { head: { seq: number; hash: string } | undefined; unwritten: boolean } {
    return { head: this.head, unwritten: this.headUnwritten };
  }

  resetHead(mark: { head: { seq: number; hash: string } | undefined; unwritten: boolean }): void {
    this.head = mark.head;
    this.headUnwritten = mark.unwritten;
  }

  private readHead(): { seq: number; hash: string } | undefined {
    // The chain's head is read inside the transaction: a rolled-back append leaves no trace.
    // It chains from the recorded head, not the newest row: were the newest records removed, the
    // next append must not close the gap and rewrite the head over it (hiding the truncation).
    const last = this.statement('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined;
    const recorded = /^(\d+):([0-9a-f]{64})$/.exec(
      (
        this.statement('SELECT value FROM settings WHERE key = ?').get(auditHeadSetting) as
          { value: string } | undefined
      )?.value ?? '',
    );
    return recorded
      ? { seq: Math.max(Number(recorded[1]), last?.seq ?? 0), hash: String(recorded[2]) }
      : last;
  }

  auditRecords(afterSeq: number, limit: number): Promise<AuditRecord[]> {
    return Promise.resolve(
      (
        this.statement('SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as Row[]
      ).map(toAudit),
    );
  }
}
