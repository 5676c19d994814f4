import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteMigrations } from '../../src/store/sqlite/migrations.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const committed = new URL('../../src/store/sqlite/schema.sql', import.meta.url);
const regenerate = `npx tsx -e "import { writeFileSync } from 'node:fs'; import { SqliteStore } from './src/store/sqlite/sqlite-store.ts'; const s = SqliteStore.open(':memory:'); writeFileSync('src/store/sqlite/schema.sql', s.schemaDump()); void s.close();"`;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('SQLite schema', () => {
  it('a freshly migrated store has exactly the committed schema.sql', async () => {
    const store = SqliteStore.open(':memory:');
    const dump = store.schemaDump();
    await store.close();
    expect(dump, `src/store/sqlite/schema.sql is out of date; regenerate it with:\n${regenerate}`).toBe(
      readFileSync(committed, 'utf8'),
    );
  });

  it('migrations are idempotent: opening the same file again applies nothing twice and keeps the data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rectify-schema-'));
    dirs.push(dir);
    const file = join(dir, 'rectify.db');
    const first = SqliteStore.open(file);
    await first.transaction((tx) => tx.setSetting('kept', 'yes'));
    const dump = first.schemaDump();
    await first.close();

    const second = SqliteStore.open(file);
    expect(second.schemaDump()).toBe(dump);
    expect(await second.transaction((tx) => tx.getSetting('kept'))).toBe('yes');
    await second.close();
    const third = SqliteStore.open(file);
    await third.close();

    const db = new Database(file, { readonly: true });
    try {
      const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
      expect(applied).toEqual(sqliteMigrations.map((m) => ({ version: m.version, name: m.name })));
    } finally {
      db.close();
    }
  });

  it('migrations are numbered 1, 2, 3 ... in order, with distinct names', () => {
    expect(sqliteMigrations.map((m) => m.version)).toEqual(sqliteMigrations.map((_, i) => i + 1));
    expect(new Set(sqliteMigrations.map((m) => m.name)).size).toBe(sqliteMigrations.length);
  });
});
