import { afterEach, describe, expect, it } from 'vitest';
import { ActionFailure } from '../../../src/core/errors.js';
import { Engine } from '../../../src/engine/engine.js';
import { ManualSchedulerClock } from '../../../src/sources/schedule/manual-scheduler-clock.js';
import { ScanConfigError } from '../../../src/sources/schedule/scan-plan.js';
import { startScanner, type Scanner, type ScannerOptions } from '../../../src/sources/schedule/scanner.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { ActionHandler } from '../../../src/core/catalog/connector.js';
import {
  bucketScan,
  buckets,
  collectingSink,
  deferred,
  readerCredential,
  scanAudit,
  standInConnector,
} from './stand-in.js';

const minute = 60_000;
let scanner: Scanner | undefined;
afterEach(async () => {
  await scanner?.stop();
  scanner = undefined;
});

function setup(script: ActionHandler, overrides: Partial<ScannerOptions> = {}) {
  const clock =
    overrides.clock instanceof ManualSchedulerClock
      ? overrides.clock
      : new ManualSchedulerClock(Date.parse('2026-11-27T12:00:00Z'));
  const store = SqliteStore.open(':memory:');
  const connector = standInConnector(script);
  const collected = collectingSink();
  const errors: Error[] = [];
  scanner = startScanner({
    sources: [bucketScan()],
    connectors: new Map([['sandbox', connector]]),
    credentials: new Map([['bucket-reader', readerCredential]]),
    store,
    sink: collected.sink,
    clock,
    onError: (error) => errors.push(error),
    ...overrides,
  });
  const advance = async (ms: number) => {
    await clock.advance(ms, () => scanner?.idle() ?? Promise.resolve());
    await scanner?.idle();
  };
  return { clock, store, connector, collected, errors, scanner, advance };
}

describe('scanner: schedule', () => {
  it('scans at start and then every interval, one event per item, with a new scan id each time', async () => {
    const { connector, collected, store, errors, advance } = setup(() => Promise.resolve(buckets('a', 'b')));
    await advance(0);
    expect(connector.calls).toBe(1);
    await advance(4 * minute);
    expect(connector.calls).toBe(1);
    await advance(minute);
    expect(connector.calls).toBe(2);
    await advance(10 * minute);
    expect(connector.calls).toBe(4);

    const events = collected.batches.flat();
    expect(events).toHaveLength(8);
    expect(events[0]).toMatchObject({
      source: 'bucket-scan',
      type: 'sandbox.bucket.get',
      resource: { id: 'sandbox://bucket-reader/bucket/a', kind: 'sandbox.bucket', bucket: 'a' },
      data: { bucket: 'a', access: 'public' },
    });
    // Same resource, later scan: a new event id (the workflow sees it again); one scan: distinct ids.
    expect(new Set(events.map((e) => e.id)).size).toBe(8);

    const audit = await scanAudit(store);
    expect(audit.map((r) => r.kind)).toEqual([
      'scan.started',
      'scan.finished',
      'scan.started',
      'scan.finished',
      'scan.started',
      'scan.finished',
      'scan.started',
      'scan.finished',
    ]);
    expect(audit[0]?.data).toMatchObject({
      source: 'bucket-scan',
      scanId: 'bucket-scan@2026-11-27T12:00:00.000Z',
      action: 'sandbox.bucket.list',
      credential: 'bucket-reader',
      trigger: 'schedule',
    });
    expect(audit[3]?.data).toMatchObject({
      scanId: 'bucket-scan@2026-11-27T12:05:00.000Z',
      items: 2,
      events: 2,
    });
    expect(errors).toEqual([]);
  });

  it('hands events to the sink in batches', async () => {
    const { collected, advance } = setup(() => Promise.resolve(buckets('a', 'b', 'c', 'd', 'e')), {
      batchSize: 2,
    });
    await advance(0);
    expect(collected.batches.map((b) => b.length)).toEqual([2, 2, 1]);
  });

  it('runNow scans once, by hand, and scheduled: false sets no timer', async () => {
    const { clock, connector, collected } = setup(() => Promise.resolve(buckets('a')), { scheduled: false });
    expect(clock.nextTimer()).toBeUndefined();
    const result = await scanner?.runNow('bucket-scan');
    expect(result).toMatchObject({ status: 'succeeded', items: 1, events: 1, skippedItems: 0 });
    expect(result?.scanId).toBe('bucket-scan@manual-2026-11-27T12:00:00.000Z');
    expect(connector.calls).toBe(1);
    expect(collected.batches.flat()).toHaveLength(1);
    await expect(scanner?.runNow('nope')).rejects.toThrow(
      /no schedule source named nope; the scanner has: bucket-scan/,
    );
  });
});

