import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/verify-audit.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { storeConformance } from './store-conformance.js';

storeConformance('sqlite (:memory:)', () => SqliteStore.open(':memory:'));

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rectify-store-'));
  dirs.push(dir);
  return join(dir, 'nested', 'rectify.db');
}

storeConformance('sqlite (file)', () => SqliteStore.open(tempFile()));

describe('SqliteStore', () => {
  it('says it is the embedded, single-node store', () => {
    const store = SqliteStore.open(':memory:');
    expect(store.capabilities).toEqual({
      dialect: 'sqlite',
      skipLocked: false,
      advisoryLocks: false,
      multiNode: false,
    });
    return store.close();
  });

  it('creates the file (and its folder); what was committed is there after a reopen, audit head included', async () => {
    const file = tempFile();
    const store = SqliteStore.open(file);
    await store.transaction(async (tx) => {
      await tx.setSetting('kill-switch', 'on');
      await tx.appendAudit({
        at: '2026-11-27T12:00:00.000Z',
        kind: 'kill-switch.on',
        runId: null,
        data: { by: 'user:carol' },
      });
    });
    await store.close();
    const reopened = SqliteStore.open(file);
    expect(await reopened.transaction((tx) => tx.getSetting('kill-switch'))).toBe('on');
    const [record] = await reopened.transaction((tx) => tx.auditRecords(0, 10));
    expect(await reopened.transaction((tx) => tx.getSetting('audit.head'))).toBe(`1:${record?.hash}`);
    expect(await verifyAudit(reopened)).toMatchObject({ ok: true, records: 1 });
    await reopened.close();
  });

  it('transactions asked for before close still run; close then ends the store', async () => {
    const store = SqliteStore.open(':memory:');
    const pending = store.transaction((tx) => tx.setSetting('k', 'v'));
    const closed = store.close();
    await pending;
    await closed;
    await expect(store.transaction((tx) => tx.getSetting('k'))).rejects.toThrow();
  });
});
