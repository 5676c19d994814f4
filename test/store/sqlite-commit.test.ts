import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/verify-audit.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rectify-group-'));
  dirs.push(dir);
  return join(dir, 'rectify.db');
}

/** The store's connection: only to make a COMMIT fail on purpose. */
const connection = (store: SqliteStore) => (store as unknown as { db: Database.Database }).db;

const entry = (n: number) => ({
  at: '2026-11-27T12:00:00.000Z',
  kind: `test.${n}`,
  runId: null,
  data: { n },
});

describe('SqliteStore group commit (transactions queued together share one COMMIT)', () => {
  it('a transaction resolves only once committed: another connection already sees its writes', async () => {
    const file = tempFile();
    const store = SqliteStore.open(file);
    const other = new Database(file, { readonly: true });
    const seen = (key: string) =>
      (other.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)
        ?.value;
    const checks = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store
          .transaction(async (tx) => {
            await tx.setSetting(`k${i}`, `v${i}`);
            await tx.appendAudit(entry(i));
          })
          .then(() => seen(`k${i}`)),
      ),
    );
    expect(checks).toEqual(Array.from({ length: 50 }, (_, i) => `v${i}`));
    other.close();
    expect(await verifyAudit(store)).toMatchObject({ ok: true, records: 50 });
    await store.close();
  });

  it('reads the audit head inside a transaction after its own append: the setting names that record', async () => {
    const store = SqliteStore.open(':memory:');
    const [record, head] = await store.transaction(async (tx) => {
      const appended = await tx.appendAudit(entry(1));
      return [appended, await tx.getSetting('audit.head')] as const;
    });
    expect(head).toBe(`1:${record.hash}`);
    await store.close();
  });

  it('a transaction rolled back between two others keeps the head and the chain of the others', async () => {
    const store = SqliteStore.open(':memory:');
    const outcomes = await Promise.allSettled([
      store.transaction((tx) => tx.appendAudit(entry(1))),
      store.transaction(async (tx) => {
        await tx.appendAudit(entry(2));
        await tx.appendAudit(entry(3));
        throw new Error('boom');
      }),
      store.transaction(async (tx) => {
        await tx.appendAudit(entry(4));
        return tx.getSetting('audit.head');
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const records = await store.transaction((tx) => tx.auditRecords(0, 10));
    expect(records.map((r) => [r.seq, r.kind])).toEqual([
      [1, 'test.1'],
      [2, 'test.4'],
    ]);
    expect(outcomes[2]).toMatchObject({ value: `2:${records[1]?.hash}` });
    expect(await verifyAudit(store)).toMatchObject({ ok: true, records: 2, head: { seq: 2 } });
    await store.close();
  });

  it('when the shared COMMIT fails, every transaction of the group rejects and none is kept', async () => {
    const store = SqliteStore.open(':memory:');
    const outcomes = await Promise.allSettled([
      store.transaction((tx) => tx.setSetting('a', '1')),
      store.transaction(async (tx) => {
        // A foreign key checked at COMMIT (deferred): the statement passes, the COMMIT fails.
        connection(store).pragma('defer_foreign_keys = ON');
        await tx.setSetting('b', '1');
        await tx.insertRun({
          id: 'run_orphan',
          workflow: 'w',
          version: 'v',
          mode: 'enforce',
          eventSeq: 999,
          resourceKey: 'r',
          dedupeKey: null,
          status: 'ready',
          outcome: null,
          reason: null,
          state: { phase: 'start', index: 0, attempt: 1, steps: {}, done: [] },
          wakeAt: null,
          createdAt: 0,
          updatedAt: 0,
          finishedAt: null,
        });
      }),
      store.transaction((tx) => tx.appendAudit(entry(1))),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await store.transaction((tx) => tx.getSetting('a'))).toBeUndefined();
    expect(await store.transaction((tx) => tx.auditRecords(0, 10))).toEqual([]);
    // The store goes on.
    await store.transaction((tx) => tx.setSetting('a', '2'));
    expect(await store.transaction((tx) => tx.getSetting('a'))).toBe('2');
    await store.close();
  });
});

describe('SqliteStore background checkpoints', () => {
  it('copies the WAL into the database file off the engine thread, soon after commits', async () => {
    const file = tempFile();
    const store = SqliteStore.open(file);
    const before = statSync(file).size;
    // Far below the backstop at which the store's own connection would checkpoint.
    await store.transaction(async (tx) => {
      for (let i = 0; i < 100; i++) await tx.setSetting(`k${i}`, 'x'.repeat(2000));
    });
    const deadline = Date.now() + 5000;
    while (statSync(file).size <= before && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(statSync(file).size).toBeGreaterThan(before);
    await store.close();
    // Closed cleanly: the last connection removed the WAL, and everything is in the file.
    const reopened = SqliteStore.open(file);
    expect(await reopened.transaction((tx) => tx.getSetting('k99'))).toBe('x'.repeat(2000));
    await reopened.close();
  });
});
