import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/audit/audit-record.js';
import { verifyAudit } from '../../src/audit/verify-audit.js';
import { initialRunState } from '../../src/core/run/run-state.js';
import type { RunOutcome } from '../../src/core/types.js';
import type { RunRow, Store, StoredEvent } from '../../src/store/store.js';

/**
 * The behaviour every Store must have, whatever the database: one suite, run against the SQLite
 * store always and against the PostgreSQL store when it is reachable (hono's common-case
 * pattern). A store passes it through the interface alone: nothing here knows the dialect.
 * @example storeConformance('sqlite', () => SqliteStore.open(':memory:'))
 */
export function storeConformance(name: string, open: () => Store | Promise<Store>): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    const t0 = Date.parse('2026-11-27T12:00:00Z');

    const event = (id: string, source = 'scanner'): Omit<StoredEvent, 'seq'> => ({
      source,
      id,
      type: 'sandbox.bucket.public',
      receivedAt: t0,
      envelope: {
        id,
        source,
        type: 'sandbox.bucket.public',
        time: '2026-11-27T10:00:00Z',
        severity: 'high',
        resource: { id: `sandbox://bucket/${id}`, bucket: id },
        data: { access: 'public' },
      },
      original: { raw: id },
    });

    let eventSeq = 0;
    /** Inserts an event and a run on it; `changes` override the row. */
    async function run(changes: Partial<RunRow> & { id: string }): Promise<RunRow> {
      return store.transaction(async (tx) => {
        const stored = await tx.insertEvent(event(`for-${changes.id}-${++eventSeq}`));
        const row: RunRow = {
          workflow: 'close-bucket',
          version: 'sha256:0123456789abcdef',
          mode: 'enforce',
          eventSeq: stored.seq,
          resourceKey: 'sandbox://bucket/a',
          dedupeKey: null,
          status: 'ready',
          outcome: null,
          reason: null,
          state: initialRunState(),
          wakeAt: null,
          createdAt: t0,
          updatedAt: t0,
          finishedAt: null,
          ...changes,
        };
        await tx.insertRun(row);
        return row;
      });
    }
    const done = (outcome: RunOutcome, more: Partial<RunRow> = {}): Partial<RunRow> => ({
      status: 'done',
      outcome,
      reason: `ended ${outcome}`,
      finishedAt: t0,
      ...more,
    });

    it('says what it can do', () => {
      expect(['sqlite', 'postgres']).toContain(store.capabilities.dialect);
      expect(typeof store.capabilities.skipLocked).toBe('boolean');
      expect(typeof store.capabilities.multiNode).toBe('boolean');
    });

    describe('events', () => {
      it('stores an event once per (source, id): a duplicate says so and keeps the first', async () => {
        const first = await store.transaction((tx) => tx.insertEvent(event('e1')));
        expect(first.duplicate).toBe(false);
        const again = await store.transaction((tx) =>
          tx.insertEvent({ ...event('e1'), type: 'changed', receivedAt: t0 + 1 }),
        );
        expect(again).toEqual({ seq: first.seq, duplicate: true });
        const otherSource = await store.transaction((tx) => tx.insertEvent(event('e1', 'other')));
        expect(otherSource.duplicate).toBe(false);
        expect(otherSource.seq).toBeGreaterThan(first.seq);
        const stored = await store.transaction((tx) => tx.getEvent(first.seq));
        expect(stored).toMatchObject({
          seq: first.seq,
          source: 'scanner',
          id: 'e1',
          type: 'sandbox.bucket.public',
          receivedAt: t0,
          envelope: event('e1').envelope,
          original: { raw: 'e1' },
        });
      });

      it('an unknown seq is undefined; an event without its original keeps none', async () => {
        expect(await store.transaction((tx) => tx.getEvent(12345))).toBeUndefined();
        const { seq } = await store.transaction((tx) =>
          tx.insertEvent({ ...event('e2'), original: undefined }),
        );
        expect((await store.transaction((tx) => tx.getEvent(seq)))?.original ?? null).toBeNull();
      });
    });

    describe('runs', () => {
      it('insert, get and update round-trip every field, the state as JSON', async () => {
        const state = {
          ...initialRunState(),
          phase: 'steps' as const,
          steps: {
            close: { status: 'done' as const, attempts: 2, params: { bucket: 'a' }, output: { ok: [1, 2] } },
          },
          done: ['close'],
        };
        const inserted = await run({ id: 'r1', dedupeKey: 'k', state, wakeAt: t0 + 5 });
        expect(await store.transaction((tx) => tx.getRun('r1'))).toEqual(inserted);

        await store.transaction((tx) =>
          tx.updateRun('r1', {
            status: 'done',
            outcome: 'succeeded',
            reason: 'ok',
            wakeAt: null,
            finishedAt: t0 + 9,
            updatedAt: t0 + 9,
          }),
        );
        expect(await store.transaction((tx) => tx.getRun('r1'))).toEqual({
          ...inserted,
          status: 'done',
          outcome: 'succeeded',
          reason: 'ok',
          wakeAt: null,
          finishedAt: t0 + 9,
          updatedAt: t0 + 9,
        });
        // Fields left out (or undefined) are not changed.
        await store.transaction((tx) => tx.updateRun('r1', { reason: 'later', outcome: undefined }));
        expect(await store.transaction((tx) => tx.getRun('r1'))).toMatchObject({
          outcome: 'succeeded',
          reason: 'later',
        });
      });

      it('get of an unknown run is undefined; update of one throws', async () => {
        expect(await store.transaction((tx) => tx.getRun('nope'))).toBeUndefined();
        await expect(store.transaction((tx) => tx.updateRun('nope', { status: 'done' }))).rejects.toThrow();
      });

      it('list filters by workflow, outcome and status, newest first, up to a limit', async () => {
        await run({ id: 'a', createdAt: t0 + 1 });
        await run({ id: 'b', createdAt: t0 + 2, ...done('succeeded') });
        await run({ id: 'c', createdAt: t0 + 3, ...done('skipped') });
        await run({ id: 'd', createdAt: t0 + 4, workflow: 'other', ...done('succeeded') });
        const ids = async (
          filter: Parameters<import('../../src/store/store.js').StoreTransaction['listRuns']>[0],
        ) => (await store.transaction((tx) => tx.listRuns(filter))).map((r) => r.id);
        expect(await ids({})).toEqual(['d', 'c', 'b', 'a']);
        expect(await ids({ workflow: 'close-bucket' })).toEqual(['c', 'b', 'a']);
        expect(await ids({ outcome: 'succeeded' })).toEqual(['d', 'b']);
        expect(await ids({ workflow: 'close-bucket', outcome: 'succeeded' })).toEqual(['b']);
        expect(await ids({ status: 'ready' })).toEqual(['a']);
        expect(await ids({ limit: 2 })).toEqual(['d', 'c']);
      });

      it('unfinished runs are those not done, oldest first', async () => {
        await run({ id: 'late', createdAt: t0 + 2, status: 'sleeping', wakeAt: t0 + 10 });
        await run({ id: 'early', createdAt: t0 + 1, status: 'running' });
        await run({ id: 'waiting', createdAt: t0 + 3, status: 'awaiting_approval' });
        await run({ id: 'over', ...done('failed') });
        expect((await store.transaction((tx) => tx.unfinishedRuns())).map((r) => r.id)).toEqual([
          'early',
          'late',
          'waiting',
        ]);
      });
    });

    describe('timers', () => {
      it('dueRuns: sleeping runs and passed approval deadlines due by now, soonest first, up to a limit', async () => {
        await run({ id: 'soon', status: 'sleeping', wakeAt: t0 + 10 });
        await run({ id: 'sooner', status: 'sleeping', wakeAt: t0 + 5 });
        await run({ id: 'later', status: 'sleeping', wakeAt: t0 + 100 });
        await run({ id: 'deadline', status: 'awaiting_approval', wakeAt: t0 + 7 });
        await run({ id: 'no-deadline', status: 'awaiting_approval', wakeAt: null });
        await run({ id: 'finished', ...done('succeeded'), wakeAt: t0 });
        await run({ id: 'ready', status: 'ready' });
        const due = async (now: number, limit = 10) =>
          (await store.transaction((tx) => tx.dueRuns(now, limit))).map((r) => r.id);
        expect(await due(t0)).toEqual([]);
        expect(await due(t0 + 10)).toEqual(['sooner', 'deadline', 'soon']);
        expect(await due(t0 + 10, 2)).toEqual(['sooner', 'deadline']);
        expect(await due(t0 + 1000)).toEqual(['sooner', 'deadline', 'soon', 'later']);
      });

      it('nextWake: the soonest timer, null when there is none; always found by dueRuns', async () => {
        expect(await store.transaction((tx) => tx.nextWake())).toBeNull();
        await run({ id: 'deadline', status: 'awaiting_approval', wakeAt: t0 + 30 });
        expect(await store.transaction((tx) => tx.nextWake())).toBe(t0 + 30);
        await run({ id: 'sleeper', status: 'sleeping', wakeAt: t0 + 20 });
        await run({ id: 'finished', ...done('succeeded'), wakeAt: t0 + 1 });
        const next = await store.transaction((tx) => tx.nextWake());
        expect(next).toBe(t0 + 20);
        expect((await store.transaction((tx) => tx.dueRuns(next ?? 0, 10))).map((r) => r.id)).toEqual([
          'sleeper',
        ]);
      });
    });

    describe('limits and dedupe', () => {
      it('counts runs started since a time, without the runs that never started', async () => {
        await run({ id: 'old', createdAt: t0 - 10, ...done('succeeded') });
        await run({ id: 'r1', createdAt: t0 });
        await run({ id: 'r2', createdAt: t0 + 1, ...done('failed') });
        for (const outcome of ['exempted', 'deduplicated', 'rate-limited', 'paused'] as const)
          await run({ id: `not-${outcome}`, createdAt: t0 + 2, ...done(outcome) });
        await run({ id: 'other', createdAt: t0, workflow: 'other' });
        expect(await store.transaction((tx) => tx.countRunsStarted('close-bucket', t0))).toBe(2);
        expect(await store.transaction((tx) => tx.countRunsStarted('close-bucket', t0 - 10))).toBe(3);
        expect(await store.transaction((tx) => tx.countRunsStarted('nothing', 0))).toBe(0);
      });

      it('counts a workflow’s unfinished runs (concurrency)', async () => {
        await run({ id: 'a', status: 'ready' });
        await run({ id: 'b', status: 'sleeping', wakeAt: t0 });
        await run({ id: 'c', status: 'awaiting_approval' });
        await run({ id: 'd', status: 'running' });
        await run({ id: 'e', ...done('succeeded') });
        await run({ id: 'f', status: 'running', workflow: 'other' });
        expect(await store.transaction((tx) => tx.countUnfinishedRuns('close-bucket'))).toBe(4);
      });

      it('finds the latest run with a dedupe key in the window, never a run that did not start', async () => {
        await run({ id: 'older', dedupeKey: 'k', createdAt: t0, ...done('succeeded') });
        await run({ id: 'newer', dedupeKey: 'k', createdAt: t0 + 5 });
        await run({ id: 'deduped', dedupeKey: 'k', createdAt: t0 + 6, ...done('deduplicated') });
        await run({ id: 'limited', dedupeKey: 'k', createdAt: t0 + 7, ...done('rate-limited') });
        await run({ id: 'elsewhere', dedupeKey: 'k', createdAt: t0 + 8, workflow: 'other' });
        const find = (key: string, since: number) =>
          store.transaction(async (tx) => (await tx.findRunByDedupeKey('close-bucket', key, since))?.id);
        expect(await find('k', t0)).toBe('newer');
        expect(await find('k', t0 + 6)).toBeUndefined();
        expect(await find('other-key', 0)).toBeUndefined();
      });

      it('changed resources are distinct and windowed; resources in flight are those of unfinished runs', async () => {
        await store.transaction(async (tx) => {
          await tx.recordChange({ workflow: 'close-bucket', resourceKey: 'a', runId: 'r1', at: t0 });
          await tx.recordChange({ workflow: 'close-bucket', resourceKey: 'a', runId: 'r2', at: t0 + 1 });
          await tx.recordChange({ workflow: 'close-bucket', resourceKey: 'b', runId: 'r3', at: t0 + 2 });
          await tx.recordChange({ workflow: 'other', resourceKey: 'c', runId: 'r4', at: t0 + 2 });
        });
        const changed = (since: number) =>
          store.transaction(async (tx) => (await tx.changedResources('close-bucket', since)).sort());
        expect(await changed(t0)).toEqual(['a', 'b']);
        expect(await changed(t0 + 2)).toEqual(['b']);
        expect(await changed(t0 + 3)).toEqual([]);

        await run({ id: 'x', resourceKey: 'p', status: 'running' });
        await run({ id: 'y', resourceKey: 'p', status: 'sleeping', wakeAt: t0 });
        await run({ id: 'z', resourceKey: 'q', status: 'ready' });
        await run({ id: 'w', resourceKey: 'r', ...done('succeeded') });
        await run({ id: 'v', resourceKey: 's', status: 'ready', workflow: 'other' });
        expect((await store.transaction((tx) => tx.resourcesInFlight('close-bucket'))).sort()).toEqual([
          'p',
          'q',
        ]);
      });
    });

    describe('attempts: intent before action, result after', () => {
      const intent = (
        attempt: number,
        stepId = 'close',
        purpose: 'step' | 'snapshot' = 'step',
        intentAt = t0 + attempt,
      ) => ({
        runId: 'r1',
        stepId,
        purpose,
        attempt,
        action: 'sandbox.bucket.set-access',
        idempotent: true,
        idempotencyKey: `r1:${stepId}`,
        params: { bucket: 'a', access: 'private' },
        intentAt,
      });

      it('an intent is open until its result is recorded; a result is recorded once', async () => {
        await run({ id: 'r1', status: 'running' });
        await store.transaction((tx) => tx.recordIntent(intent(1)));
        expect(await store.transaction((tx) => tx.openAttempts('r1'))).toEqual([
          { ...intent(1), result: null, resultAt: null },
        ]);
        await store.transaction((tx) =>
          tx.recordResult(
            { runId: 'r1', stepId: 'close', purpose: 'step', attempt: 1 },
            { ok: true, output: { access: 'private' } },
            t0 + 50,
          ),
        );
        expect(await store.transaction((tx) => tx.openAttempts('r1'))).toEqual([]);
        expect(await store.transaction((tx) => tx.listAttempts('r1'))).toEqual([
          { ...intent(1), result: { ok: true, output: { access: 'private' } }, resultAt: t0 + 50 },
        ]);
        // A late second result (a zombie process) is refused, not overwritten.
        await expect(
          store.transaction((tx) =>
            tx.recordResult(
              { runId: 'r1', stepId: 'close', purpose: 'step', attempt: 1 },
              { ok: false, error: 'late' },
              t0 + 60,
            ),
          ),
        ).rejects.toThrow();
        await expect(
          store.transaction((tx) =>
            tx.recordResult({ runId: 'r1', stepId: 'nope', purpose: 'step', attempt: 1 }, { ok: true }, t0),
          ),
        ).rejects.toThrow();
      });

      it('the same attempt cannot be recorded twice', async () => {
        await run({ id: 'r1', status: 'running' });
        await store.transaction((tx) => tx.recordIntent(intent(1)));
        await expect(store.transaction((tx) => tx.recordIntent(intent(1)))).rejects.toThrow();
      });

      it('lists attempts in intent order; nextAttempt numbers per step and purpose', async () => {
        await run({ id: 'r1', status: 'running' });
        expect(await store.transaction((tx) => tx.nextAttempt('r1', 'close', 'step'))).toEqual({
          attempt: 1,
          lastIntentAt: null,
        });
        await store.transaction(async (tx) => {
          await tx.recordIntent(intent(1, 'close', 'snapshot', t0 + 1));
          await tx.recordIntent(intent(1, 'close', 'step', t0 + 2));
          await tx.recordIntent(intent(2, 'close', 'step', t0 + 3));
          await tx.recordIntent(intent(1, 'another', 'step', t0 + 4));
        });
        expect(
          (await store.transaction((tx) => tx.listAttempts('r1'))).map(
            (a) => `${a.stepId}/${a.purpose}/${a.attempt}`,
          ),
        ).toEqual(['close/snapshot/1', 'close/step/1', 'close/step/2', 'another/step/1']);
        expect(await store.transaction((tx) => tx.nextAttempt('r1', 'close', 'step'))).toEqual({
          attempt: 3,
          lastIntentAt: t0 + 4,
        });
        expect((await store.transaction((tx) => tx.nextAttempt('r1', 'close', 'snapshot'))).attempt).toBe(2);
        expect(await store.transaction((tx) => tx.openAttempts('r1'))).toHaveLength(4);
        expect(await store.transaction((tx) => tx.listAttempts('other-run'))).toEqual([]);
      });
    });

    describe('controls', () => {
      it('pause: not paused until paused; paused with a reason; resumed', async () => {
        expect(await store.transaction((tx) => tx.getPause('close-bucket'))).toEqual({
          paused: false,
          reason: null,
        });
        await store.transaction((tx) => tx.setPause('close-bucket', true, 'rate limit', t0));
        expect(await store.transaction((tx) => tx.getPause('close-bucket'))).toEqual({
          paused: true,
          reason: 'rate limit',
        });
        expect(await store.transaction((tx) => tx.getPause('other'))).toEqual({
          paused: false,
          reason: null,
        });
        await store.transaction((tx) => tx.setPause('close-bucket', false, null, t0 + 1));
        expect(await store.transaction((tx) => tx.getPause('close-bucket'))).toEqual({
          paused: false,
          reason: null,
        });
      });

      it('settings: undefined until set, then the last value', async () => {
        expect(await store.transaction((tx) => tx.getSetting('kill-switch'))).toBeUndefined();
        await store.transaction((tx) => tx.setSetting('kill-switch', 'on'));
        await store.transaction((tx) => tx.setSetting('kill-switch', 'off'));
        expect(await store.transaction((tx) => tx.getSetting('kill-switch'))).toBe('off');
      });
    });

    describe('audit', () => {
      const entry = (n: number) => ({
        at: new Date(t0 + n).toISOString(),
        kind: `test.${n}`,
        runId: null,
        data: { n },
      });

      it('appends a hash chain: 1, 2, 3 ..., each after the one before, and keeps its head', async () => {
        const appended = await store.transaction(async (tx) => [
          await tx.appendAudit(entry(1)),
          await tx.appendAudit(entry(2)),
        ]);
        appended.push(
          await store.transaction((tx) =>
            tx.appendAudit({ ...entry(3), runId: 'r1', data: { nested: { a: [1, 'x', null] } } }),
          ),
        );
        expect(appended.map((r) => r.seq)).toEqual([1, 2, 3]);
        expect(appended[1]?.prevHash).toBe(appended[0]?.hash);
        const records = await store.transaction((tx) => tx.auditRecords(0, 100));
        expect(records).toEqual(appended);
        expect(verifyChain(records)).toMatchObject({ ok: true, records: 3, lastSeq: 3 });
        expect(await verifyAudit(store)).toMatchObject({
          ok: true,
          records: 3,
          head: { seq: 3, hash: appended[2]?.hash },
        });
      });

      it('pages through records from a seq, at most a limit', async () => {
        await store.transaction(async (tx) => {
          for (let n = 1; n <= 7; n++) await tx.appendAudit(entry(n));
        });
        const seqs = async (after: number, limit: number) =>
          (await store.transaction((tx) => tx.auditRecords(after, limit))).map((r) => r.seq);
        expect(await seqs(0, 3)).toEqual([1, 2, 3]);
        expect(await seqs(3, 3)).toEqual([4, 5, 6]);
        expect(await seqs(6, 3)).toEqual([7]);
        expect(await seqs(7, 3)).toEqual([]);
        expect(await verifyAudit(store, { pageSize: 2 })).toMatchObject({ ok: true, records: 7 });
      });

      it('an append in a transaction that rolls back leaves no record, and the chain stays intact', async () => {
        await store.transaction((tx) => tx.appendAudit(entry(1)));
        await expect(
          store.transaction(async (tx) => {
            await tx.appendAudit(entry(2));
            await tx.setSetting('written-then-rolled-back', 'yes');
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect((await store.transaction((tx) => tx.auditRecords(0, 100))).map((r) => r.kind)).toEqual([
          'test.1',
        ]);
        expect(await store.transaction((tx) => tx.getSetting('written-then-rolled-back'))).toBeUndefined();
        expect(await verifyAudit(store)).toMatchObject({ ok: true, records: 1 });
        // The next append follows record 1, not the rolled-back 2.
        const next = await store.transaction((tx) => tx.appendAudit(entry(3)));
        expect(next.seq).toBe(2);
        expect(await verifyAudit(store)).toMatchObject({ ok: true, records: 2 });
      });

      it('a transaction that throws among others running at the same time rolls back alone', async () => {
        const outcomes = await Promise.allSettled([
          store.transaction((tx) => tx.appendAudit(entry(1))),
          store.transaction(async (tx) => {
            await tx.appendAudit(entry(2));
            await tx.insertEvent(event('rolled-back'));
            throw new Error('boom');
          }),
          store.transaction(async (tx) => {
            await tx.insertEvent(event('kept'));
            return tx.appendAudit(entry(3));
          }),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        const records = await store.transaction((tx) => tx.auditRecords(0, 100));
        expect(records.map((r) => [r.seq, r.kind])).toEqual([
          [1, 'test.1'],
          [2, 'test.3'],
        ]);
        expect(await verifyAudit(store)).toMatchObject({ ok: true, records: 2 });
        const dup = await store.transaction((tx) => tx.insertEvent(event('kept')));
        expect(dup.duplicate).toBe(true);
        const notKept = await store.transaction((tx) => tx.insertEvent(event('rolled-back')));
        expect(notKept.duplicate).toBe(false);
      });
    });

    describe('transactions', () => {
      it('never interleave: concurrent transactions that await inside run one after another', async () => {
        const log: string[] = [];
        const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
        const work = (name: string) =>
          store.transaction(async (tx) => {
            log.push(`${name}:begin`);
            await pause();
            await tx.setSetting('owner', name);
            await pause();
            const seen = await tx.getSetting('owner');
            log.push(`${name}:end:${seen ?? ''}`);
            return name;
          });
        const results = await Promise.all([work('a'), work('b'), work('c')]);
        expect(results).toEqual(['a', 'b', 'c']);
        expect(log).toEqual(['a:begin', 'a:end:a', 'b:begin', 'b:end:b', 'c:begin', 'c:end:c']);
      });

      it('a transaction sees its own writes and those committed before it; it resolves with its value', async () => {
        const value = await store.transaction(async (tx) => {
          await tx.setSetting('k', '1');
          return tx.getSetting('k');
        });
        expect(value).toBe('1');
        expect(await store.transaction((tx) => tx.getSetting('k'))).toBe('1');
        expect(await store.transaction(() => 42)).toBe(42);
      });

      it('a synchronous throw rejects the transaction; the store goes on', async () => {
        await expect(
          store.transaction(() => {
            throw new Error('sync');
          }),
        ).rejects.toThrow('sync');
        // The store is still usable after it.
        await store.transaction((tx) => tx.setSetting('k', 'after'));
        expect(await store.transaction((tx) => tx.getSetting('k'))).toBe('after');
      });
    });
  });
}
