import { afterEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/verify-audit.js';
import { sandboxConnector } from '../../src/connectors/sandbox/sandbox-connector.js';
import type { Connector } from '../../src/core/catalog/connector.js';
import { Engine } from '../../src/engine/engine.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runOutcomes, type RunOutcome } from '../../src/core/types.js';
import type { SandboxSeed } from '../../src/connectors/sandbox/sandbox-world.js';
import {
  auditVerifies,
  bucketEvent,
  eventually,
  harness,
  ManualClock,
  userEvent,
  workflow,
  type Harness,
} from './helpers.js';

/**
 * Every run outcome of the spec ("Run outcomes"), reached through the public engine API: Engine +
 * SqliteStore(':memory:') + the SIMULATED sandbox connector. Time is a ManualClock: timers
 * (settle, retry backoff, approval deadlines) fire when the test moves the clock and calls
 * `engine.runDueTimers()` (through `h.advance` / `h.drain`), never by waiting.
 */

const reached = new Set<RunOutcome>();
const harnesses: Harness[] = [];

async function start(...args: Parameters<typeof harness>): Promise<Harness> {
  const h = await harness(...args);
  harnesses.push(h);
  return h;
}

afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    // Every test leaves a log that verifies, chain and head, and no error the engine swallowed.
    expect(await auditVerifies(h)).toBe(true);
    expect(h.errors).toEqual([]);
    for (const run of await h.runs()) {
      if (run.outcome) reached.add(run.outcome);
      if (run.status === 'awaiting_approval') reached.add('awaiting_approval');
    }
    await h.engine.stop();
    await h.store.close();
  }
});

/** A close-bucket workflow; `spec` lines are added under `spec:` (2-space indented). */
function closeBucket(
  options: {
    name?: string;
    mode?: string;
    trigger?: string;
    spec?: string;
    step?: string;
    corroborate?: boolean;
    verify?: string | false;
    notify?: string;
  } = {},
) {
  const verify =
    options.verify === false
      ? ''
      : `  verify:
    check: sandbox.bucket.get
    with: { bucket: "\${{ event.resource.bucket }}" }
    expect: ${options.verify ?? 'result.access == "private"'}
`;
  return workflow(`apiVersion: rectify.dev/v1
kind: Workflow
metadata: { name: ${options.name ?? 'close-bucket'}, owner: team:secops, description: test, reviewBy: 2027-03-01 }
spec:
  mode: ${options.mode ?? 'enforce'}
  trigger: { source: scanner, types: [sandbox.bucket.public]${options.trigger ?? ''} }
${
  options.corroborate === false
    ? ''
    : `  corroborate:
    - check: sandbox.bucket.get
      with: { bucket: "\${{ event.resource.bucket }}" }
      expect: result.access == "public"
`
}${options.spec ?? ''}  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }${options.step ?? ''}
${verify}  notify:
    - channel: slack-secops
      on: [${options.notify ?? 'succeeded, failed, compensated, unverified, awaiting_approval, paused, needs_attention'}]
`);
}

const rotatePassword = (timeout = '50ms') =>
  workflow(`apiVersion: rectify.dev/v1
kind: Workflow
metadata: { name: rotate-password, owner: team:secops, description: test, reviewBy: 2027-03-01 }
spec:
  mode: enforce
  trigger: { source: scanner, types: [sandbox.user.exposed] }
  steps:
    - id: rotate
      action: sandbox.user.rotate-password
      with: { system: "\${{ event.resource.system }}", user: "\${{ event.resource.user }}" }
      timeout: ${timeout}
      retry: { attempts: 3, backoff: fixed, initial: 1s }
  notify:
    - channel: slack-secops
      on: [needs_attention]
`);

const buckets = (...names: string[]): SandboxSeed => ({
  buckets: Object.fromEntries(names.map((n) => [n, { access: 'public' as const }])),
});

async function only(h: Harness) {
  const [run, ...more] = await h.runs();
  expect(more).toEqual([]);
  if (!run) throw new Error('no run');
  return run;
}

async function kinds(h: Harness, runId?: string): Promise<string[]> {
  return (await h.audit()).filter((r) => runId === undefined || r.runId === runId).map((r) => r.kind);
}

async function notifications(h: Harness): Promise<string[]> {
  return (await h.audit()).filter((r) => r.kind === 'notification.queued').map((r) => String(r.data.outcome));
}

