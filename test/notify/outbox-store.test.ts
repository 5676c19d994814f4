import { describe, expect, it } from 'vitest';
import { defaultRetryPolicy, nextAttemptAt } from '../../src/notify/backoff.js';
import { scrubSecrets } from '../../src/notify/delivery-error.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { message } from './outbox-harness.js';

const at = 1_000_000;
const enqueue = (store: SqliteStore, channel: string, createdAt = at) =>
  store.transaction((tx) =>
    tx.notifications.enqueue({
      runId: 'run_1',
      workflow: 'w',
      channel,
      outcome: 'failed',
      message,
      createdAt,
    }),
  );

describe('notification outbox (SQLite)', () => {
  it('claims due rows once per lease, and again when the lease ends (at-least-once)', async () => {
    const store = SqliteStore.open(':memory:');
    const a = await enqueue(store, 'a');
    await enqueue(store, 'b', at + 10_000);
    expect(await store.transaction((tx) => tx.notifications.nextDue())).toBe(at);

    const claimed = await store.transaction((tx) => tx.notifications.claimDue(at, 10, 30_000));
    expect(claimed.map((n) => n.id)).toEqual([a]);
    expect(claimed[0]).toMatchObject({ status: 'pending', attempts: 0, message });
    expect(await store.transaction((tx) => tx.notifications.claimDue(at + 1, 10, 30_000))).toEqual([]);
    // The worker died: after the lease, both are due.
    const again = await store.transaction((tx) => tx.notifications.claimDue(at + 30_000, 10, 30_000));
    expect(again.map((n) => n.channel)).toEqual(['b', 'a']);
    await store.close();
  });

  it('records attempts: failed with a retry time, delivered, dead; lists by status and run', async () => {
    const store = SqliteStore.open(':memory:');
    const a = await enqueue(store, 'a');
    const b = await enqueue(store, 'b');
    await store.transaction(async (tx) => {
      await tx.notifications.recordAttempt(a, {
        ok: false,
        at: at + 1,
        error: 'boom',
        nextAttemptAt: at + 5000,
      });
      await tx.notifications.recordAttempt(a, { ok: true, at: at + 5001 });
      await tx.notifications.recordAttempt(b, { ok: false, at: at + 1, error: 'gone', nextAttemptAt: null });
    });
    const rows = await store.transaction((tx) => tx.notifications.listForRun('run_1'));
    expect(rows).toMatchObject([
      {
        id: a,
        status: 'delivered',
        attempts: 2,
        lastError: 'boom',
        deliveredAt: at + 5001,
        nextAttemptAt: null,
      },
      { id: b, status: 'dead', attempts: 1, lastError: 'gone', nextAttemptAt: null },
    ]);
    expect(await store.transaction((tx) => tx.notifications.list({ status: 'dead' }))).toHaveLength(1);
    expect(await store.transaction((tx) => tx.notifications.nextDue())).toBeNull();
    await store.close();
  });
});

describe('retry policy and scrubbing', () => {
  it('doubles the delay up to the cap, honours Retry-After, and stops at the maximum attempts', () => {
    const policy = { maxAttempts: 5, initialMs: 1000, maxMs: 5000 };
    expect([1, 2, 3, 4].map((n) => nextAttemptAt(policy, n, 0))).toEqual([1000, 2000, 4000, 5000]);
    expect(nextAttemptAt(policy, 5, 0)).toBeNull();
    expect(nextAttemptAt(policy, 1, 0, 3000)).toBe(3000);
    expect(nextAttemptAt(policy, 1, 0, 60_000)).toBe(5000);
    expect(nextAttemptAt(defaultRetryPolicy, 1, 0)).toBe(5000);
  });

  it('removes secrets, raw and URL-encoded', () => {
    expect(
      scrubSecrets('to https://h/x?k=a b and https%3A%2F%2Fh%2Fx%3Fk%3Da%20b', ['https://h/x?k=a b']),
    ).toBe('to [REDACTED] and [REDACTED]');
  });
});
