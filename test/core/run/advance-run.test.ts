import { describe, expect, it } from 'vitest';
import { ActionFailure } from '../../../src/core/errors.js';
import { event, simulate, workflowFrom } from './simulate.js';

const base = (spec: string, extraMeta = '') => `apiVersion: rectify.dev/v1
kind: Workflow
metadata:
  name: close-bucket
  owner: team:secops
  description: test
  reviewBy: 2027-03-01${extraMeta}
spec:
  mode: enforce
${spec}`;

const closeBucket = (more = '', stepExtra = '') =>
  workflowFrom(
    base(`  trigger:
    source: scanner
    types: [sandbox.bucket.public]
    match: event.resource.bucket.startsWith("demo-")
  corroborate:
    - check: sandbox.bucket.get
      with: { bucket: "\${{ event.resource.bucket }}" }
      expect: result.access == "public"
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }${stepExtra}
  verify:
    check: sandbox.bucket.get
    with: { bucket: "\${{ event.resource.bucket }}" }
    expect: result.access == "private"
${more}`),
  );

const publicBucket = event({ bucket: 'demo-reports' });

/** Makes a bucket private, then fails: the role to lock does not exist in the sandbox. */
const closeThenFailingStep = (onFailure: 'compensate' | 'halt') =>
  workflowFrom(
    base(`  trigger: { source: scanner, types: [sandbox.bucket.public] }
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
    - id: lock-role
      action: sandbox.role.set-login
      with: { database: analytics, role: missing-role, login: false }
  onFailure: ${onFailure}
`),
  );

/** Makes a bucket private, then verifies it is public: verify never holds. */
const closeThenVerifyFails = (onFailure: 'compensate' | 'halt') =>
  workflowFrom(
    base(`  trigger: { source: scanner, types: [sandbox.bucket.public] }
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
  verify:
    check: sandbox.bucket.get
    with: { bucket: "\${{ event.resource.bucket }}" }
    expect: result.access == "public"
  onFailure: ${onFailure}
`),
  );
const actions = (commands: { kind: string; action?: { id: string }; purpose?: string }[]) =>
  commands.filter((c) => c.kind === 'act').map((c) => `${c.purpose ?? ''}:${c.action?.id ?? ''}`);

