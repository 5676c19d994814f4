import type { z } from 'zod';
import { didYouMean } from '../did-you-mean.js';
import { patternCodes } from '../model/common.js';
import type { Diagnostic } from './diagnostic.js';
import { allowedKeysAt } from './schema-keys.js';
import type { PathSegment, SourceDocument } from './source-document.js';

type Issue = z.core.$ZodIssue;

/**
 * Turns zod's issues into diagnostics that name the field, point at it, and say how to fix it.
 * `schema` is the root schema (for the allowed field names); `prefix` is where it sits in the file.
 */
export function schemaIssuesToDiagnostics(
  source: SourceDocument,
  schema: z.ZodType,
  issues: readonly Issue[],
  prefix: readonly PathSegment[] = [],
): Diagnostic[] {
  return issues.flatMap((issue) => issueToDiagnostics(source, schema, issue, prefix));
}

function issueToDiagnostics(
  source: SourceDocument,
  schema: z.ZodType,
  issue: Issue,
  prefix: readonly PathSegment[],
): Diagnostic[] {
  const path = [...prefix, ...(issue.path as PathSegment[])];
  const schemaPath = issue.path as PathSegment[];
  const where = path.length > 0 ? `\`${source.at(path, '', '', undefined).path}\`` : 'the document';
  const actual = source.nodeAt(path);
  const present = actual.depth === path.length;

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(schema, schemaPath);
      return issue.keys.map((key) => {
        const suggestion = didYouMean(key, allowed);
        const hint = suggestion ? `did you mean \`${suggestion}\`?` : `allowed here: ${allowed.join(', ')}`;
        return source.at(
          [...path, key],
          'unknown-field',
          `unknown field \`${key}\` in ${where}`,
          hint,
          source.rangeOf([...path, key], 'key'),
        );
      });
    }
    case 'invalid_type': {
      if (!present) {
        const field = path[path.length - 1];
        return [source.at(path, 'missing-field', `${where} is required`, `add \`${String(field)}:\``)];
      }
      return [
        source.at(
          path,
          'wrong-type',
          `${where} must be ${article(issue.expected)}, not ${describeValue(valueAt(source, path))}`,
          undefined,
        ),
      ];
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v));
      const given = valueAt(source, path);
      if (!present)
        return [
          source.at(
            path,
            'missing-field',
            `${where} is required`,
            `add it, e.g. \`${String(path[path.length - 1])}: ${values[0] ?? ''}\``,
          ),
        ];
      const suggestion = typeof given === 'string' ? didYouMean(given, values) : undefined;
      const hint = suggestion ? `did you mean \`${suggestion}\`?` : `use one of: ${values.join(', ')}`;
      const message =
        values.length === 1
          ? `${where} must be \`${values[0] ?? ''}\``
          : `${where} must be one of ${values.join(', ')}`;
      return [source.at(path, 'invalid-value', message, hint)];
    }
    case 'invalid_format': {
      const known =
        'pattern' in issue && typeof issue.pattern === 'string' ? patternCodes.get(issue.pattern) : undefined;
      return [source.at(path, known?.code ?? 'invalid-format', `${where} ${issue.message}`, known?.hint)];
    }
    case 'too_small':
    case 'too_big': {
      const isSmall = issue.code === 'too_small';
      const bound = isSmall ? issue.minimum : issue.maximum;
      const code = isSmall ? (issue.origin === 'array' ? 'empty-list' : 'too-small') : 'too-big';
      const unit = issue.origin === 'array' ? 'item(s)' : issue.origin === 'string' ? 'character(s)' : '';
      const message =
        `${where} must have ${isSmall ? 'at least' : 'at most'} ${String(bound)} ${unit}`.trim();
      const numeric = issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint';
      return [
        source.at(
          path,
          code,
          numeric ? `${where} must be ${isSmall ? 'at least' : 'at most'} ${String(bound)}` : message,
          undefined,
        ),
      ];
    }
    case 'invalid_union':
      return unionIssue(source, schema, issue, prefix, path, where);
    case 'custom': {
      const params = (issue.params ?? {}) as { code?: string; hint?: string };
      return [source.at(path, params.code ?? 'invalid-value', `${where} ${issue.message}`, params.hint)];
    }
    default:
      return [source.at(path, 'invalid-value', `${where}: ${issue.message}`, undefined)];
  }
}

/**
 * A union failed every branch. Report the branch the user evidently meant: the one whose problems
 * lie deepest (it got past the shape check), and fall back to a plain message.
 */
function unionIssue(
  source: SourceDocument,
  schema: z.ZodType,
  issue: Extract<Issue, { code: 'invalid_union' }>,
  prefix: readonly PathSegment[],
  path: readonly PathSegment[],
  where: string,
): Diagnostic[] {
  const branches = issue.errors.filter(
    (branch) =>
      !branch.some(
        (inner) =>
          inner.path.length === 0 && (inner.code === 'invalid_type' || inner.code === 'invalid_value'),
      ),
  );
  // A branch that does not even know the keys written is not the one meant, when another does.
  const knowing = branches.filter(
    (branch) => !branch.some((inner) => inner.path.length === 0 && inner.code === 'unrecognized_keys'),
  );
  const candidates = knowing.length > 0 ? knowing : branches;
  const chosen = candidates.length === 1 ? candidates[0] : undefined;
  if (chosen) {
    const rebased = chosen.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
    return rebased.flatMap((inner) => issueToDiagnostics(source, schema, inner, prefix));
  }
  return [
    source.at(
      path,
      'invalid-value',
      `${where} does not have an accepted form`,
      issue.message === 'Invalid input'
        ? 'see the workflow spec for the forms this field takes'
        : issue.message,
    ),
  ];
}

function valueAt(source: SourceDocument, path: readonly PathSegment[]): unknown {
  let value = source.value;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return `${typeof value} ${value.toString()}`;
  return typeof value;
}

function article(expected: string): string {
  const names: Record<string, string> = {
    array: 'a list',
    object: 'a mapping',
    record: 'a mapping',
    string: 'text',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
  };
  return names[expected] ?? expected;
}
