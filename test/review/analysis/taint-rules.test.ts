import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/review/finding.js';
import { reviewFixture, reviewFixtures } from '../harness.js';

/** What the injection rules put in `--format json`: messages and evidence, on their fixtures. */
function findingsOf(rule: string, fixture: string): Finding[] {
  return reviewFixture(join(reviewFixtures, rule, fixture)).findings.filter((f) => f.ruleId === rule);
}

describe('injection/event-to-sensitive-param findings', () => {
  const rule = 'injection/event-to-sensitive-param';

  it('name the field, the sink, its kind and the action, and say which flows into it were cleared', () => {
    const [finding] = findingsOf(rule, 'invalid/partly-pinned-string.yaml');
    expect(finding?.message).toBe(
      'event.data.suffix reaches the identifier parameter `bucket` of sandbox.bucket.set-access in step `close` with no constraint pinning it',
    );
    expect(finding?.path).toBe('spec.steps[0].with.bucket');
    expect(finding?.evidence).toEqual({
      field: 'event.data.suffix',
      sink: 'bucket',
      kind: 'identifier',
      action: 'sandbox.bucket.set-access',
      via: [],
      place: 'step',
      template: '${{ event.resource.bucket }}-${{ event.data.suffix }}',
      notPinnedBy: [],
      cleared: [
        {
          field: 'event.resource.bucket',
          via: [],
          clearedBy: 'event.resource.bucket in ["demo-reports", "demo-exports"]',
          at: 'spec.trigger.match',
        },
      ],
    });
  });

  it('say which step outputs a flow went through', () => {
    const close = findingsOf(rule, 'invalid/through-step-output.yaml').find((f) =>
      f.path.startsWith('spec.steps[1]'),
    );
    expect(close?.message).toContain('through steps.lookup.output');
    expect(close?.evidence?.via).toEqual(['steps.lookup.output']);
  });

  it('say why a constraint on the field does not pin it', () => {
    const [first] = findingsOf(rule, 'invalid/pin-under-or.yaml');
    expect(first?.message).toContain(
      '; `event.resource.bucket in ["demo-reports", "demo-exports"]` does not: the condition can hold without it (it sits under `||`)',
    );
    const [loose] = findingsOf(rule, 'invalid/permissive-pattern.yaml');
    expect(loose?.evidence?.notPinnedBy).toEqual([
      {
        constraint: "event.resource.bucket.matches('^demo-.+$')",
        reason: 'the pattern allows almost any character in an identifier',
      },
    ]);
  });

  it('block under the default gate', () => {
    const [finding] = findingsOf(rule, 'invalid/direct-whole-template.yaml');
    expect([finding?.severity, finding?.confidence]).toEqual(['high', 'medium']);
  });
});

describe('injection/untrusted-field-in-match-only findings', () => {
  const rule = 'injection/untrusted-field-in-match-only';

  it('name the step, the action, the resource parameters and the fields, at the step', () => {
    const [finding] = findingsOf(rule, 'invalid/partial-resource.yaml');
    expect(finding?.message).toBe(
      'step `demote` runs sandbox.role.set-superuser on the database and role named by event.data.database and event.data.role, but no corroborate check reads that resource live first',
    );
    expect(finding?.path).toBe('spec.steps[0]');
    expect(finding?.evidence).toEqual({
      step: 'demote',
      action: 'sandbox.role.set-superuser',
      resources: [
        { param: 'database', fields: ['event.data.database'], template: '${{ event.data.database }}' },
        { param: 'role', fields: ['event.data.role'], template: '${{ event.data.role }}' },
      ],
      checks: 1,
    });
  });
});