describe('scanner: cron', () => {
  it('first scans at the next match', async () => {
    const clock = new ManualSchedulerClock(Date.parse('2026-11-27T12:03:00Z'));
    const { connector, advance } = setup(() => Promise.resolve(buckets('a')), {
      sources: [bucketScan({ cron: '*/10 * * * *' })],
      clock,
    });
    await advance(6 * minute);
    expect(connector.calls).toBe(0);
    await advance(minute);
    expect(connector.calls).toBe(1);
    expect(clock.now()).toBe(Date.parse('2026-11-27T12:10:00Z'));
    await advance(10 * minute);
    expect(connector.calls).toBe(2);
  });
});

describe('scanner: failures and retries', () => {
  it('records a retryable failure and retries with doubling backoff, keeping the scan id', async () => {
    let failures = 2;
    const { connector, store, collected, advance } = setup(() =>
      failures-- > 0
        ? Promise.reject(new ActionFailure('connection refused', 'retryable'))
        : Promise.resolve(buckets('a')),
    );
    await advance(0);
    expect(connector.calls).toBe(1);
    await advance(4_999);
    expect(connector.calls).toBe(1);
    await advance(1);
    expect(connector.calls).toBe(2);
    await advance(10_000);
    expect(connector.calls).toBe(3);
    expect(collected.batches.flat()).toHaveLength(1);

    const audit = await scanAudit(store);
    expect(audit.map((r) => [r.kind, r.data.attempt, r.data.trigger ?? null])).toEqual([
      ['scan.started', 1, 'schedule'],
      ['scan.failed', 1, null],
      ['scan.started', 2, 'retry'],
      ['scan.failed', 2, null],
      ['scan.started', 3, 'retry'],
      ['scan.finished', 3, null],
    ]);
    expect(audit[1]?.data).toMatchObject({
      kind: 'retryable',
      error: 'connection refused',
      retryAt: '2026-11-27T12:00:05.000Z',
      scanId: 'bucket-scan@2026-11-27T12:00:00.000Z',
    });
    expect(audit[3]?.data.retryAt).toBe('2026-11-27T12:00:15.000Z');
    expect(new Set(audit.map((r) => r.data.scanId)).size).toBe(1);
  });

  it('caps the backoff and stops retrying when the next scheduled scan comes first', async () => {
    const { connector, store, advance } = setup(
      () => Promise.reject(new ActionFailure('overloaded', 'retryable')),
      {
        sources: [bucketScan({ every: '1m' })],
        retry: { initialMs: 20_000, maxMs: 25_000 },
      },
    );
    await advance(0); // attempt 1 at 0s, retry at 20s
    await advance(20_000); // attempt 2, retry at 45s (25s, capped)
    await advance(25_000); // attempt 3, next retry would be at 70s: after the scan at 60s
    expect(connector.calls).toBe(3);
    const failed = (await scanAudit(store)).filter((r) => r.kind === 'scan.failed');
    expect(failed.map((r) => r.data.retryAt)).toEqual([
      '2026-11-27T12:00:20.000Z',
      '2026-11-27T12:00:45.000Z',
      null,
    ]);
    expect(failed[2]?.data.noRetry).toBe('the next scheduled scan, at 2026-11-27T12:01:00.000Z, comes first');
    await advance(15_000);
    expect(connector.calls).toBe(4);
  });

  it.each(['non-retryable', 'credentials'] as const)('does not retry a %s failure', async (kind) => {
    const { connector, store, advance } = setup(() =>
      Promise.reject(new ActionFailure('password authentication failed', kind)),
    );
    await advance(0);
    await advance(4 * minute);
    expect(connector.calls).toBe(1);
    const [failed] = (await scanAudit(store)).filter((r) => r.kind === 'scan.failed');
    expect(failed?.data).toMatchObject({ kind, retryAt: null });
    expect(String(failed?.data.noRetry)).toMatch(/a person must act/);
  });

  it('fails a scan that outlives its timeout, aborting the call, and retries it', async () => {
    let signal: AbortSignal | undefined;
    const { clock, connector, store, advance } = setup(
      (_params, context) => {
        signal = context.signal;
        // The first call never answers and ignores its signal: the timeout must still end it.
        return connector.calls === 1 ? new Promise(() => undefined) : Promise.resolve(buckets('a'));
      },
      { timeoutMs: 30_000 },
    );
    await clock.advance(0);
    await until(() => connector.calls === 1);
    await clock.advance(29_999);
    expect(signal?.aborted).toBe(false);
    await clock.advance(1);
    await scanner?.idle();
    expect(signal?.aborted).toBe(true);
    const [failed] = (await scanAudit(store)).filter((r) => r.kind === 'scan.failed');
    expect(failed?.data).toMatchObject({
      kind: 'timeout',
      error: 'no answer within 30000 ms',
      retryAt: '2026-11-27T12:00:35.000Z',
    });
    await advance(5_000);
    expect(connector.calls).toBe(2);
    expect((await scanAudit(store)).at(-1)?.kind).toBe('scan.finished');
  });

  it('retries a scan whose sink failed; the re-delivered events are duplicates, the next scan is new', async () => {
    const store = SqliteStore.open(':memory:');
    const engine = await Engine.start({ store, workflows: [], connectors: new Map() });
    const statuses: string[][] = [];
    let loseAnswer = true;
    const { connector, advance } = setup(() => Promise.resolve(buckets('a', 'b')), {
      store,
      sink: async (events) => {
        const results = await engine.ingestBatch(events);
        statuses.push(results.map((r) => r.status));
        // Stored, then the answer is lost (a dropped connection): the scanner cannot know.
        if (loseAnswer) {
          loseAnswer = false;
          throw new Error('connection reset by peer');
        }
        return results;
      },
    });
    await advance(0);
    await advance(5_000);
    expect(connector.calls).toBe(2);
    expect(statuses).toEqual([
      ['accepted', 'accepted'],
      ['duplicate', 'duplicate'],
    ]);
    await advance(5 * minute);
    expect(statuses[2]).toEqual(['accepted', 'accepted']);
    const failed = (await scanAudit(store)).find((r) => r.kind === 'scan.failed');
    expect(failed?.data).toMatchObject({ kind: 'retryable', error: 'connection reset by peer' });
  });
});

