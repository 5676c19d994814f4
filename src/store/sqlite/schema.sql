CREATE TRIGGER workflow_versions_no_delete BEFORE DELETE ON workflow_versions
BEGIN
  SELECT RAISE(ABORT, 'workflow versions are immutable: retire the workflow instead');
END;

CREATE TRIGGER workflow_versions_no_update BEFORE UPDATE ON workflow_versions
BEGIN
  SELECT RAISE(ABORT, 'workflow versions are immutable: propose a new version instead');
END;

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

CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  run_id TEXT,
  data TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);

CREATE TABLE changes (
  workflow TEXT NOT NULL,
  resource_key TEXT NOT NULL,
  run_id TEXT NOT NULL,
  at INTEGER NOT NULL
);

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

CREATE TABLE notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  workflow TEXT NOT NULL,
  channel TEXT NOT NULL,
  outcome TEXT NOT NULL,
  message TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_attempt_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  delivered_at INTEGER
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

CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  subject TEXT NOT NULL,
  description TEXT,
  bootstrap INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER,
  revoked_by TEXT,
  last_used_at INTEGER
);

CREATE TABLE workflow_activations (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  workflow TEXT NOT NULL REFERENCES workflows (name),
  version INTEGER,
  kind TEXT NOT NULL,
  by TEXT NOT NULL,
  at INTEGER NOT NULL
);

CREATE TABLE workflow_controls (
  workflow TEXT PRIMARY KEY,
  paused INTEGER NOT NULL,
  reason TEXT,
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

CREATE TABLE workflows (
  name TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  active_version INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE INDEX audit_by_run ON audit (run_id) WHERE run_id IS NOT NULL;

CREATE INDEX changes_by_workflow ON changes (workflow, at);

CREATE INDEX notifications_by_run ON notifications (run_id);

CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE next_attempt_at IS NOT NULL;

CREATE INDEX runs_by_event ON runs (event_seq);

CREATE INDEX runs_by_workflow_created ON runs (workflow, created_at);

CREATE INDEX runs_dedupe ON runs (workflow, dedupe_key, created_at) WHERE dedupe_key IS NOT NULL;

CREATE INDEX runs_unfinished ON runs (status) WHERE status <> 'done';

CREATE INDEX runs_wake ON runs (wake_at) WHERE status = 'sleeping';

CREATE INDEX tokens_by_subject ON tokens (subject);

CREATE INDEX workflow_activations_by_workflow ON workflow_activations (workflow, seq);