describe('run outcomes through the engine', () => {
  it('succeeded: corroborates, snapshots, acts, verifies, notifies', async () => {
    const h = await start([closeBucket()]);
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    const run = await only(h);
    expect(run).toMatchObject({
      status: 'done',
      outcome: 'succeeded',
      reason: 'all steps done and verified',
    });
    expect(h.sandbox.world.writes).toEqual([
      { action: 'sandbox.bucket.set-access', params: { bucket: 'demo-reports', access: 'private' } },
    ]);
    expect(h.calls('sandbox.bucket.get')).toBe(3); // corroborate, snapshot, verify
    expect(h.calls('sandbox.bucket.set-access')).toBe(1);
    expect(await notifications(h)).toEqual(['succeeded']);
    // Intent before action: every call is preceded by its committed intent.
    const attempts = await h.attempts(run.id);
    expect(attempts.map((a) => `${a.purpose}:${a.action}`)).toEqual([
      'corroborate:sandbox.bucket.get',
      'snapshot:sandbox.bucket.get',
      'step:sandbox.bucket.set-access',
      'verify:sandbox.bucket.get',
    ]);
    expect(attempts.every((a) => a.result?.ok === true)).toBe(true);
    expect(attempts[2]?.idempotencyKey).toBe(`${run.id}:close`);
  });

  it('failed: expired credentials are refused and never retried', async () => {
    const h = await start(
      [closeBucket({ step: '\n      retry: { attempts: 3, backoff: fixed, initial: 1s }' })],
      { faults: { expiredCredentials: { effect: 'write' } } },
    );
    await h.engine.ingest(bucketEvent('e1'));
    await h.drain();
    const run = await only(h);
    expect(run.outcome).toBe('failed');
    expect(run.reason).toContain('credentials were refused');
    expect(run.reason).toContain('after 1 attempt(s)');
    expect(h.calls('sandbox.bucket.set-access')).toBe(1);
    expect(h.sandbox.world.writes).toEqual([]);
    expect(h.sandbox.world.buckets.get('demo-reports')?.access).toBe('public');
    expect(await notifications(h)).toEqual(['failed']);
  });

  it('compensated: a later step fails and the done step is undone from its snapshot', async () => {
    const twoSteps = workflow(`apiVersion: rectify.dev/v1
kind: Workflow
metadata: { name: close-and-lock, owner: team:secops, description: test, reviewBy: 2027-03-01 }
spec:
  mode: enforce
  trigger: { source: scanner, types: [sandbox.bucket.public] }
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
    - id: lock-role
      action: sandbox.role.set-login
      with: { database: analytics, role: missing-role, login: false }
  onFailure: compensate
  notify: [{ channel: slack-secops, on: [compensated] }]
`);
    const h = await start([twoSteps]);
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    const run = await only(h);
    expect(run.outcome).toBe('compensated');
    expect(run.reason).toContain('lock-role (sandbox.role.set-login) failed');
    expect(run.reason).toContain('undid 1 step(s)');
    expect(h.sandbox.world.writes).toEqual([
      { action: 'sandbox.bucket.set-access', params: { bucket: 'demo-reports', access: 'private' } },
      { action: 'sandbox.bucket.set-access', params: { bucket: 'demo-reports', access: 'public' } },
    ]);
    expect(h.calls('sandbox.role.set-login')).toBe(1);
    expect(h.sandbox.world.buckets.get('demo-reports')?.access).toBe('public');
    expect(run.state.steps).toMatchObject({
      close: { status: 'compensated' },
      'lock-role': { status: 'failed' },
    });
    expect((await h.attempts(run.id)).map((a) => a.purpose)).toContain('compensate');
    expect(await notifications(h)).toEqual(['compensated']);
  });

  it('unverified: the verify read fails; the likely-good fix is reported, not undone', async () => {
    // Reads in order: corroborate, snapshot, verify; only the third fails.
    const h = await start([closeBucket()], {
      faults: { failAfter: { actions: ['sandbox.bucket.get'], calls: 2, kind: 'non-retryable' } },
    });
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    const run = await only(h);
    expect(run.outcome).toBe('unverified');
    expect(run.reason).toContain('verify could not read sandbox.bucket.get');
    expect(h.sandbox.world.writes).toHaveLength(1);
    expect(h.sandbox.world.buckets.get('demo-reports')?.access).toBe('private');
    expect(await notifications(h)).toEqual(['unverified']);
  });

  it('unverified (onFailure: halt): verify does not hold, nothing is undone', async () => {
    const h = await start([
      closeBucket({ verify: 'result.access == "public"', spec: '  onFailure: halt\n' }),
    ]);
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    const run = await only(h);
    expect(run.outcome).toBe('unverified');
    expect(run.reason).toBe('verify did not hold: result.access == "public"');
    expect(h.sandbox.world.writes).toHaveLength(1);
  });

  it('skipped: corroboration does not hold, nothing is written', async () => {
    const h = await start([closeBucket()]);
    await h.engine.ingest(bucketEvent('e1', 'demo-exports')); // already private
    await h.engine.idle();
    const run = await only(h);
    expect(run.outcome).toBe('skipped');
    expect(run.reason).toBe('corroborate[0] did not hold: result.access == "public"');
    expect(h.calls('sandbox.bucket.get')).toBe(1);
    expect(h.calls('sandbox.bucket.set-access')).toBe(0);
    expect(h.sandbox.world.writes).toEqual([]);
  });

  it('exempted: an owned, time-boxed exception applies; the run is recorded, nothing is read or written', async () => {
    const h = await start([
      closeBucket({
        spec: `  exempt:
    - when: event.resource.bucket == "demo-reports"
      reason: vendor tool needs it
      owner: team:analytics
      until: 2027-01-31
`,
      }),
    ]);
    const result = await h.engine.ingest(bucketEvent('e1'));
    expect(result).toMatchObject({ status: 'accepted', runs: [{ outcome: 'exempted' }] });
    await h.engine.idle();
    const run = await only(h);
    expect(run).toMatchObject({ status: 'done', outcome: 'exempted' });
    expect(run.reason).toBe('vendor tool needs it (team:analytics, until 2027-01-31)');
    expect(h.sandbox.world.calls.size).toBe(0);
    expect(await kinds(h, run.id)).toEqual(['run.not-started']);
  });

  it('exemption past `until` no longer applies', async () => {
    const h = await start(
      [
        closeBucket({
          spec: `  exempt:
    - when: "true"
      reason: vendor tool needs it
      owner: team:analytics
      until: 2027-01-31
`,
        }),
      ],
      { clock: new ManualClock(Date.parse('2027-02-01T00:00:00Z')) },
    );
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    expect((await only(h)).outcome).toBe('succeeded');
  });

  it('deduplicated: one run per dedupe key per window; a new window runs again', async () => {
    const h = await start([
      closeBucket({ trigger: ', dedupe: { key: event.resource.id, window: 1h }', corroborate: false }),
    ]);
    const first = await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    h.clock.advance(10 * 60_000);
    const second = await h.engine.ingest(bucketEvent('e2'));
    expect(second).toMatchObject({ status: 'accepted', runs: [{ outcome: 'deduplicated' }] });
    const firstId = first.status === 'accepted' ? first.runs[0]?.runId : undefined;
    const runs = await h.runs();
    expect(runs.map((r) => r.outcome)).toEqual(['succeeded', 'deduplicated']);
    expect(runs[1]?.reason).toContain(`a run for the same key (sandbox://bucket/demo-reports)`);
    expect(runs[1]?.reason).toContain(String(firstId));
    expect(h.sandbox.world.writes).toHaveLength(1);

    h.clock.advance(60 * 60_000); // past the window
    await h.engine.ingest(bucketEvent('e3'));
    await h.engine.idle();
    expect((await h.runs()).map((r) => r.outcome)).toEqual(['succeeded', 'deduplicated', 'succeeded']);
    expect(h.sandbox.world.writes).toHaveLength(2);
  });

  it('rate-limited: runs started per window are capped (onExceeded: skip); the next window is open', async () => {
    const h = await start(
      [
        closeBucket({
          corroborate: false,
          spec: '  limits: { rate: { max: 2, per: 1h }, onExceeded: skip }\n',
        }),
      ],
      { seed: buckets('a', 'b', 'c', 'd') },
    );
    for (const [id, bucket] of [
      ['1', 'a'],
      ['2', 'b'],
      ['3', 'c'],
    ] as const) {
      await h.engine.ingest(bucketEvent(id, bucket));
      await h.engine.idle();
    }
    const runs = await h.runs();
    expect(runs.map((r) => r.outcome)).toEqual(['succeeded', 'succeeded', 'rate-limited']);
    expect(runs[2]?.reason).toBe(
      'rate limit of 2 runs per 3600s reached: this event is not acted on (onExceeded: skip)',
    );
    expect(h.sandbox.world.writes.map((w) => w.params.bucket)).toEqual(['a', 'b']);
    // Rate-limited runs do not count as started: the window opens again an hour after the first two.
    h.clock.advance(60 * 60_000 + 1);
    await h.engine.ingest(bucketEvent('4', 'd'));
    await h.engine.idle();
    expect((await h.runs()).at(-1)?.outcome).toBe('succeeded');
    expect(await h.store.transaction((tx) => tx.getPause('close-bucket'))).toEqual({
      paused: false,
      reason: null,
    });
  });

  it('rolled-back: a person undoes a succeeded run from its snapshot, and it cannot be undone twice', async () => {
    const h = await start([closeBucket()], { seed: buckets('demo-reports') });
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    const { id } = await only(h);
    expect(h.sandbox.world.buckets.get('demo-reports')?.access).toBe('private');
    await h.engine.rollbackRun(id, 'user:bob');
    await h.engine.idle();
    expect(await h.run(id)).toMatchObject({
      status: 'done',
      outcome: 'rolled-back',
      reason: 'rolled back on demand by user:bob; undid 1 step(s)',
    });
    expect(h.sandbox.world.buckets.get('demo-reports')?.access).toBe('public');
    expect(await kinds(h, id)).toEqual(expect.arrayContaining(['run.rollback-requested', 'action.result']));
    const undo = (await h.attempts(id)).find((a) => a.purpose === 'compensate');
    expect(undo).toMatchObject({ action: 'sandbox.bucket.set-access', params: { access: 'public' } });
    await expect(h.engine.rollbackRun(id, 'user:bob')).rejects.toThrow(/only a finished run that succeeded/);
  });

  describe('approval', () => {
    const approval = (onTimeout = 'abort', when = 'always') =>
      closeBucket({
        spec: `  approval:
    when: ${when}
    approvers: [role:secops-oncall]
    timeout: 30m
    onTimeout: ${onTimeout}
`,
      });

    it('awaiting_approval: waits with a preview of concrete actions, changes nothing, notifies', async () => {
      const h = await start([approval()]);
      await h.engine.ingest(bucketEvent('e1'));
      await h.engine.idle();
      const run = await only(h);
      expect(run).toMatchObject({ status: 'awaiting_approval', outcome: null });
      expect(run.wakeAt).toBe(h.clock.now() + 30 * 60_000);
      const requested = (await h.audit()).find((r) => r.kind === 'approval.requested');
      expect(requested?.data).toMatchObject({
        approvers: ['role:secops-oncall'],
        deadline: new Date(h.clock.now() + 30 * 60_000).toISOString(),
        preview: [
          {
            stepId: 'close',
            action: 'sandbox.bucket.set-access',
            params: { bucket: 'demo-reports', access: 'private' },
          },
        ],
      });
      expect(h.calls('sandbox.bucket.get')).toBe(1); // corroborated before asking
      expect(h.sandbox.world.writes).toEqual([]);
      expect(await notifications(h)).toEqual(['awaiting_approval']);
    });

    it('decide(approve): the run continues and succeeds', async () => {
      const h = await start([approval()]);
      await h.engine.ingest(bucketEvent('e1'));
      await h.engine.idle();
      const { id } = await only(h);
      expect(await h.engine.decide(id, 'approve', 'user:carol')).toBe(true);
      await h.engine.idle();
      const run = await h.run(id);
      expect(run.outcome).toBe('succeeded');
      expect(run.state.approval).toMatchObject({ decision: 'approve', by: 'user:carol' });
      expect(h.sandbox.world.writes).toHaveLength(1);
      expect(await kinds(h, id)).toContain('approval.granted');
      // A decided run cannot be decided again; an unknown run cannot be decided at all.
      expect(await h.engine.decide(id, 'reject', 'user:dave')).toBe(false);
      expect(await h.engine.decide('run_nope', 'approve', 'user:dave')).toBe(false);
    });

    it('decide() right after ingest, without waiting for the engine, is not lost', async () => {
      const h = await start([approval()]);
      await h.engine.ingest(bucketEvent('e1'));
      await eventually(async () => (await only(h)).status === 'awaiting_approval');
      const { id } = await only(h);
      expect(await h.engine.decide(id, 'approve', 'user:carol')).toBe(true);
      await h.engine.idle();
      expect((await h.run(id)).outcome).toBe('succeeded');
    });

    it('rejected: decide(reject)', async () => {
      const h = await start([approval()]);
      await h.engine.ingest(bucketEvent('e1'));
      await h.engine.idle();
      const { id } = await only(h);
      expect(await h.engine.decide(id, 'reject', 'user:carol')).toBe(true);
      await h.engine.idle();
      expect(await h.run(id)).toMatchObject({ outcome: 'rejected', reason: 'rejected by user:carol' });
      expect(h.sandbox.world.writes).toEqual([]);
      expect(await kinds(h, id)).toContain('approval.rejected');
    });

    it('rejected: the approval times out through the durable timer (onTimeout: abort)', async () => {
      const h = await start([approval()]);
      await h.engine.ingest(bucketEvent('e1'));
      await h.engine.idle();
      const { id } = await only(h);
      await h.advance(30 * 60_000 - 1);
      expect((await h.run(id)).status).toBe('awaiting_approval');
      await h.advance(1);
      expect(await h.run(id)).toMatchObject({
        outcome: 'rejected',
        reason: 'approval timed out (onTimeout: abort)',
      });
      expect(h.sandbox.world.writes).toEqual([]);
      expect(h.calls('sandbox.bucket.set-access')).toBe(0);
      // Too late to approve.
      expect(await h.engine.decide(id, 'approve', 'user:carol')).toBe(false);
    });

    it('onTimeout: proceed acts after the deadline', async () => {
      const h = await start([approval('proceed')]);
      await h.engine.ingest(bucketEvent('e1'));
      await h.advance(30 * 60_000);
      const run = await only(h);
      expect(run.outcome).toBe('succeeded');
      expect(run.state.approval?.decision).toBe('timeout');
      expect(h.sandbox.world.writes).toHaveLength(1);
    });

    it('the approval deadline survives a restart (a new engine on the same store times it out)', async () => {
      const h = await start([approval()]);
      await h.engine.ingest(bucketEvent('e1'));
      await h.engine.idle();
      await h.engine.stop();
      const restarted = await start([approval()], { store: h.store, clock: h.clock });
      await restarted.advance(30 * 60_000);
      expect((await only(restarted)).outcome).toBe('rejected');
      harnesses.splice(harnesses.indexOf(h), 1);
    });

    it('a `when` condition that cannot be evaluated asks a person (fails closed)', async () => {
      const h = await start([approval('abort', 'event.data.missing.field == "x"')]);
      await h.engine.ingest(bucketEvent('e1'));
      await h.engine.idle();
      expect((await only(h)).status).toBe('awaiting_approval');
      expect(h.sandbox.world.writes).toEqual([]);
    });

    it('dry-run needs no approval: nothing would change', async () => {
      const h = await start([
        closeBucket({ mode: 'dry-run', spec: '  approval: { when: always, approvers: [role:x] }\n' }),
      ]);
      await h.engine.ingest(bucketEvent('e1'));
      await h.engine.idle();
      expect((await only(h)).outcome).toBe('dry-run');
    });
  });

  it('dry-run: corroborates, records the planned write with resolved parameters, writes nothing', async () => {
    const h = await start([closeBucket({ mode: 'dry-run' })]);
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    const run = await only(h);
    expect(run).toMatchObject({
      outcome: 'dry-run',
      mode: 'dry-run',
      reason: 'dry-run: planned actions recorded, nothing changed',
    });
    expect(run.state.steps.close).toMatchObject({
      status: 'planned',
      params: { bucket: 'demo-reports', access: 'private' },
    });
    expect(h.calls('sandbox.bucket.get')).toBe(1);
    expect(h.calls('sandbox.bucket.set-access')).toBe(0);
    expect(h.sandbox.world.writes).toEqual([]);
    expect((await h.attempts(run.id)).map((a) => a.purpose)).toEqual(['corroborate']);
  });

  it('shadow mode behaves as dry-run: reads, plans, never writes', async () => {
    const h = await start([closeBucket({ mode: 'shadow' })]);
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    const run = await only(h);
    expect(run).toMatchObject({ outcome: 'dry-run', mode: 'shadow' });
    expect(run.state.steps.close).toMatchObject({ status: 'planned' });
    expect(h.calls('sandbox.bucket.get')).toBe(1);
    expect(h.sandbox.world.writes).toEqual([]);
  });

  it('disabled mode ignores events: no run', async () => {
    const h = await start([closeBucket({ mode: 'disabled' })]);
    expect(await h.engine.ingest(bucketEvent('e1'))).toMatchObject({ status: 'accepted', runs: [] });
    expect(await h.runs()).toEqual([]);
  });

  describe('cancelled (kill switch)', () => {
    it('an event arriving while the kill switch is on is recorded as cancelled, nothing is read or written', async () => {
      const h = await start([closeBucket()]);
      await h.engine.setKillSwitch(true, 'user:carol');
      await h.engine.ingest(bucketEvent('e1'));
      await h.engine.idle();
      const run = await only(h);
      expect(run).toMatchObject({
        outcome: 'cancelled',
        reason: 'the kill switch is on: no write action runs anywhere',
      });
      expect(h.sandbox.world.calls.size).toBe(0);
      expect(await kinds(h)).toEqual(['kill-switch.on', 'event.accepted', 'run.not-started']);
    });

    it('the kill switch turned on while a run settles stops its write before it starts', async () => {
      const h = await start([closeBucket({ trigger: ', settle: 30s' })]);
      await h.engine.ingest(bucketEvent('e1'));
      await h.engine.idle();
      expect((await only(h)).status).toBe('sleeping');
      await h.engine.setKillSwitch(true, 'user:carol');
      await h.advance(30_000);
      const run = await only(h);
      expect(run.outcome).toBe('cancelled');
      expect(run.reason).toBe('the kill switch is on: close (sandbox.bucket.set-access) was not started');
      expect(h.calls('sandbox.bucket.set-access')).toBe(0);
      expect(h.sandbox.world.writes).toEqual([]);
    });

    it('the kill switch is durable: a restarted engine keeps it, and it can be turned off', async () => {
      const h = await start([closeBucket()]);
      await h.engine.setKillSwitch(true, 'user:carol');
      await h.engine.stop();
      harnesses.splice(harnesses.indexOf(h), 1);
      const restarted = await start([closeBucket()], { store: h.store, clock: h.clock, killSwitch: false });
      await restarted.engine.ingest(bucketEvent('e1'));
      await restarted.engine.setKillSwitch(false, 'user:carol');
      await restarted.engine.ingest(bucketEvent('e2', 'demo-reports'));
      await restarted.engine.idle();
      expect((await restarted.runs()).map((r) => r.outcome)).toEqual(['cancelled', 'succeeded']);
    });
  });

  describe('paused (onExceeded: pause)', () => {
    const pausing = () =>
      closeBucket({ corroborate: false, spec: '  limits: { concurrency: 1, onExceeded: pause }\n' });

    it('a limit exceeded pauses the workflow and notifies; its next events are paused until a person resumes it', async () => {
      const h = await start([pausing()], { seed: buckets('a', 'b', 'c', 'd') });
      const [, second] = await h.engine.ingestBatch([bucketEvent('1', 'a'), bucketEvent('2', 'b')]);
      expect(second).toMatchObject({ status: 'accepted', runs: [{ outcome: 'paused' }] });
      await h.engine.idle();
      let runs = await h.runs();
      expect(runs.map((r) => r.outcome)).toEqual(['succeeded', 'paused']);
      expect(runs[1]?.reason).toBe(
        'concurrency limit of 1 reached: the workflow is paused until a person resumes it',
      );
      expect(await h.store.transaction((tx) => tx.getPause('close-bucket'))).toMatchObject({ paused: true });
      expect(await kinds(h, runs[1]?.id)).toEqual([
        'run.not-started',
        'workflow.paused',
        'notification.queued',
      ]);

      // The first run has finished: the limit is no longer exceeded, but the workflow stays paused.
      await h.engine.ingest(bucketEvent('3', 'c'));
      runs = await h.runs();
      expect(runs[2]?.outcome).toBe('paused');
      expect(runs[2]?.reason).toBe(
        'the workflow is paused (concurrency limit of 1 reached); a person resumes it',
      );
      // Notified once, when it paused (at ingest, before the first run finished); not again for
      // every event that finds it paused.
      expect(await notifications(h)).toEqual(['paused', 'succeeded']);
      expect(h.sandbox.world.writes.map((w) => w.params.bucket)).toEqual(['a']);

      // A person resumes it (no engine API yet: through the store).
      await h.store.transaction((tx) => tx.setPause('close-bucket', false, null, h.clock.now()));
      await h.engine.ingest(bucketEvent('4', 'd'));
      await h.engine.idle();
      expect((await h.runs()).at(-1)?.outcome).toBe('succeeded');
    });
  });

  describe('needs_attention', () => {
    it('a non-idempotent action whose call times out is neither retried nor guessed', async () => {
      const h = await start([rotatePassword('50ms')], {
        faults: { slow: { actions: ['sandbox.user.rotate-password'], delayMs: 5_000 } },
      });
      await h.engine.ingest(userEvent('u1'));
      await h.drain();
      const run = await only(h);
      expect(run.outcome).toBe('needs_attention');
      expect(run.reason).toContain('rotate (sandbox.user.rotate-password) may or may not have taken effect');
      expect(run.reason).toContain('no answer within 50 ms');
      // One call although `retry` allows three: an unknown outcome of a non-idempotent action is never retried.
      expect(h.calls('sandbox.user.rotate-password')).toBe(1);
      // The slow fault delays before the system acts, so here nothing was done; the engine could not know.
      expect(h.sandbox.world.writes).toEqual([]);
      const attempts = await h.attempts(run.id);
      expect(attempts).toHaveLength(1);
      expect(attempts[0]?.result).toEqual({ ok: false, error: 'timeout: no answer within 50 ms' });
      expect(await notifications(h)).toEqual(['needs_attention']);
    });

    it('... also when the call did take effect and only its answer was lost', async () => {
      const h = await start([rotatePassword('50ms')], {
        faults: {
          slow: { actions: ['sandbox.user.rotate-password'], delayMs: 5_000, applyBeforeAbort: true },
        },
      });
      await h.engine.ingest(userEvent('u1'));
      await h.drain();
      expect((await only(h)).outcome).toBe('needs_attention');
      expect(h.calls('sandbox.user.rotate-password')).toBe(1);
      expect(h.sandbox.world.writes).toEqual([
        { action: 'sandbox.user.rotate-password', params: { system: 'redis-main', user: 'app' } },
      ]);
      expect(h.sandbox.world.users.get('redis-main/app')?.passwordVersion).toBe(2);
    });

    it('the engine died mid-call: a restarted engine finds the open intent and does not re-issue it', async () => {
      let release!: () => void;
      const hung = new Promise<void>((resolve) => {
        release = resolve;
      });
      // The first engine's call never answers: the process "dies" with the intent recorded.
      const hang = (sandbox: Connector): Connector => ({
        name: 'sandbox',
        handlers: {
          ...sandbox.handlers,
          'sandbox.user.rotate-password': async () => {
            await hung;
            return { system: 'redis-main', user: 'app', rotated: true };
          },
        },
      });
      const first = await harness([rotatePassword('1h')], { wrap: hang });
      await first.engine.ingest(userEvent('u1'));
      const runId = (await only(first)).id;
      await eventually(
        async () => (await first.store.transaction((tx) => tx.openAttempts(runId))).length > 0,
      );

      const restarted = await start([rotatePassword('1h')], { store: first.store, clock: first.clock });
      await restarted.engine.idle();
      const run = await restarted.run(runId);
      expect(run.outcome).toBe('needs_attention');
      expect(run.reason).toContain(
        'the engine stopped while rotate (sandbox.user.rotate-password) was under way',
      );
      expect(restarted.calls('sandbox.user.rotate-password')).toBe(0);
      expect(await kinds(restarted, runId)).toContain('action.interrupted');

      // The first engine's late answer is refused: its attempt was closed by recovery.
      release();
      await first.engine.idle();
      expect(first.errors.map((e) => e.message)).toEqual([expect.stringContaining('no open attempt')]);
      expect((await restarted.run(runId)).outcome).toBe('needs_attention');
    });

    it('an idempotent action interrupted by a crash is simply issued again', async () => {
      let release!: () => void;
      const hung = new Promise<void>((resolve) => {
        release = resolve;
      });
      const hang = (sandbox: Connector): Connector => ({
        name: 'sandbox',
        handlers: {
          ...sandbox.handlers,
          'sandbox.bucket.set-access': async () => {
            await hung;
            throw new Error('never answered');
          },
        },
      });
      const first = await harness([closeBucket({ step: '\n      timeout: 1h' })], { wrap: hang });
      await first.engine.ingest(bucketEvent('e1'));
      const runId = (await only(first)).id;
      await eventually(async () =>
        (await first.store.transaction((tx) => tx.openAttempts(runId))).some((a) => a.purpose === 'step'),
      );
      const restarted = await start([closeBucket({ step: '\n      timeout: 1h' })], {
        store: first.store,
        clock: first.clock,
      });
      await restarted.engine.idle();
      expect((await restarted.run(runId)).outcome).toBe('succeeded');
      expect(restarted.calls('sandbox.bucket.set-access')).toBe(1);
      const steps = (await restarted.attempts(runId)).filter((a) => a.purpose === 'step');
      expect(steps.map((a) => [a.attempt, a.result?.ok, a.idempotencyKey])).toEqual([
        [1, false, `${runId}:close`],
        [2, true, `${runId}:close`],
      ]);
      release();
      await first.engine.idle();
    });
  });
});

