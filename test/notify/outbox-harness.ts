import type { ChannelConfig } from '../../src/core/model/config.js';
import { startNotifier, type NotificationResult, type NotifierOptions } from '../../src/notify/notifier.js';
import type { NotificationMessage, NotificationRow } from '../../src/store/notifications-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { ManualClock } from '../engine/helpers.js';

export const message: NotificationMessage = {
  runId: 'run_test_1',
  workflow: 'close-bucket',
  outcome: 'failed',
  reason: 'step close failed: <script> & co',
  resource: 'sandbox://bucket/demo-reports',
  stepsDone: ['snapshot-acl', 'close'],
  at: '2026-11-27T12:00:00.000Z',
};

/** A store, a manual clock, and a notifier that only delivers when the test drains it. */
export function outbox(
  channels: ChannelConfig[],
  secrets: Record<string, string>,
  extra: Partial<NotifierOptions> = {},
) {
  const store = SqliteStore.open(':memory:');
  const clock = new ManualClock();
  const results: { channel: string; result: NotificationResult }[] = [];
  const errors: Error[] = [];
  const notifier = startNotifier({
    store,
    channels,
    resolveSecret: (reference) => {
      const value = secrets[reference];
      if (value === undefined) throw new Error(`secret ${reference} is not set`);
      return value;
    },
    clock,
    pollMs: 3_600_000,
    timeoutMs: 2_000,
    publicUrl: 'https://rectify.example/',
    onResult: (channel, result) => results.push({ channel, result }),
    onError: (error) => errors.push(error),
    ...extra,
  });
  return {
    store,
    clock,
    notifier,
    results,
    errors,
    enqueue: (channel: string, m: NotificationMessage = message) =>
      store.transaction((tx) =>
        tx.notifications.enqueue({
          runId: m.runId,
          workflow: m.workflow,
          channel,
          outcome: m.outcome,
          message: m,
          createdAt: clock.now(),
        }),
      ),
    row: async (id: number): Promise<NotificationRow> => {
      const row = await store.transaction((tx) => tx.notifications.get(id));
      if (!row) throw new Error(`no notification ${id}`);
      return row;
    },
    audit: () => store.transaction((tx) => tx.auditRecords(0, 10_000)),
    close: async () => {
      await notifier.stop();
      await store.close();
    },
  };
}
