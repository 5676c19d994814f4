import type {
  ActivationRow,
  VersionQueries,
  VersionRow,
  WorkflowRow,
  WorkflowStatus,
  ActivationKind,
} from '../versions-store.js';
import type { PrepareStatement } from './prepare-statement.js';

/**
 * Migration 4 of the SQLite store: the tables behind `tx.versions`. Versions are immutable: the
 * triggers refuse any UPDATE or DELETE of one, whatever the code above tries.
 */
export const versionsMigration = {
  version: 4,
  name: 'versions',
  sql: `
CREATE TABLE workflows (
  name TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  active_version INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE workflow_versions (
  workflow TEXT NOT NULL REFERENCES workflows (name),
  version INTEGER NOT NULL,
  content TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  tests TEXT,
  author TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  mode TEXT NOT NULL,
  owner TEXT NOT NULL,
  labels TEXT NOT NULL,
  review_by TEXT NOT NULL,
  review TEXT NOT NULL,
  PRIMARY KEY (workflow, version)
);

CREATE TRIGGER workflow_versions_no_update BEFORE UPDATE ON workflow_versions
BEGIN
  SELECT RAISE(ABORT, 'workflow versions are immutable: propose a new version instead');
END;

CREATE TRIGGER workflow_versions_no_delete BEFORE DELETE ON workflow_versions
BEGIN
  SELECT RAISE(ABORT, 'workflow versions are immutable: retire the workflow instead');
END;

CREATE TABLE workflow_activations (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  workflow TEXT NOT NULL REFERENCES workflows (name),
  version INTEGER,
  kind TEXT NOT NULL,
  by TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX workflow_activations_by_workflow ON workflow_activations (workflow, seq);
`,
};

type Row = Record<string, string | number | null>;

function toWorkflow(row: Row): WorkflowRow {
  return {
    name: String(row.name),
    status: row.status as WorkflowStatus,
    activeVersion: row.active_version === null ? null : Number(row.active_version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toVersion(row: Row): VersionRow {
  return {
    workflow: String(row.workflow),
    version: Number(row.version),
    content: String(row.content),
    contentHash: String(row.content_hash),
    tests: row.tests === null ? null : String(row.tests),
    author: String(row.author),
    createdAt: Number(row.created_at),
    mode: String(row.mode),
    owner: String(row.owner),
    labels: JSON.parse(String(row.labels)) as VersionRow['labels'],
    reviewBy: String(row.review_by),
    review: JSON.parse(String(row.review)) as VersionRow['review'],
  };
}

function toActivation(row: Row): ActivationRow {
  return {
    workflow: String(row.workflow),
    version: row.version === null ? null : Number(row.version),
    kind: row.kind as ActivationKind,
    by: String(row.by),
    at: Number(row.at),
  };
}

/** SQLite implementation of `VersionQueries`; `statement` prepares (and caches) SQL in the transaction's connection. */
export class SqliteVersionQueries implements VersionQueries {
  constructor(private readonly statement: PrepareStatement) {}

  getWorkflow(name: string): Promise<WorkflowRow | undefined> {
    const row = this.statement('SELECT * FROM workflows WHERE name = ?').get(name) as Row | undefined;
    return Promise.resolve(row && toWorkflow(row));
  }

  listWorkflows(): Promise<WorkflowRow[]> {
    const rows = this.statement('SELECT * FROM workflows ORDER BY name').all() as Row[];
    return Promise.resolve(rows.map(toWorkflow));
  }

  saveWorkflow(row: WorkflowRow): Promise<void> {
    this.statement(
      `INSERT INTO workflows (name, status, active_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET status = excluded.status, active_version = excluded.active_version, updated_at = excluded.updated_at`,
    ).run(row.name, row.status, row.activeVersion, row.createdAt, row.updatedAt);
    return Promise.resolve();
  }

  insertVersion(row: VersionRow): Promise<void> {
    this.statement(
      'INSERT INTO workflow_versions (workflow, version, content, content_hash, tests, author, created_at, mode, owner, labels, review_by, review) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      row.workflow,
      row.version,
      row.content,
      row.contentHash,
      row.tests,
      row.author,
      row.createdAt,
      row.mode,
      row.owner,
      JSON.stringify(row.labels),
      row.reviewBy,
      JSON.stringify(row.review),
    );
    return Promise.resolve();
  }

  getVersion(workflow: string, version: number): Promise<VersionRow | undefined> {
    const row = this.statement('SELECT * FROM workflow_versions WHERE workflow = ? AND version = ?').get(
      workflow,
      version,
    ) as Row | undefined;
    return Promise.resolve(row && toVersion(row));
  }

  latestVersion(workflow: string): Promise<VersionRow | undefined> {
    const row = this.statement(
      'SELECT * FROM workflow_versions WHERE workflow = ? ORDER BY version DESC LIMIT 1',
    ).get(workflow) as Row | undefined;
    return Promise.resolve(row && toVersion(row));
  }

  listVersions(workflow: string): Promise<VersionRow[]> {
    const rows = this.statement('SELECT * FROM workflow_versions WHERE workflow = ? ORDER BY version').all(
      workflow,
    ) as Row[];
    return Promise.resolve(rows.map(toVersion));
  }

  activeVersions(): Promise<VersionRow[]> {
    const rows = this.statement(
      `SELECT v.* FROM workflows w JOIN workflow_versions v ON v.workflow = w.name AND v.version = w.active_version
       WHERE w.status = 'active' ORDER BY w.name`,
    ).all() as Row[];
    return Promise.resolve(rows.map(toVersion));
  }

  recordActivation(row: ActivationRow): Promise<void> {
    this.statement(
      'INSERT INTO workflow_activations (workflow, version, kind, by, at) VALUES (?, ?, ?, ?, ?)',
    ).run(row.workflow, row.version, row.kind, row.by, row.at);
    return Promise.resolve();
  }

  listActivations(workflow: string): Promise<ActivationRow[]> {
    const rows = this.statement('SELECT * FROM workflow_activations WHERE workflow = ? ORDER BY seq').all(
      workflow,
    ) as Row[];
    return Promise.resolve(rows.map(toActivation));
  }
}
