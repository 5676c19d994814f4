import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDocument } from '../../src/core/loader/load-document.js';
import { reviewProject } from '../../src/review/review-project.js';
import type { Rule } from '../../src/review/rule.js';
import { catalog, inputOf, reviewFixtures } from './harness.js';

const clean = () =>
  loadDocument('clean.yaml', readFileSync(join(reviewFixtures, 'clean-workflow.yaml'), 'utf8'), { catalog });
const config = () =>
  loadDocument('rectify.yaml', readFileSync(join(reviewFixtures, 'base-config.yaml'), 'utf8'), { catalog });

const throwing: Rule = {
  meta: {
    id: 'trigger/always-throws',
    title: 'test rule',
    severity: 'low',
    confidence: 'low',
    description: 'throws',
    remediation: { summary: 'none', before: '', after: '' },
    references: [],
    messages: { x: 'x' },
  },
  checkWorkflow() {
    throw new Error('boom');
  },
};

describe('reviewProject', () => {
  it('turns a rule that throws into a blocking review/rule-error finding instead of passing the workflow', () => {
    const { findings } = reviewProject(inputOf([clean(), config()]), {
      catalog,
      today: '2026-11-27',
      rules: [throwing],
    });
    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'review/rule-error',
        severity: 'high',
        message: 'rule trigger/always-throws failed: boom',
        file: 'clean.yaml',
      }),
    ]);
  });

  it('is deterministic: the same input gives the same findings in the same order', () => {
    const input = inputOf([clean(), config()]);
    const first = reviewProject(input, { catalog, today: '2026-11-27' });
    const second = reviewProject(input, { catalog, today: '2026-11-27' });
    expect(second).toEqual(first);
  });

  it('places a rule report at the YAML path it names', () => {
    const pointing: Rule = {
      ...throwing,
      meta: { ...throwing.meta, id: 'trigger/points' },
      checkWorkflow: (context) => {
        context.report({ messageId: 'x', path: ['spec', 'steps', 0, 'with', 'bucket'] });
      },
    };
    const { findings } = reviewProject(inputOf([clean(), config()]), {
      catalog,
      today: '2026-11-27',
      rules: [pointing],
    });
    // clean-workflow.yaml line 30: `        bucket: ${{ event.resource.bucket }}`
    expect(findings[0]).toMatchObject({ line: 30, column: 17, path: 'spec.steps[0].with.bucket' });
  });
});
