import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashRecord, verifyChain, type AuditRecord } from '../../src/audit/audit-record.js';
import { verifyAudit } from '../../src/audit/verify-audit.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { bucketEvent, harness, workflow } from '../engine/helpers.js';

/**
 * Tampering with the audit log of a real store file, with SQLite directly (what someone with
 * access to the file could do), is caught: the chain names the first bad record, and the head the
 * store keeps beside the chain catches records removed from the end.
 */

const closeBucket = workflow(`apiVersion: rectify.dev/v1
kind: Workflow
metadata: { name: close-bucket, owner: team:secops, description: test, reviewBy: 2027-03-01 }
spec:
  mode: enforce
  trigger: { source: scanner, types: [sandbox.bucket.public] }
  corroborate:
    - check: sandbox.bucket.get
      with: { bucket: "\${{ event.resource.bucket }}" }
      expect: result.access == "public"
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
`);

let dir: string;
let original: string;
/** Records in the original file. */
let total: number;
let copies = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rectify-tamper-'));
  original = join(dir, 'original.db');
  const h = await harness([closeBucket], { store: SqliteStore.open(original) });
  await h.engine.ingestBatch([bucketEvent('e1', 'demo-reports'), bucketEvent('e2', 'demo-exports')]);
  await h.engine.ingest({ id: 'bad' }); // rejected: an audit record too
  await h.engine.idle();
  expect(h.errors).toEqual([]);
  total = (await h.audit()).length;
  await h.engine.stop();
  await h.store.close();
  expect(total).toBeGreaterThan(12);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A copy of the original file, changed with SQLite directly, then opened as a store. */
function tampered(change: (db: Database.Database) => void): SqliteStore {
  const file = join(dir, `copy-${++copies}.db`);
  copyFileSync(original, file);
  if (existsSync(`${original}-wal`)) copyFileSync(`${original}-wal`, `${file}-wal`);
  const db = new Database(file);
  try {
    change(db);
  } finally {
    db.close();
  }
  return SqliteStore.open(file);
}

function row(db: Database.Database, seq: number): AuditRecord {
  const r = db.prepare('SELECT * FROM audit WHERE seq = ?').get(seq) as Record<
    string,
    string | number | null
  >;
  return {
    seq: Number(r.seq),
    at: String(r.at),
    kind: String(r.kind),
    runId: r.run_id === null ? null : String(r.run_id),
    data: JSON.parse(String(r.data)) as Record<string, unknown>,
    prevHash: String(r.prev_hash),
    hash: String(r.hash),
  };
}

function insert(db: Database.Database, record: AuditRecord): void {
  db.prepare(
    'INSERT INTO audit (seq, at, kind, run_id, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(
    record.seq,
    record.at,
    record.kind,
    record.runId,
    JSON.stringify(record.data),
    record.prevHash,
    record.hash,
  );
}

/** A record that looks genuine: its hash recomputed over its (forged) content. */
function forge(fields: Omit<AuditRecord, 'hash'>): AuditRecord {
  return { ...fields, hash: hashRecord(fields) };
}

async function verdicts(store: SqliteStore) {
  const chain = verifyChain(await store.transaction((tx) => tx.auditRecords(0, 100_000)));
  const audit = await verifyAudit(store, { pageSize: 5 });
  await store.close();
  return { chain, audit };
}

