import type { Rule } from '../../rule.js';

/** `spec.approval.when` as written, before the schema's default. */
function writtenWhen(raw: unknown): unknown {
  const spec = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).spec : undefined;
  const approval =
    spec !== null && typeof spec === 'object' ? (spec as Record<string, unknown>).approval : undefined;
  return approval !== null && typeof approval === 'object'
    ? (approval as Record<string, unknown>).when
    : undefined;
}

/**
 * `access/no-approval-destructive`: a step whose action the catalog marks destructive runs with no
 * person approving it (`approval` absent, or `when: never`) and no blast-radius limit of at most
 * one resource. Reads `effect` from the catalog, never action names.
 */
export const noApprovalDestructive: Rule = {
  meta: {
    id: 'access/no-approval-destructive',
    title: 'Destructive action with no approval and no blast-radius limit of 1',
    severity: 'high',
    confidence: 'high',
    description:
      "A destructive action (the catalog's `effect: destructive`: terminating sessions, revoking privileges, taking superuser away) breaks whatever depended on what it removes, and its undo, when there is one, does not bring back what broke meanwhile. Such a step needs one of two brakes: a person who approves each run after seeing the concrete resources (`approval.when: always`, or a condition), or a blast radius of at most one resource per window, so a wrong trigger destroys one thing and pauses rather than destroying many. Without either, one misleading event, or a storm of them, acts on every resource it names, unattended. Note that an `approval` block without `when` defaults to `never`. A conditional approval (`when:` a CEL expression) is accepted: the author decided which runs need a person, which this rule cannot judge.",
    remediation: {
      summary:
        'Require approval for the destructive step (`approval.when: always` or a condition), or limit the blast radius to one resource per window.',
      before:
        'limits:\n  blastRadius: { max: 10, per: 24h }\nsteps:\n  - id: demote\n    action: sandbox.role.set-superuser\n    with: { database: app, role: "${{ event.resource.role }}", superuser: false }',
      after:
        'limits:\n  blastRadius: { max: 10, per: 24h }\napproval:\n  when: always\n  approvers: [role:secops-oncall]\n  timeout: 30m\n  onTimeout: abort\nsteps:\n  - id: demote\n    action: sandbox.role.set-superuser\n    with: { database: app, role: "${{ event.resource.role }}", superuser: false }',
    },
    references: ['spec/review.md', 'spec/workflow.md', 'https://sre.google/sre-book/automation-at-google/'],
    messages: {
      unattended:
        'step `{{step}}` runs destructive `{{action}}` with {{approval}} and {{limit}}: one event, or a storm of them, destroys unattended',
    },
  },
  checkWorkflow(context) {
    const { workflow } = context;
    const approval = workflow.approval;
    if (approval && approval.when !== 'never') return;
    const blastRadius = workflow.limits.blastRadius;
    if (blastRadius && blastRadius.max <= 1) return;
    const per = workflow.workflow.spec.limits?.blastRadius?.per;
    const written = writtenWhen(context.raw);
    for (const step of workflow.steps) {
      if (step.action.effect !== 'destructive') continue;
      context.report({
        messageId: 'unattended',
        data: {
          step: step.id,
          action: step.action.id,
          approval: !approval
            ? 'no approval'
            : written === undefined
              ? 'an approval without `when` (which defaults to `never`)'
              : '`approval.when: never`',
          limit: blastRadius
            ? `a blast radius of ${blastRadius.max} resources per ${per ?? 'window'}`
            : 'no blast-radius limit',
        },
        path: [...step.path, 'action'],
      });
    }
  },
};
