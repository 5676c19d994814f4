import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { sealRecord, type AuditEntry, type AuditRecord } from '../../audit/audit-record.js';
import { Mutex } from '../mutex.js';
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

/**
 * The embedded store: one SQLite file in WAL mode, one connection, transactions serialised by a
 * lock. The default for a single process (`sqlite:.rectify/rectify.db`).
 */
export class SqliteStore implements Store {
  readonly capabilities: StoreCapabilities = {
    dialect: 'sqlite',
    skipLocked: false,
    advisoryLocks: false,
    multiNode: false,
  };
  private readonly lock = new Mutex();
  private readonly tx: SqliteTransaction;

  private constructor(private readonly db: Database.Database) {
    this.tx = new SqliteTransaction(db);
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
    return new SqliteStore(db);
  }

  transaction<T>(work: (tx: StoreTransaction) => Promise<T> | T): Promise<T> {
    return this.lock.run(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.tx);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
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

  close(): Promise<void> {
    return this.lock.run(() => {
      this.db.close();
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

  constructor(private readonly db: Database.Database) {}

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
          "SELECT * FROM runs WHERE status = 'sleeping' AND wake_at <= ? ORDER BY wake_at, id LIMIT ?",
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
    const row = this.statement('SELECT value FROM settings WHERE key = ?').get(key) as
      { value: string } | undefined;
    return Promise.resolve(row?.value);
  }

  setSetting(key: string, value: string): Promise<void> {
    this.statement(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(key, value);
    return Promise.resolve();
  }

  appendAudit(entry: AuditEntry): Promise<AuditRecord> {
    // The chain's head is read inside the transaction: a rolled-back append leaves no trace.
    const head = this.statement('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined;
    const record = sealRecord(entry, head);
    this.statement(
      'INSERT INTO audit (seq, at, kind, run_id, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(record.seq, record.at, record.kind, record.runId, json(record.data), record.prevHash, record.hash);
    // The head, kept apart: removing the newest records leaves a chain that verifies, but not this.
    this.statement(
      "INSERT INTO settings (key, value) VALUES ('audit.head', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ).run(`${record.seq}:${record.hash}`);
    return Promise.resolve(record);
  }

  auditRecords(afterSeq: number, limit: number): Promise<AuditRecord[]> {
    return Promise.resolve(
      (
        this.statement('SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as Row[]
      ).map(toAudit),
    );
  }
}
