import type { ActionDefinition } from '../catalog/action.js';
import type { CompiledCheck, CompiledStep, CompiledWorkflow } from '../compile/compiled-workflow.js';
import { formatDuration } from '../duration.js';
import type { CompiledParam } from '../expr/params.js';

/**
 * A plain-language account of what a workflow would do, in order, as lines of text:
 * what `rectify plan` prints and what an approver or reviewer reads first.
 */
export function describeWorkflow(workflow: CompiledWorkflow): string[] {
  const spec = workflow.workflow.spec;
  const lines: string[] = [];
  const meta = workflow.workflow.metadata;
  lines.push(`${workflow.name} (${workflow.mode}) — owned by ${meta.owner}, review by ${meta.reviewBy}`);
  lines.push(`  ${meta.description}`);
  lines.push(`  acts as credential ${spec.credentials ?? '(none)'}`);
  if (workflow.mode === 'disabled') lines.push('  disabled: ignores every event');
  if (workflow.mode === 'dry-run') lines.push('  dry-run: records what it would do, performs no write');
  lines.push(
    `  when ${spec.trigger.source} sends ${spec.trigger.types.join(' | ')}${workflow.match ? ` where ${oneLine(workflow.match.source)}` : ''}`,
  );
  if (workflow.dedupe)
    lines.push(
      `  at most one run per ${oneLine(workflow.dedupe.key.source)} every ${formatDuration(workflow.dedupe.windowMs)}`,
    );
  for (const exemption of workflow.exemptions)
    lines.push(`  except when ${oneLine(exemption.when.source)} (${exemption.reason}; ${exemption.owner})`);
  if (workflow.settleMs > 0)
    lines.push(`  wait ${formatDuration(workflow.settleMs)}, then check the guards again`);
  for (const check of workflow.corroborate) lines.push(`  read ${describeCheck(check)}`);
  const { limits } = workflow;
  const bounds = [
    limits.concurrency !== undefined ? `${limits.concurrency} at once` : undefined,
    limits.rate ? `${plural(limits.rate.max, 'run')} per ${formatDuration(limits.rate.perMs)}` : undefined,
    limits.blastRadius
      ? `${limits.blastRadius.max} resources per ${formatDuration(limits.blastRadius.perMs)}`
      : undefined,
  ].filter(Boolean);
  if (bounds.length > 0) lines.push(`  limits: ${bounds.join(', ')}; beyond them: ${limits.onExceeded}`);
  if (workflow.approval && workflow.approval.when !== 'never') {
    const when =
      typeof workflow.approval.when === 'string'
        ? workflow.approval.when
        : `when ${oneLine(workflow.approval.when.source)}`;
    lines.push(
      `  ask ${workflow.approval.approvers.join(', ')} for approval (${when}); on timeout: ${workflow.approval.onTimeout}`,
    );
  }
  workflow.steps.forEach((step, index) => lines.push(...describeStep(step, index)));
  if (workflow.verify)
    lines.push(
      `  then, after ${formatDuration(workflow.verify.afterMs)}, verify by reading ${describeCheck(workflow.verify)}`,
    );
  for (const notify of spec.notify ?? []) lines.push(`  tell ${notify.channel} on ${notify.on.join(', ')}`);
  lines.push(
    `  on failure: ${workflow.onFailure === 'compensate' ? 'undo the done steps in reverse order' : 'halt and leave the state for a person'}`,
  );
  return lines;
}

function describeStep(step: CompiledStep, index: number): string[] {
  const retry = step.retry
    ? `, up to ${plural(step.retry.attempts, 'attempt')} (${step.retry.backoff} from ${formatDuration(step.retry.initialMs)}${step.retry.maxMs !== undefined ? ` to ${formatDuration(step.retry.maxMs)}` : ''})`
    : '';
  const lines = [
    `  ${index + 1}. ${step.id}: ${label(step.action)} ${step.action.id}(${describeParams(step.params)})${step.if ? ` if ${oneLine(step.if.source)}` : ''}`,
    `     within ${formatDuration(step.timeoutMs)}${retry}`,
  ];
  const rollback = step.rollback;
  if (rollback.kind === 'catalog') {
    lines.push(
      `     undo: ${rollback.action ? `${rollback.action.id} from a snapshot taken before acting` : rollback.reasonNone ? `none (${rollback.reasonNone})` : 'nothing to undo'}`,
    );
  } else if (rollback.kind === 'custom')
    lines.push(`     undo: ${rollback.action.id}(${describeParams(rollback.params)})`);
  else lines.push(`     undo: none${rollback.reason ? ` (${rollback.reason})` : ' (no reason given)'}`);
  return lines;
}

function describeCheck(check: CompiledCheck): string {
  return `${check.action.id}(${describeParams(check.params)}) and expect ${oneLine(check.expect.source)}`;
}

function label(action: ActionDefinition): string {
  const simulated = action.simulated ? '[SIMULATED] ' : '';
  return `${simulated}${action.effect}`;
}

/** Parameters as written, templates shown as their expressions; nested mappings in braces. */
export function describeParams(param: CompiledParam, nested = false): string {
  switch (param.kind) {
    case 'value':
      return JSON.stringify(param.value);
    case 'template':
      return param.source;
    case 'list':
      return `[${param.items.map((item) => describeParams(item, true)).join(', ')}]`;
    case 'object': {
      const inner = Object.entries(param.entries)
        .map(([key, value]) => `${key}: ${describeParams(value, true)}`)
        .join(', ');
      return nested ? `{ ${inner} }` : inner;
    }
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
