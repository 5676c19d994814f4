import type { Document } from 'yaml';
import { defaultCatalog } from '../../../src/connectors/catalog.js';
import { isWriteEffect, type ActionDefinition } from '../../../src/core/catalog/action.js';
import type { Mutation } from './mutation.js';

/**
 * Known flaws for the `injection/` rules. Whether a flaw applies is decided from the workflow's
 * text and the catalog only (which parameters are sensitive, which name the resource), never
 * with the rules' own analysis: a flow the analysis missed must show up as a recall failure.
 */

const catalog = defaultCatalog();

interface Place {
  /** YAML path of the entry (a step, a corroborate check, verify). */
  readonly path: (string | number)[];
  readonly action: ActionDefinition;
  readonly with: Record<string, unknown>;
}

interface Spec {
  trigger?: { match?: unknown };
  steps?: { action?: unknown; with?: unknown }[];
  corroborate?: { check?: unknown; with?: unknown; expect?: unknown }[];
  verify?: { check?: unknown; with?: unknown };
}

function specOf(workflow: Document): Spec {
  const value = workflow.toJS() as { spec?: Spec } | null;
  return value?.spec ?? {};
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function places(workflow: Document): { steps: Place[]; checks: Place[]; verify: Place | undefined } {
  const spec = specOf(workflow);
  const place = (path: (string | number)[], id: unknown, params: unknown): Place[] => {
    const action = typeof id === 'string' ? catalog.get(id) : undefined;
    return action ? [{ path, action, with: asRecord(params) }] : [];
  };
  return {
    steps: (spec.steps ?? []).flatMap((s, i) => place(['spec', 'steps', i], s.action, s.with)),
    checks: (spec.corroborate ?? []).flatMap((c, i) => place(['spec', 'corroborate', i], c.check, c.with)),
    verify: spec.verify ? place(['spec', 'verify'], spec.verify.check, spec.verify.with)[0] : undefined,
  };
}

/** `event.a.b` paths named in a text (a method call's name is not part of the path). */
function eventFields(text: string): string[] {
  const fields: string[] = [];
  for (const m of text.matchAll(/\bevent((?:\.[A-Za-z_]\w*)+)(\s*\()?/g)) {
    const segments = (m[1] ?? '').split('.').slice(1);
    if (m[2]) segments.pop();
    if (segments.length > 0) fields.push(`event.${segments.join('.')}`);
  }
  return [...new Set(fields)];
}

function mentions(text: string, field: string): boolean {
  return new RegExp(`${field.replace(/\./g, '\\.')}(?![\\w])`).test(text);
}

/** Event fields in the templates of sensitive parameters of steps, checks and verify. */
function sensitiveFields(workflow: Document): string[] {
  const { steps, checks, verify } = places(workflow);
  const fields = [...steps, ...checks, ...(verify ? [verify] : [])].flatMap((p) =>
    Object.entries(p.with)
      .filter(
        ([key, value]) => key in p.action.sensitive && typeof value === 'string' && value.includes('${{'),
      )
      .flatMap(([, value]) => eventFields(String(value))),
  );
  return [...new Set(fields)];
}

function matchText(workflow: Document): string | undefined {
  const match = specOf(workflow).trigger?.match;
  return typeof match === 'string' ? match : undefined;
}

/** The top-level `&&` conjuncts of a condition, as text (parentheses and quotes respected). */
function conjuncts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && c === '&' && text[i + 1] === '&') {
      parts.push(text.slice(start, i).trim());
      start = i + 2;
      i++;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter((p) => p !== '');
}

/** Write steps whose resource parameters read an event field not pinned to one value by the match. */
function eventNamedWrites(workflow: Document): Place[] {
  const match = matchText(workflow) ?? '';
  const single = (field: string): boolean =>
    new RegExp(
      `${field.replace(/\./g, '\\.')}\\s*==\\s*["']|["']\\s*==\\s*${field.replace(/\./g, '\\.')}(?![\\w])`,
    ).test(match);
  return places(workflow).steps.filter(
    (step) =>
      isWriteEffect(step.action.effect) &&
      step.action.resource.some((param) => {
        const value = step.with[param];
        return typeof value === 'string' && eventFields(value).some((field) => !single(field));
      }),
  );
}

export const injectionMutations: readonly Mutation[] = [
  {
    rule: 'injection/event-to-sensitive-param',
    name: 'drop the constraints pinning the fields that reach sensitive parameters from match',
    apply: ({ workflow }) => {
      const match = matchText(workflow);
      const fields = sensitiveFields(workflow);
      if (match === undefined || fields.length === 0) return false;
      const all = conjuncts(match);
      const kept = all.filter((part) => !fields.some((field) => mentions(part, field)));
      if (kept.length === all.length) return false;
      if (kept.length === 0) workflow.deleteIn(['spec', 'trigger', 'match']);
      else workflow.setIn(['spec', 'trigger', 'match'], kept.join(' && '));
      return true;
    },
  },
  {
    rule: 'injection/event-to-sensitive-param',
    name: 'put the whole match under `||`',
    apply: ({ workflow }) => {
      const match = matchText(workflow);
      const fields = sensitiveFields(workflow);
      if (match === undefined || !fields.some((field) => mentions(match, field))) return false;
      workflow.setIn(['spec', 'trigger', 'match'], `(${match}) || event.data.override == true`);
      return true;
    },
  },
  {
    rule: 'injection/event-to-sensitive-param',
    name: 'loosen the anchored patterns of match to `^.+$`',
    apply: ({ workflow }) => {
      const match = matchText(workflow);
      if (match === undefined || !/\.matches\(/.test(match)) return false;
      const fields = sensitiveFields(workflow);
      if (!fields.some((field) => mentions(match, field))) return false;
      const loosened = match.replace(
        /\.matches\(\s*(['"])(?:\\.|(?!\1).)*\1\s*\)/g,
        () => ".matches('^.+$')",
      );
      if (loosened === match) return false;
      workflow.setIn(['spec', 'trigger', 'match'], loosened);
      return true;
    },
  },
  {
    rule: 'injection/event-to-sensitive-param',
    name: "point a step's sensitive parameter at an unpinned event field",
    apply: ({ workflow }) => {
      const step = places(workflow).steps.find((s) => Object.keys(s.action.sensitive).length > 0);
      const param = step ? Object.keys(step.action.sensitive)[0] : undefined;
      if (!step || param === undefined) return false;
      workflow.setIn([...step.path, 'with', param], '${{ event.data.injected }}');
      return true;
    },
  },
  {
    rule: 'injection/event-to-sensitive-param',
    name: 'embed an unpinned event field in a sensitive parameter string',
    apply: ({ workflow }) => {
      const step = places(workflow).steps.find((s) => Object.keys(s.action.sensitive).length > 0);
      const param = step ? Object.keys(step.action.sensitive)[0] : undefined;
      if (!step || param === undefined) return false;
      workflow.setIn([...step.path, 'with', param], 'demo-${{ event.data.suffix }}');
      return true;
    },
  },
  {
    rule: 'injection/untrusted-field-in-match-only',
    name: 'remove the corroborate reads',
    apply: ({ workflow }) => {
      if (eventNamedWrites(workflow).length === 0 || !workflow.hasIn(['spec', 'corroborate'])) return false;
      workflow.deleteIn(['spec', 'corroborate']);
      return true;
    },
  },
  {
    rule: 'injection/untrusted-field-in-match-only',
    name: 'point the corroborate reads at another event field',
    apply: ({ workflow }) => {
      if (eventNamedWrites(workflow).length === 0) return false;
      let changed = false;
      for (const check of places(workflow).checks) {
        for (const [key, value] of Object.entries(check.with)) {
          if (typeof value !== 'string' || !value.includes('${{')) continue;
          workflow.setIn([...check.path, 'with', key], '${{ event.data.decoy }}');
          changed = true;
        }
      }
      return changed;
    },
  },
  {
    rule: 'injection/untrusted-field-in-match-only',
    name: 'make a write step act on a resource named by an event field no check reads',
    apply: ({ workflow }) => {
      const step = places(workflow).steps.find(
        (s) => isWriteEffect(s.action.effect) && s.action.resource.length > 0,
      );
      const param = step?.action.resource[0];
      if (!step || param === undefined) return false;
      workflow.setIn([...step.path, 'with', param], '${{ event.data.target }}');
      return true;
    },
  },
];