describe('scanner: no overlap', () => {
  it('skips (and audits) a tick or a runNow while a scan of the source runs', async () => {
    const slow = deferred<unknown>();
    const { clock, connector, store, advance } = setup(
      () => (connector.calls === 1 ? slow.promise : Promise.resolve(buckets('b'))),
      { sources: [bucketScan({ every: '1m' })], timeoutMs: 10 * minute },
    );
    await clock.advance(0);
    await until(() => connector.calls === 1);
    await clock.advance(minute);
    const manual = await scanner?.runNow('bucket-scan');
    expect(manual).toMatchObject({ status: 'skipped' });
    expect(connector.calls).toBe(1);
    slow.resolve(buckets('a'));
    await scanner?.idle();
    const kinds = (await scanAudit(store)).map((r) => [r.kind, r.data.scanId]);
    expect(kinds).toEqual([
      ['scan.started', 'bucket-scan@2026-11-27T12:00:00.000Z'],
      ['scan.skipped', 'bucket-scan@2026-11-27T12:01:00.000Z'],
      ['scan.skipped', 'bucket-scan@manual-2026-11-27T12:01:00.000Z'],
      ['scan.finished', 'bucket-scan@2026-11-27T12:00:00.000Z'],
    ]);
    await advance(minute);
    expect(connector.calls).toBe(2);
  });

  it('stop aborts a running scan, sets no retry and leaves no timer', async () => {
    let signal: AbortSignal | undefined;
    const { clock, connector, store } = setup((_params, context) => {
      signal = context.signal;
      return new Promise((_, reject) => {
        context.signal.addEventListener('abort', () => {
          reject(new ActionFailure('cancelled', 'retryable'));
        });
      });
    });
    await clock.advance(0);
    await until(() => connector.calls === 1);
    await scanner?.stop();
    expect(signal?.aborted).toBe(true);
    expect(clock.nextTimer()).toBeUndefined();
    const [failed] = (await scanAudit(store)).filter((r) => r.kind === 'scan.failed');
    expect(failed?.data).toMatchObject({ retryAt: null, noRetry: 'the scanner is stopping' });
  });
});

