import { hasTemplate } from '../expr/template.js';
import type { PathSegment } from '../loader/source-document.js';
import type { DiagnosticCollector } from './collector.js';

/** Where `${{ }}` templates may appear: action parameters only. */
function allowsTemplates(path: readonly PathSegment[]): boolean {
  const [first, second, third, fourth, fifth] = path;
  if (first !== 'spec') return false;
  if (second === 'steps' && typeof third === 'number')
    return fourth === 'with' || (fourth === 'rollback' && fifth === 'with');
  if (second === 'corroborate' && typeof third === 'number') return fourth === 'with';
  if (second === 'verify') return third === 'with';
  return false;
}

/**
 * Reports a template anywhere it would not be substituted: a template in `action`, `channel`
 * or a CEL condition is a mistake that would otherwise pass silently as literal text.
 */
export function checkTemplatesOutsideParams(
  collector: DiagnosticCollector,
  value: unknown,
  path: PathSegment[] = [],
): void {
  if (allowsTemplates(path)) return;
  if (typeof value === 'string') {
    if (hasTemplate(value)) {
      const isCondition = ['match', 'when', 'expect', 'if', 'key'].includes(String(path[path.length - 1]));
      collector.add(
        path,
        'template-not-allowed',
        `\`${collector.source.at(path, '', '', undefined).path}\` takes no \`\${{ }}\` template`,
        isCondition
          ? 'this field is already a CEL expression: write the expression without ${{ }}'
          : 'templates are allowed only in the `with` parameters of steps, checks and rollbacks',
      );
    }
    return;
  }
  if (Array.isArray(value))
    value.forEach((item, index) => {
      checkTemplatesOutsideParams(collector, item, [...path, index]);
    });
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value))
      checkTemplatesOutsideParams(collector, inner, [...path, key]);
  }
}
