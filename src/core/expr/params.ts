import type { PathSegment } from '../loader/source-document.js';
import {
  compileTemplate,
  hasTemplate,
  renderTemplate,
  templateExpressions,
  type CompiledTemplate,
  type TemplateProblem,
} from './template.js';
import type { CompiledExpression } from './compile-expression.js';
import type { ExpressionScope } from './variables.js';

/** Action parameters with their templates compiled: a tree mirroring the YAML value. */
export type CompiledParam =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'template'; readonly template: CompiledTemplate; readonly source: string }
  | { readonly kind: 'object'; readonly entries: Readonly<Record<string, CompiledParam>> }
  | { readonly kind: 'list'; readonly items: readonly CompiledParam[] };

export interface ParamProblem {
  /** Path below the parameters' root. */
  readonly path: readonly PathSegment[];
  readonly problem: TemplateProblem;
}

/** Compiles every template found in a parameter tree. */
export function compileParams(
  value: unknown,
  scope: ExpressionScope,
  path: readonly PathSegment[] = [],
): { param: CompiledParam; problems: ParamProblem[] } {
  if (typeof value === 'string' && hasTemplate(value)) {
    const { template, problems } = compileTemplate(value, scope);
    return {
      param: template ? { kind: 'template', template, source: value } : { kind: 'value', value },
      problems: problems.map((problem) => ({ path, problem })),
    };
  }
  if (Array.isArray(value)) {
    const compiled = value.map((item, index) => compileParams(item, scope, [...path, index]));
    return {
      param: { kind: 'list', items: compiled.map((c) => c.param) },
      problems: compiled.flatMap((c) => c.problems),
    };
  }
  if (value !== null && typeof value === 'object') {
    const entries: Record<string, CompiledParam> = {};
    const problems: ParamProblem[] = [];
    for (const [key, inner] of Object.entries(value)) {
      const compiled = compileParams(inner, scope, [...path, key]);
      entries[key] = compiled.param;
      problems.push(...compiled.problems);
    }
    return { param: { kind: 'object', entries }, problems };
  }
  return { param: { kind: 'value', value }, problems: [] };
}

/** Resolves templates against a CEL-form context into concrete parameter values. */
export function resolveParams(param: CompiledParam, context: Record<string, unknown>): unknown {
  switch (param.kind) {
    case 'value':
      return param.value;
    case 'template':
      return renderTemplate(param.template, context);
    case 'list':
      return param.items.map((item) => resolveParams(item, context));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(param.entries)) out[key] = resolveParams(inner, context);
      return out;
    }
  }
}

/** Every template in a parameter tree with its path: what the reviewer's data-flow rule walks. */
export function paramTemplates(
  param: CompiledParam,
  path: readonly PathSegment[] = [],
): {
  path: readonly PathSegment[];
  source: string;
  template: CompiledTemplate;
  expressions: CompiledExpression[];
  /** Where each expression starts in `source`. */
  offsets: readonly number[];
}[] {
  switch (param.kind) {
    case 'value':
      return [];
    case 'template':
      return [
        {
          path,
          source: param.source,
          template: param.template,
          expressions: templateExpressions(param.template),
          offsets: param.template.kind === 'literal' ? [] : param.template.offsets,
        },
      ];
    case 'list':
      return param.items.flatMap((item, index) => paramTemplates(item, [...path, index]));
    case 'object':
      return Object.entries(param.entries).flatMap(([key, inner]) => paramTemplates(inner, [...path, key]));
  }
}

/**
 * The parameter tree with every template replaced by a placeholder the input schema accepts
 * nowhere in particular: used to validate the literal parts of `with` at load time. Returns
 * the paths that hold templates so issues there can be set aside (their type is known only at run time).
 */
export function staticView(
  param: CompiledParam,
  path: readonly PathSegment[] = [],
): { value: unknown; templatePaths: string[] } {
  const templatePaths: string[] = [];
  const walk = (node: CompiledParam, at: readonly PathSegment[]): unknown => {
    switch (node.kind) {
      case 'value':
        return node.value;
      case 'template':
        templatePaths.push(at.join('\u0000'));
        return node.template.kind === 'interpolated' ? 'template' : undefined;
      case 'list':
        return node.items.map((item, index) => walk(item, [...at, index]));
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const [key, inner] of Object.entries(node.entries)) out[key] = walk(inner, [...at, key]);
        return out;
      }
    }
  };
  return { value: walk(param, path), templatePaths };
}