describe('ingest', () => {
  it('dedupes on (source, id) of the event itself: a duplicate delivery starts no second run', async () => {
    const h = await start([closeBucket()]);
    const first = await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    const again = await h.engine.ingest(bucketEvent('e1'));
    expect(again).toEqual({ status: 'duplicate', seq: first.status === 'accepted' ? first.seq : -1 });
    // The same id from another source is another event.
    const other = await h.engine.ingest(bucketEvent('e1', 'demo-reports', { source: 'other-scanner' }));
    expect(other).toMatchObject({ status: 'accepted', runs: [] });
    await h.engine.idle();
    expect(await h.runs()).toHaveLength(1);
    expect(h.sandbox.world.writes).toHaveLength(1);
    expect((await kinds(h)).filter((k) => k.startsWith('event.'))).toEqual([
      'event.accepted',
      'event.duplicate',
      'event.accepted',
    ]);
  });

  it('a duplicate within one batch is recognised too', async () => {
    const h = await start([closeBucket()]);
    const results = await h.engine.ingestBatch([bucketEvent('e1'), bucketEvent('e1')]);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'duplicate']);
    await h.engine.idle();
    expect(await h.runs()).toHaveLength(1);
  });

  it('a malformed event is rejected with the field at fault; nothing is stored but an audit record', async () => {
    const h = await start([closeBucket()]);
    const result = await h.engine.ingest({ ...bucketEvent('e1'), time: 'yesterday' });
    expect(result).toMatchObject({ status: 'rejected', field: 'time' });
    expect(await h.engine.ingest('not an event')).toMatchObject({ status: 'rejected' });
    expect(await h.runs()).toEqual([]);
    expect(await h.store.transaction((tx) => tx.getEvent(1))).toBeUndefined();
    const audit = await h.audit();
    expect(audit.map((r) => r.kind)).toEqual(['event.rejected', 'event.rejected']);
    expect(audit[0]?.data).toMatchObject({ field: 'time' });
    expect(h.sandbox.world.calls.size).toBe(0);
  });

  it('settle waits on a durable timer, then re-checks guards and acts', async () => {
    const h = await start([closeBucket({ trigger: ', settle: 30s' })]);
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    let run = await only(h);
    expect(run).toMatchObject({ status: 'sleeping', wakeAt: h.clock.now() + 30_000 });
    expect(h.sandbox.world.calls.size).toBe(0);
    await h.advance(29_999);
    expect((await only(h)).status).toBe('sleeping');
    await h.advance(1);
    run = await only(h);
    expect(run.outcome).toBe('succeeded');
    expect(h.sandbox.world.writes).toHaveLength(1);
    expect(await kinds(h, run.id)).toContain('run.sleeping');
  });

  it('settle survives a restart: a new engine on the same store wakes the run', async () => {
    const h = await start([closeBucket({ trigger: ', settle: 30s' })]);
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    await h.engine.stop();
    harnesses.splice(harnesses.indexOf(h), 1);
    const restarted = await start([closeBucket({ trigger: ', settle: 30s' })], {
      store: h.store,
      clock: h.clock,
    });
    await restarted.advance(30_000);
    expect((await only(restarted)).outcome).toBe('succeeded');
    expect(restarted.sandbox.world.writes).toHaveLength(1);
    expect(h.sandbox.world.writes).toEqual([]);
  });

  it('settle with the system clock: idle({ timers: true }) waits for the real timer', async () => {
    const store = SqliteStore.open(':memory:');
    const sandbox = sandboxConnector();
    const engine = await Engine.start({
      store,
      workflows: [closeBucket({ trigger: ', settle: 20ms' })],
      connectors: new Map([['sandbox', sandbox]]),
    });
    try {
      await engine.ingest(bucketEvent('e1'));
      await engine.idle({ timers: true });
      const runs = await store.transaction((tx) => tx.listRuns({}));
      expect(runs.map((r) => r.outcome)).toEqual(['succeeded']);
      expect(sandbox.world.writes).toHaveLength(1);
      expect((await verifyAudit(store)).ok).toBe(true);
    } finally {
      await engine.stop();
      await store.close();
    }
  });

  it('retries only retryable errors, with backoff on the durable timer', async () => {
    const h = await start(
      [
        closeBucket({
          corroborate: false,
          step: '\n      retry: { attempts: 3, backoff: exponential, initial: 1s, max: 10s }',
        }),
      ],
      { faults: { flaky: { actions: ['sandbox.bucket.set-access'], failures: 2 } } },
    );
    await h.engine.ingest(bucketEvent('e1'));
    await h.engine.idle();
    const { id } = await only(h);
    expect((await h.run(id)).status).toBe('sleeping');
    expect(h.calls('sandbox.bucket.set-access')).toBe(1);
    await h.advance(1000);
    expect(h.calls('sandbox.bucket.set-access')).toBe(2);
    await h.advance(1999); // exponential: the third attempt is 2s after the second
    expect(h.calls('sandbox.bucket.set-access')).toBe(2);
    await h.advance(1);
    const run = await h.run(id);
    expect(run.outcome).toBe('succeeded');
    expect(h.calls('sandbox.bucket.set-access')).toBe(3);
    expect(h.sandbox.world.writes).toHaveLength(1);
    expect(run.state.steps.close?.attempts).toBe(3);
    const sleeps = (await h.audit()).filter((r) => r.kind === 'run.sleeping').map((r) => r.data.reason);
    expect(sleeps).toEqual(['retry', 'retry']);
  });

  it('a non-retryable error is not retried', async () => {
    const h = await start(
      [
        closeBucket({
          corroborate: false,
          step: '\n      retry: { attempts: 3, backoff: fixed, initial: 1s }',
        }),
      ],
      { faults: { failOnResource: { actions: ['sandbox.bucket.set-access'], value: 'demo-reports' } } },
    );
    await h.engine.ingest(bucketEvent('e1'));
    await h.drain();
    const run = await only(h);
    expect(run.outcome).toBe('failed');
    expect(run.reason).toContain('failed after 1 attempt(s)');
    expect(h.calls('sandbox.bucket.set-access')).toBe(1);
    expect(h.sandbox.world.writes).toEqual([]);
  });

  it('retryable errors that outlast the attempts fail the step', async () => {
    const h = await start(
      [
        closeBucket({
          corroborate: false,
          step: '\n      retry: { attempts: 2, backoff: fixed, initial: 1s }',
        }),
      ],
      { faults: { down: { effect: 'write' } } },
    );
    await h.engine.ingest(bucketEvent('e1'));
    await h.drain();
    const run = await only(h);
    expect(run.outcome).toBe('failed');
    expect(run.reason).toContain('failed after 2 attempt(s)');
    expect(h.calls('sandbox.bucket.set-access')).toBe(2);
  });

  describe('blast radius counts distinct resources', () => {
    const limited = () =>
      closeBucket({
        corroborate: false,
        verify: false,
        spec: '  limits: { blastRadius: { max: 2, per: 24h }, onExceeded: skip }\n',
      });

    it('the same resource again does not count twice; a third distinct one is over the limit', async () => {
      const h = await start([limited()], { seed: buckets('a', 'b', 'c') });
      for (const [id, bucket] of [
        ['1', 'a'],
        ['2', 'a'],
        ['3', 'b'],
        ['4', 'a'],
        ['5', 'c'],
      ] as const) {
        await h.engine.ingest(bucketEvent(id, bucket));
        await h.engine.idle();
      }
      const runs = await h.runs();
      expect(runs.map((r) => r.outcome)).toEqual([
        'succeeded',
        'succeeded',
        'succeeded',
        'succeeded',
        'rate-limited',
      ]);
      expect(runs[4]?.reason).toBe(
        'blast radius of 2 resources per 86400s reached: this event is not acted on (onExceeded: skip)',
      );
      expect(new Set(h.sandbox.world.writes.map((w) => w.params.bucket))).toEqual(new Set(['a', 'b']));
      // A day later the window has moved on.
      h.clock.advance(24 * 3600_000 + 1);
      await h.engine.ingest(bucketEvent('6', 'c'));
      await h.engine.idle();
      expect((await h.runs()).at(-1)?.outcome).toBe('succeeded');
    });

    it('holds in a storm: runs created together count before any of them wrote', async () => {
      const h = await start([limited()], { seed: buckets('a', 'b', 'c', 'd') });
      const results = await h.engine.ingestBatch(
        ['a', 'b', 'c', 'd'].map((b, i) => bucketEvent(String(i), b)),
      );
      expect(results.map((r) => (r.status === 'accepted' ? r.runs[0]?.outcome : r.status))).toEqual([
        null,
        null,
        'rate-limited',
        'rate-limited',
      ]);
      await h.engine.idle();
      expect(h.sandbox.world.writes.map((w) => w.params.bucket)).toEqual(['a', 'b']);
    });
  });

  it('concurrency limit: runs of a workflow at once', async () => {
    const h = await start(
      [
        closeBucket({
          corroborate: false,
          trigger: ', settle: 10s',
          spec: '  limits: { concurrency: 1, onExceeded: skip }\n',
        }),
      ],
      { seed: buckets('a', 'b', 'c') },
    );
    await h.engine.ingest(bucketEvent('1', 'a'));
    await h.engine.idle();
    await h.engine.ingest(bucketEvent('2', 'b')); // the first one is still settling
    let runs = await h.runs();
    expect(runs.map((r) => r.status)).toEqual(['sleeping', 'done']);
    expect(runs[1]).toMatchObject({
      outcome: 'rate-limited',
      reason: 'concurrency limit of 1 reached: this event is not acted on (onExceeded: skip)',
    });
    await h.drain();
    await h.engine.ingest(bucketEvent('3', 'c')); // the first one is done: room again
    await h.drain();
    runs = await h.runs();
    expect(runs.map((r) => r.outcome)).toEqual(['succeeded', 'rate-limited', 'succeeded']);
    expect(h.sandbox.world.writes.map((w) => w.params.bucket)).toEqual(['a', 'c']);
  });
});

describe('coverage', () => {
  it('every run outcome of the spec was reached above', () => {
    // Runs in file order after the other tests (vitest runs tests of a file in sequence).
    expect([...runOutcomes].filter((o) => !reached.has(o))).toEqual([]);
  });
});