describe('scanner: configuration', () => {
  const start = (overrides: Partial<ScannerOptions>) => () =>
    startScanner({
      sources: [bucketScan()],
      connectors: new Map([['sandbox', standInConnector(() => Promise.resolve(buckets()))]]),
      credentials: new Map([['bucket-reader', readerCredential]]),
      store: SqliteStore.open(':memory:'),
      sink: () => Promise.resolve(),
      clock: new ManualSchedulerClock(),
      scheduled: false,
      ...overrides,
    });

  it('ignores sources that are not schedules', () => {
    expect(start({ sources: [{ name: 'hook', type: 'webhook', format: 'generic' }] })).not.toThrow();
  });

  it.each([
    [
      { sources: [bucketScan({ every: '5m', credentials: 'nobody' })] },
      'sources.bucket-scan.credentials: no credential named nobody',
    ],
    [
      { credentials: new Map([['bucket-reader', { ...readerCredential, scopes: ['sandbox.bucket.get'] }]]) },
      'sources.bucket-scan.credentials: bucket-reader lacks the scope sandbox.bucket.list',
    ],
    [
      { credentials: new Map([['bucket-reader', { ...readerCredential, connector: 'postgres' }]]) },
      'bucket-reader is a postgres credential; sandbox.bucket.list needs a sandbox one',
    ],
    [
      { sources: [bucketScan({ every: '5m', scan: 'sandbox.bucket.set-access' })] },
      'is a write action; a scan may only read',
    ],
    [
      { sources: [bucketScan({ every: '5m', scan: 'sandbox.bucket.lst' })] },
      'did you mean sandbox.bucket.list?',
    ],
    [{ sources: [bucketScan({ every: '5m', with: { region: 'x' } })] }, 'sources.bucket-scan.with'],
    [{ sources: [bucketScan({ cron: 'daily' })] }, 'sources.bucket-scan: `cron` is not a cron expression'],
    [{ connectors: new Map() }, 'the sandbox connector is not available in this process'],
    [{ sources: [bucketScan(), bucketScan()] }, 'two sources have this name'],
  ] as [Partial<ScannerOptions>, string][])('refuses to start: %#', (overrides, message) => {
    expect(start(overrides)).toThrow(ScanConfigError);
    expect(start(overrides)).toThrow(message);
  });
});

/** Lets promise chains run until `condition` holds (scans that never end cannot be awaited). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error('condition never held');
}
