import type { PathSegment } from '../../../core/loader/source-document.js';
import { defaultStepTimeoutMs } from '../../../core/compile/compiled-workflow.js';
import { formatDuration } from '../../../core/duration.js';
import type { Rule } from '../../rule.js';

/**
 * `resilience/no-timeout-override`: a step or check on an action the catalog marks `slow` runs
 * with the default timeout because none is written. Reads the written workflow (the compiled
 * `timeoutMs` has the default filled in) and the catalog's `slow` hint, never action names.
 */
export const noTimeoutOverride: Rule = {
  meta: {
    id: 'resilience/no-timeout-override',
    title: 'Slow action without a timeout of its own',
    // Low: the default timeout still bounds the call, so the risk is a wrong bound, not none.
    // Medium confidence: `slow` is a hint, and the default may well fit this call.
    severity: 'low',
    confidence: 'medium',
    description:
      'The catalog marks some actions `slow`: a call usually takes seconds or more (a cloud API, an HTTP request). A step or check on one of them without `timeout` gets the default (30s), chosen for nobody in particular. Too short, and a write is abandoned while the call may still complete, leaving the run unsure whether it took effect (and a retry may repeat it); too long, and a hung dependency holds the run and its concurrency slot. Say how long this call may take.',
    remediation: {
      summary: 'Set `timeout` on the step or check to how long the slow call may take.',
      before:
        'steps:\n  - id: block-public-access\n    action: s3.bucket.put-public-access-block\n    with: { bucket: acme-exports-prod }',
      after:
        'steps:\n  - id: block-public-access\n    action: s3.bucket.put-public-access-block\n    with: { bucket: acme-exports-prod }\n    timeout: 60s',
    },
    references: ['spec/review.md', 'docs/workflows.md#steps', 'docs/actions.md'],
    messages: {
      step: 'step `{{step}}` calls `{{action}}`, which the catalog marks slow, with the default {{timeout}} timeout',
      check:
        '{{check}} reads `{{action}}`, which the catalog marks slow, with the default {{timeout}} timeout',
    },
  },
  checkWorkflow(context) {
    const { workflow, catalog } = context;
    const timeout = formatDuration(defaultStepTimeoutMs);
    for (const step of workflow.steps) {
      if (!step.action.slow || step.definition.timeout !== undefined) continue;
      context.report({
        messageId: 'step',
        data: { step: step.id, action: step.action.id, timeout },
        path: [...step.path, 'action'],
      });
    }
    const { corroborate, verify } = workflow.workflow.spec;
    const checks: {
      check: { check: string; timeout?: string | undefined };
      name: string;
      path: PathSegment[];
    }[] = [
      ...(corroborate ?? []).map((check, index) => ({
        check,
        name: `corroborate check ${index + 1}`,
        path: ['spec', 'corroborate', index],
      })),
      ...(verify ? [{ check: verify, name: 'verify', path: ['spec', 'verify'] }] : []),
    ];
    for (const { check, name, path } of checks) {
      if (check.timeout !== undefined || !catalog.get(check.check)?.slow) continue;
      context.report({
        messageId: 'check',
        data: { check: name, action: check.check, timeout },
        path: [...path, 'check'],
      });
    }
  },
};
