import type { ActionDefinition } from '../catalog/action.js';
import { compileParams, staticView, type CompiledParam } from '../expr/params.js';
import type { ExpressionScope } from '../expr/variables.js';
import { schemaIssuesToDiagnostics } from '../loader/schema-issues.js';
import type { PathSegment } from '../loader/source-document.js';
import type { DiagnosticCollector } from './collector.js';

/**
 * Compiles an action's `with` and validates it against the action's input schema.
 *
 * Literal values are checked now. A value that is a whole `${{ }}` template has a type known only
 * when the run resolves it, so issues at template paths are set aside here; the engine validates
 * the resolved parameters again before every call.
 */
export function compileActionParams(
  collector: DiagnosticCollector,
  action: ActionDefinition | undefined,
  raw: Record<string, unknown> | undefined,
  path: readonly PathSegment[],
  scope: ExpressionScope,
): CompiledParam {
  const { param, problems } = compileParams(raw ?? {}, scope);
  for (const { path: inner, problem } of problems) {
    collector.expression([...path, ...inner], problem, problem.valueStart, problem.valueEnd);
  }
  if (!action || problems.length > 0) return param;
  const { value, templatePaths } = staticView(param);
  const result = action.input.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.filter((issue) => !coveredByTemplate(issue.path, templatePaths));
    const diagnostics = schemaIssuesToDiagnostics(collector.source, action.input, issues, path);
    collector.push(...diagnostics.map((d) => ({ ...d, message: `${d.message} (action ${action.id})` })));
  }
  return param;
}

function coveredByTemplate(issuePath: readonly PropertyKey[], templatePaths: readonly string[]): boolean {
  const segments = issuePath.map(String);
  return templatePaths.some((templatePath) => {
    const prefix = templatePath === '' ? [] : templatePath.split('\u0000');
    return prefix.every((segment, index) => segments[index] === segment);
  });
}