describe('advanceRun: the run state machine', () => {
  it('succeeded: corroborates, snapshots, acts, verifies', async () => {
    const run = await simulate(closeBucket(), { event: publicBucket });
    expect(run.state.outcome).toBe('succeeded');
    expect(run.world.buckets.get('demo-reports')?.access).toBe('private');
    expect(run.commands.map((c) => (c.kind === 'read' ? `read:${c.purpose}` : c.kind))).toEqual([
      'read:corroborate',
      'read:snapshot',
      'act',
      'read:verify',
      'finish',
    ]);
    expect(run.state.steps.close).toMatchObject({
      status: 'done',
      params: { bucket: 'demo-reports', access: 'private' },
      snapshot: { access: 'public' },
    });
  });

  it('skipped: corroboration does not hold, nothing is changed', async () => {
    const run = await simulate(closeBucket(), { event: event({ bucket: 'demo-exports' }) });
    expect(run.state.outcome).toBe('skipped');
    expect(run.state.reason).toContain('corroborate[0] did not hold');
    expect(run.world.writes).toEqual([]);
  });

  it('dry-run: records the planned write with resolved parameters and performs none', async () => {
    const run = await simulate(closeBucket(), { event: publicBucket, mode: 'dry-run' });
    expect(run.state.outcome).toBe('dry-run');
    expect(run.state.steps.close).toMatchObject({
      status: 'planned',
      params: { bucket: 'demo-reports', access: 'private' },
    });
    expect(run.world.writes).toEqual([]);
  });

  it('cancelled: the kill switch stops the write before it starts', async () => {
    const run = await simulate(closeBucket(), { event: publicBucket, killSwitch: true });
    expect(run.state.outcome).toBe('cancelled');
    expect(run.world.writes).toEqual([]);
  });

  it('retries a retryable failure with backoff, then succeeds', async () => {
    const workflow = closeBucket(
      '',
      '\n      retry: { attempts: 3, backoff: exponential, initial: 1s, max: 10s }',
    );
    const run = await simulate(workflow, {
      event: publicBucket,
      failures: { 'sandbox.bucket.set-access': [new ActionFailure('503', 'retryable')] },
    });
    expect(run.state.outcome).toBe('succeeded');
    expect(run.commands.filter((c) => c.kind === 'sleep')).toEqual([
      { kind: 'sleep', until: expect.any(Number) as number, reason: 'retry' },
    ]);
    expect(run.state.steps.close?.attempts).toBe(2);
  });

  it('failed: expired credentials are not retried', async () => {
    const workflow = closeBucket(
      '',
      '\n      retry: { attempts: 3, backoff: exponential, initial: 1s, max: 10s }',
    );
    const run = await simulate(workflow, {
      event: publicBucket,
      failures: { 'sandbox.bucket.set-access': [new ActionFailure('401 expired', 'credentials')] },
    });
    expect(run.state.outcome).toBe('failed');
    expect(run.state.reason).toContain('credentials were refused');
    expect(run.commands.filter((c) => c.kind === 'sleep')).toEqual([]);
  });

  it('compensated: a later step fails, the done step is undone from its snapshot', async () => {
    const workflow = closeThenFailingStep('compensate');
    const run = await simulate(workflow, { event: publicBucket });
    expect(run.state.outcome).toBe('compensated');
    expect(actions(run.commands as never)).toEqual([
      'step:sandbox.bucket.set-access',
      'step:sandbox.role.set-login',
      'compensate:sandbox.bucket.set-access',
    ]);
    expect(run.world.buckets.get('demo-reports')?.access).toBe('public');
  });

  it('compensated without an undo call when the snapshot shows the step changed nothing', async () => {
    const workflow = closeThenFailingStep('compensate');
    // demo-exports is private already: setting it private changed nothing, so undoing must not run
    // (the catalog inverse's \`when\` is false), and above all must not make anything public.
    const run = await simulate(workflow, { event: event({ bucket: 'demo-exports' }) });
    expect(run.state.outcome).toBe('compensated');
    expect(actions(run.commands as never)).toEqual([
      'step:sandbox.bucket.set-access',
      'step:sandbox.role.set-login',
    ]);
    expect(run.state.steps.close?.status).toBe('compensated');
    expect(run.world.buckets.get('demo-exports')?.access).toBe('private');
  });

  it('failed (halt): onFailure halt leaves done steps for a person', async () => {
    const workflow = closeThenFailingStep('halt');
    const run = await simulate(workflow, { event: publicBucket });
    expect(run.state.outcome).toBe('failed');
    expect(run.world.buckets.get('demo-reports')?.access).toBe('private');
  });

  it('needs_attention: a non-idempotent action that timed out is never retried or guessed', async () => {
    const workflow = workflowFrom(
      base(`  trigger: { source: scanner, types: [sandbox.bucket.public] }
  steps:
    - id: rotate
      action: sandbox.user.rotate-password
      with: { system: redis-main, user: app }
      rollback: { none: true, reason: the old password is the problem }
      retry: { attempts: 3, backoff: fixed, initial: 1s }
`),
    );
    const run = await simulate(workflow, {
      event: publicBucket,
      failures: { 'sandbox.user.rotate-password': ['timeout'] },
    });
    expect(run.state.outcome).toBe('needs_attention');
    expect(run.commands.filter((c) => c.kind === 'act')).toHaveLength(1);
  });

  it('an idempotent action that timed out is retried', async () => {
    const workflow = closeBucket('', '\n      retry: { attempts: 2, backoff: fixed, initial: 1s }');
    const run = await simulate(workflow, {
      event: publicBucket,
      failures: { 'sandbox.bucket.set-access': ['timeout'] },
    });
    expect(run.state.outcome).toBe('succeeded');
  });

  it('failed before acting: the snapshot read fails, so nothing is changed', async () => {
    const readFails = await simulate(
      workflowFrom(
        base(`  trigger: { source: scanner, types: [sandbox.bucket.public] }
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
  verify:
    check: sandbox.bucket.get
    with: { bucket: "\${{ event.resource.bucket }}" }
    expect: result.access == "private"
`),
      ),
      { event: publicBucket, failures: { 'sandbox.bucket.get': [new ActionFailure('down', 'retryable')] } },
    );
    // The first sandbox.bucket.get is the snapshot: it fails, so nothing is changed.
    expect(readFails.state.outcome).toBe('failed');
    expect(readFails.world.writes).toEqual([]);
  });

  it('unverified: a verify read that fails reports, and does not undo the fix', async () => {
    // Reads in order: corroborate, snapshot, verify. Only the verify read fails.
    const run = await simulate(closeBucket('  onFailure: compensate\n'), {
      event: publicBucket,
      failures: {
        'sandbox.bucket.get': [null, null, new ActionFailure('503 from the storage API', 'retryable')],
      },
    });
    expect(run.state.outcome).toBe('unverified');
    expect(run.state.reason).toContain('verify could not read');
    expect(run.world.buckets.get('demo-reports')?.access).toBe('private');
  });

  it('compensated after verify does not hold', async () => {
    const workflow = closeThenVerifyFails('compensate');
    const run = await simulate(workflow, { event: publicBucket });
    expect(run.state.outcome).toBe('compensated');
    expect(run.state.reason).toContain('verify did not hold');
  });

  it('unverified (halt): verify does not hold and onFailure is halt', async () => {
    const workflow = closeThenVerifyFails('halt');
    expect((await simulate(workflow, { event: publicBucket })).state.outcome).toBe('unverified');
  });

  describe('approval', () => {
    const withApproval = (onTimeout: string) =>
      closeBucket(`  approval:
    when: always
    approvers: [role:secops-oncall]
    timeout: 30m
    onTimeout: ${onTimeout}
`);
    it('awaiting_approval shows a preview of concrete actions, then acts when approved', async () => {
      const run = await simulate(withApproval('abort'), { event: publicBucket, approval: 'approve' });
      const waiting = run.commands.find((c) => c.kind === 'await-approval');
      expect(waiting).toMatchObject({
        preview: [
          {
            stepId: 'close',
            action: 'sandbox.bucket.set-access',
            params: { bucket: 'demo-reports', access: 'private' },
          },
        ],
      });
      expect(run.state.outcome).toBe('succeeded');
    });
    it('rejected when the approver rejects, or the approval times out with onTimeout: abort', async () => {
      expect(
        (await simulate(withApproval('abort'), { event: publicBucket, approval: 'reject' })).state,
      ).toMatchObject({ outcome: 'rejected', reason: 'rejected by user:carol' });
      expect(
        (await simulate(withApproval('abort'), { event: publicBucket, approval: 'timeout' })).state.outcome,
      ).toBe('rejected');
    });
    it('proceeds on timeout when onTimeout: proceed', async () => {
      expect(
        (await simulate(withApproval('proceed'), { event: publicBucket, approval: 'timeout' })).state.outcome,
      ).toBe('succeeded');
    });
  });

  it('settles, then re-checks guards: an exemption that applies ends the run as exempted', async () => {
    const workflow = workflowFrom(
      base(`  trigger:
    source: scanner
    types: [sandbox.bucket.public]
    settle: 30s
  exempt:
    - when: event.resource.bucket == "demo-reports"
      reason: vendor needs it
      owner: team:analytics
      until: 2027-01-31
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
`),
    );
    const run = await simulate(workflow, { event: publicBucket });
    expect(run.commands[0]).toMatchObject({ kind: 'sleep', reason: 'settle' });
    expect(run.state.outcome).toBe('exempted');
  });

  it('approval fails closed: a `when` that cannot be evaluated asks a person', async () => {
    const workflow = closeBucket(`  approval:
    when: event.data.missing.field == "x"
    approvers: [role:secops-oncall]
    timeout: 30m
    onTimeout: abort
`);
    const run = await simulate(workflow, { event: publicBucket, approval: 'reject' });
    expect(run.commands.some((c) => c.kind === 'await-approval')).toBe(true);
    expect(run.state.outcome).toBe('rejected');
    expect(run.world.writes).toEqual([]);
  });

  it('reads carry their timeout: the check’s own, or (for a snapshot) the step’s', async () => {
    const workflow = workflowFrom(
      base(`  trigger: { source: scanner, types: [sandbox.bucket.public] }
  corroborate:
    - check: sandbox.bucket.get
      with: { bucket: "\${{ event.resource.bucket }}" }
      expect: result.access == "public"
      timeout: 2s
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
      timeout: 7s
  verify:
    check: sandbox.bucket.get
    with: { bucket: "\${{ event.resource.bucket }}" }
    expect: result.access == "private"
`),
    );
    const run = await simulate(workflow, { event: publicBucket });
    expect(
      run.commands.flatMap((c) =>
        c.kind === 'read' || c.kind === 'act' ? [`${c.kind}:${c.timeoutMs}`] : [],
      ),
    ).toEqual(['read:2000', 'read:7000', 'act:7000', 'read:30000']);
  });

  it('a snapshot whose parameters cannot be resolved fails the step, and done steps are compensated', async () => {
    const compiled = workflowFrom(
      base(`  trigger: { source: scanner, types: [sandbox.bucket.public] }
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with: { bucket: "\${{ event.resource.bucket }}", access: private }
    - id: lock-role
      action: sandbox.role.set-login
      with: { database: analytics, role: etl_legacy, login: false }
  onFailure: compensate
`),
    );
    const [close, lock] = compiled.steps;
    if (!close || !lock) throw new Error('two steps');
    const inverse = lock.action.inverse;
    if (!inverse || 'none' in inverse || !inverse.snapshot) throw new Error('set-login has a snapshot');
    const broken = {
      ...compiled,
      steps: [
        close,
        {
          ...lock,
          action: {
            ...lock.action,
            id: 'sandbox.role.set-login-broken-snapshot',
            inverse: {
              ...inverse,
              snapshot: { ...inverse.snapshot, with: { database: '${{ params.no.such }}', role: 'x' } },
            },
          },
        },
      ],
    };
    const run = await simulate(broken, { event: publicBucket });
    expect(run.state.phase).toBe('done');
    expect(run.state.outcome).toBe('compensated');
    expect(run.state.reason).toContain('snapshot parameters of lock-role could not be resolved');
    expect(run.world.buckets.get('demo-reports')?.access).toBe('public');
    expect(run.world.roles.get('analytics/etl_legacy')?.login).toBe(true);
  });
});