describe('audit tampering is caught', () => {
  it('the untouched file verifies', async () => {
    const { chain, audit } = await verdicts(tampered(() => undefined));
    expect(chain).toMatchObject({ ok: true, records: total, lastSeq: total });
    expect(audit).toMatchObject({ ok: true, records: total, head: { seq: total } });
  });

  it('EDIT: a record whose data was changed is named', async () => {
    const { chain, audit } = await verdicts(
      tampered((db) => {
        db.prepare(`UPDATE audit SET data = json_set(data, '$.forged', 1) WHERE seq = 5`).run();
      }),
    );
    expect(chain).toMatchObject({
      ok: false,
      firstBad: 5,
      problem: 'record 5 was modified: its content does not match its hash',
    });
    expect(audit).toMatchObject({ ok: false, kind: 'chain', firstBad: 5 });
  });

  it('EDIT with the hash recomputed: the chain breaks at the next record, and says the one before may be rewritten', async () => {
    const { chain } = await verdicts(
      tampered((db) => {
        const record = row(db, 5);
        const forged = forge({ ...record, data: { ...record.data, forged: true } });
        db.prepare('UPDATE audit SET data = ?, hash = ? WHERE seq = 5').run(
          JSON.stringify(forged.data),
          forged.hash,
        );
      }),
    );
    expect(chain).toMatchObject({ ok: false, firstBad: 6 });
    expect(chain.ok ? '' : chain.problem).toContain('record 5 was rewritten');
  });

  it('DELETE: a record removed from the middle is named by the record after the gap', async () => {
    const { chain, audit } = await verdicts(
      tampered((db) => {
        db.prepare('DELETE FROM audit WHERE seq = 7').run();
      }),
    );
    expect(chain).toMatchObject({
      ok: false,
      firstBad: 8,
      problem: 'the chain breaks at record 8: record 7 is missing before it',
    });
    expect(audit).toMatchObject({ ok: false, firstBad: 8 });
  });

  it('INSERT: a forged record with a recomputed hash but the wrong predecessor is named', async () => {
    const { chain, audit } = await verdicts(
      tampered((db) => {
        const last = row(db, total);
        insert(
          db,
          forge({
            seq: total + 1,
            at: last.at,
            kind: 'run.finished',
            runId: last.runId,
            data: { outcome: 'succeeded', reason: 'forged' },
            prevHash: row(db, total - 1).hash,
          }),
        );
      }),
    );
    expect(chain).toMatchObject({ ok: false, firstBad: total + 1 });
    expect(chain.ok ? '' : chain.problem).toContain('does not follow the record before it');
    expect(audit).toMatchObject({ ok: false, kind: 'chain', firstBad: total + 1 });
  });

  it('INSERT in the middle (later records renumbered): the forged record is named', async () => {
    const { chain } = await verdicts(
      tampered((db) => {
        const before = row(db, 4);
        db.prepare('UPDATE audit SET seq = -seq WHERE seq >= 5').run();
        db.prepare('UPDATE audit SET seq = -seq + 1 WHERE seq < 0').run();
        insert(
          db,
          forge({
            ...before,
            seq: 5,
            kind: 'approval.granted',
            data: { by: 'user:mallory' },
            prevHash: row(db, 3).hash,
          }),
        );
      }),
    );
    expect(chain).toMatchObject({ ok: false, firstBad: 5 });
  });

  it('INSERT at the end that links correctly: the chain verifies, the head does not', async () => {
    const { chain, audit } = await verdicts(
      tampered((db) => {
        const last = row(db, total);
        insert(db, forge({ ...last, seq: total + 1, data: { forged: true }, prevHash: last.hash }));
      }),
    );
    expect(chain.ok).toBe(true);
    expect(audit).toMatchObject({ ok: false, kind: 'beyond-head', firstBad: total + 1 });
  });

  it('REORDER: two records whose seq were swapped: the first of them is named', async () => {
    const { chain, audit } = await verdicts(
      tampered((db) => {
        db.prepare('UPDATE audit SET seq = -1 WHERE seq = 4').run();
        db.prepare('UPDATE audit SET seq = 4 WHERE seq = 9').run();
        db.prepare('UPDATE audit SET seq = 9 WHERE seq = -1').run();
      }),
    );
    expect(chain).toMatchObject({
      ok: false,
      firstBad: 4,
      problem: 'record 4 was modified: its content does not match its hash',
    });
    expect(audit).toMatchObject({ ok: false, firstBad: 4 });
  });

  it('TRUNCATE: the newest records removed leave a chain that verifies; the head names the first missing', async () => {
    const { chain, audit } = await verdicts(
      tampered((db) => {
        db.prepare('DELETE FROM audit WHERE seq > ?').run(total - 3);
      }),
    );
    expect(chain).toMatchObject({ ok: true, records: total - 3 });
    expect(audit).toMatchObject({
      ok: false,
      kind: 'truncated',
      firstBad: total - 2,
      problem: `the log was truncated: it ends at record ${total - 3}, but its head is record ${total}; record ${total - 2}..${total} is missing`,
    });
  });

  it('TRUNCATE, then the engine appends again: the gap stays visible (the next record chains from the head)', async () => {
    const store = tampered((db) => {
      db.prepare('DELETE FROM audit WHERE seq > ?').run(total - 3);
    });
    const h = await harness([closeBucket], { store });
    await h.engine.ingest(bucketEvent('e3', 'demo-photos'));
    await h.engine.idle();
    await h.engine.stop();
    const records = await store.transaction((tx) => tx.auditRecords(total - 4, 10));
    expect(records.map((r) => r.seq).slice(0, 2)).toEqual([total - 3, total + 1]);
    const { chain, audit } = await verdicts(store);
    expect(chain).toMatchObject({
      ok: false,
      firstBad: total + 1,
      problem: `the chain breaks at record ${total + 1}: record ${total - 2}..${total} is missing before it`,
    });
    expect(audit).toMatchObject({ ok: false, firstBad: total + 1 });
  });

  it('REWRITE from a record on, every hash recomputed: only the head catches it', async () => {
    const { chain, audit } = await verdicts(
      tampered((db) => {
        let previous = row(db, 9);
        for (let seq = 10; seq <= total; seq++) {
          const record = row(db, seq);
          const forged = forge({
            ...record,
            data: { ...record.data, rewritten: true },
            prevHash: previous.hash,
          });
          db.prepare('UPDATE audit SET data = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(
            JSON.stringify(forged.data),
            forged.prevHash,
            forged.hash,
            seq,
          );
          previous = forged;
        }
      }),
    );
    expect(chain.ok).toBe(true);
    expect(audit).toMatchObject({ ok: false, kind: 'head-mismatch', firstBad: total });
  });

  it('the head removed: the end of the log cannot be vouched for', async () => {
    const { audit } = await verdicts(
      tampered((db) => {
        db.prepare(`DELETE FROM settings WHERE key = 'audit.head'`).run();
      }),
    );
    expect(audit).toMatchObject({ ok: false, kind: 'head-missing', firstBad: total });
  });
});
