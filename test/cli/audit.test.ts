import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const examples = join(import.meta.dirname, '..', '..', 'examples');
const roots: string[] = [];

/** A copy of examples/ with one sandbox run in its store; returns the folder and the store file. */
async function storeWithARun(): Promise<{ cwd: string; db: string }> {
  const root = mkdtempSync(join(tmpdir(), 'rectify-audit-'));
  roots.push(root);
  cpSync(examples, join(root, 'examples'), { recursive: true });
  const cwd = join(root, 'examples');
  const run = await runCli(['run', '--event', 'events/sandbox-public-bucket.json'], { cwd });
  expect(run.code).toBe(0);
  return { cwd, db: join(cwd, '.rectify', 'rectify.db') };
}

function tamper(db: string, sql: string, ...params: unknown[]): void {
  const connection = new Database(db);
  try {
    connection.prepare(sql).run(...params);
  } finally {
    connection.close();
  }
}

function count(db: string): number {
  const connection = new Database(db, { readonly: true });
  try {
    return (connection.prepare('SELECT COUNT(*) AS n FROM audit').get() as { n: number }).n;
  } finally {
    connection.close();
  }
}

let store: { cwd: string; db: string };

beforeEach(async () => {
  store = await storeWithARun();
});

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('rectify audit verify', () => {
  it('passes on an untouched store, with the count and the head', async () => {
    const run = await runCli(['audit', 'verify'], { cwd: store.cwd });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(
      new RegExp(`^audit log intact: ${count(store.db)} records, head [0-9a-f]{64}$`),
    );
    const json = await runCli(['audit', 'verify', '--format', 'json'], { cwd: store.cwd });
    expect(JSON.parse(json.stdout)).toMatchObject({ version: 1, intact: true, records: count(store.db) });
  });

  it('names the record that was modified', async () => {
    tamper(store.db, "UPDATE audit SET data = json_set(data, '$.params.bucket', 'demo-other') WHERE seq = 7");
    const run = await runCli(['audit', 'verify'], { cwd: store.cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('audit log BROKEN at record 7: record 7 was modified');
    expect(run.stdout).toMatch(/record 7: \S+ action\.intent \(run run_\S+\)/);
    const json = await runCli(['audit', 'verify', '--format', 'json'], { cwd: store.cwd });
    expect(JSON.parse(json.stdout)).toMatchObject({ intact: false, firstBad: 7, kind: 'chain' });
  });

  it('names the record after one that was deleted', async () => {
    tamper(store.db, 'DELETE FROM audit WHERE seq = 4');
    const run = await runCli(['audit', 'verify'], { cwd: store.cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'audit log BROKEN at record 5: the chain breaks at record 5: record 4 is missing',
    );
  });

  it('notices the newest records cut off the end', async () => {
    const total = count(store.db);
    tamper(store.db, 'DELETE FROM audit WHERE seq >= ?', total - 1);
    const run = await runCli(['audit', 'verify'], { cwd: store.cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`audit log BROKEN at record ${total - 1}: the log was truncated`);
  });

  it('exits 3 where there is no store', async () => {
    const run = await runCli(['audit', 'verify', '--store', 'sqlite:nowhere/r.db'], { cwd: store.cwd });
    expect(run.code).toBe(3);
  });
});

describe('rectify audit export', () => {
  it('writes every record as one JSON object per line', async () => {
    const run = await runCli(['audit', 'export', '--format', 'jsonl'], { cwd: store.cwd });
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(count(store.db));
    const records = lines.map(
      (line) => JSON.parse(line) as { seq: number; kind: string; hash: string; prevHash: string },
    );
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    expect(records[0]).toMatchObject({ kind: 'event.accepted', prevHash: '0'.repeat(64) });
    for (const [i, record] of records.entries())
      if (i > 0) expect(record.prevHash).toBe(records[i - 1]?.hash);
  });

  it('starts after --since', async () => {
    const run = await runCli(['audit', 'export', '--since', '3'], { cwd: store.cwd });
    const seqs = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { seq: number }).seq);
    expect(seqs[0]).toBe(4);
    expect(seqs).toHaveLength(count(store.db) - 3);
    expect((await runCli(['audit', 'export', '--since', 'yesterday'], { cwd: store.cwd })).code).toBe(2);
  });

  it('pages through a log longer than a page, for export and verify alike', async () => {
    // 600 more events about the same bucket: each is deduplicated, two records apiece.
    const event = JSON.parse(
      readFileSync(join(store.cwd, 'events', 'sandbox-public-bucket.json'), 'utf8'),
    ) as Record<string, unknown>;
    const batch = Array.from({ length: 600 }, (_, i) => ({ ...event, id: `storm-${i}` }));
    writeFileSync(join(store.cwd, 'storm.json'), JSON.stringify(batch));
    const storm = await runCli(['run', '--event', 'storm.json', '--format', 'json'], { cwd: store.cwd });
    expect(storm.code).toBe(0);
    const total = count(store.db);
    expect(total).toBeGreaterThan(1000);
    const run = await runCli(['audit', 'export'], { cwd: store.cwd });
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(total);
    const verify = await runCli(['audit', 'verify'], { cwd: store.cwd });
    expect(verify.stdout).toContain(`audit log intact: ${total} records`);
  });
});
