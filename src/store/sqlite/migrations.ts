import { notificationsMigration } from './notifications-sqlite.js';
import { tokensMigration } from './tokens-sqlite.js';
import { versionsMigration } from './versions-sqlite.js';

/**
 * Numbered migrations of the SQLite store. Append only: a migration that has run is never edited;
 * a change is a new migration. The schema they produce is committed as schema.sql and a test
 * compares the two.
 */
export const sqliteMigrations: readonly {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  envelope TEXT NOT NULL,
  original TEXT,
  UNIQUE (source, id)
);

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  workflow TEXT NOT NULL,
  version TEXT NOT NULL,
  mode TEXT NOT NULL,
  event_seq INTEGER NOT NULL REFERENCES events (seq),
  resource_key TEXT NOT NULL,
  dedupe_key TEXT,
  status TEXT NOT NULL,
  outcome TEXT,
  reason TEXT,
  state TEXT NOT NULL,
  wake_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX runs_by_workflow_created ON runs (workflow, created_at);
CREATE INDEX runs_unfinished ON runs (status) WHERE status <> 'done';
CREATE INDEX runs_wake ON runs (wake_at) WHERE status = 'sleeping';
CREATE INDEX runs_dedupe ON runs (workflow, dedupe_key, created_at) WHERE dedupe_key IS NOT NULL;

CREATE TABLE attempts (
  run_id TEXT NOT NULL REFERENCES runs (id),
  step_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  action TEXT NOT NULL,
  idempotent INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL,
  params TEXT NOT NULL,
  intent_at INTEGER NOT NULL,
  result TEXT,
  result_at INTEGER,
  PRIMARY KEY (run_id, step_id, purpose, attempt)
);

CREATE TABLE changes (
  workflow TEXT NOT NULL,
  resource_key TEXT NOT NULL,
  run_id TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX changes_by_workflow ON changes (workflow, at);

CREATE TABLE workflow_controls (
  workflow TEXT PRIMARY KEY,
  paused INTEGER NOT NULL,
  reason TEXT,
  updated_at INTEGER NOT NULL
);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  run_id TEXT,
  data TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_by_run ON audit (run_id) WHERE run_id IS NOT NULL;
`,
  },
  {
    version: 2,
    name: 'runs-by-event',
    // Shadow comparison and run timelines look up the runs of one event.
    sql: 'CREATE INDEX runs_by_event ON runs (event_seq);',
  },
  tokensMigration,
  versionsMigration,
  notificationsMigration,
];
