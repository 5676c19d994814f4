import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { defaultCatalog } from '../../src/connectors/catalog.js';
import { loadDocument, type LoadResult } from '../../src/core/loader/load-document.js';
import { positionProblems, readInvalidFixtures, readValidFixtures } from '../helpers/loader-fixtures.js';

/**
 * `loadDocument` is total: whatever text it is given, it returns diagnostics with positions in the
 * file and never throws (a throw fails the property). It is also fast: every document loads in
 * under 100 ms. 10,000 documents in all, from a fixed seed so a failure reproduces:
 *
 * - 4,000 YAML-ish texts assembled from fragments of the fixtures, YAML punctuation and CEL;
 * - 4,000 mutations of the fixtures (lines deleted, repeated, swapped, re-indented; scalars replaced
 *   by random text, CEL, templates, aliases, huge numbers, unicode);
 * - 2,000 random JSON-like values written as YAML, raw or inside a document's skeleton.
 */

const catalog = defaultCatalog();
const seed = 20261127;
const budgetMs = 100;

const valid = readValidFixtures().map((f) => f.text);
const invalid = readInvalidFixtures().map((f) => f.text);
const bases = [...valid, ...invalid];

const timing = { calls: 0, maxMs: 0, rawMaxMs: 0, retimed: 0, slowest: '' };
/** How often each diagnostic code came up (and `ok` for a clean load): shows how deep the inputs reach. */
const reached = new Map<string, number>();

function timedLoad(text: string): { result: LoadResult; ms: number } {
  const start = performance.now();
  const result = loadDocument('fuzz.yaml', text, { catalog });
  return { result, ms: performance.now() - start };
}

/**
 * Loads one document, timing it, and checks what must hold of any result. A load slower than half
 * the budget is timed twice more and the fastest of the three counts: on a shared 2-core machine a
 * garbage collection or another process can stall any single call, and the budget is about the
 * document, not the scheduler. The slowest single call is reported too.
 */
function loadChecked(text: string, options: { withinFile?: boolean } = {}): void {
  const first = timedLoad(text);
  const result = first.result;
  let elapsed = first.ms;
  timing.calls++;
  timing.rawMaxMs = Math.max(timing.rawMaxMs, elapsed);
  if (elapsed > budgetMs / 2) {
    timing.retimed++;
    for (let i = 0; i < 2; i++) elapsed = Math.min(elapsed, timedLoad(text).ms);
  }
  if (elapsed > timing.maxMs) {
    timing.maxMs = elapsed;
    timing.slowest = text;
  }
  for (const code of new Set(result.diagnostics.map((d) => d.code)))
    reached.set(code, (reached.get(code) ?? 0) + 1);
  if (result.document) reached.set('ok', (reached.get('ok') ?? 0) + 1);
  for (const d of result.diagnostics) {
    expect(d.line, d.code).toBeGreaterThanOrEqual(1);
    expect(d.column, d.code).toBeGreaterThanOrEqual(1);
    expect(typeof d.message).toBe('string');
    if (options.withinFile) expect(positionProblems(text, d), `${d.code} ${d.line}:${d.column}`).toEqual([]);
  }
  if (result.diagnostics.some((d) => d.severity === 'error')) expect(result.document).toBeUndefined();
}

// Fragments -----------------------------------------------------------------------------------

const lines = [...new Set(bases.flatMap((text) => text.split('\n')))].filter(
  (line) => !line.startsWith('# expect'),
);
const tokens = [...new Set(lines.flatMap((line) => line.trim().split(/\s+/)))].filter((t) => t !== '');

const punctuation = [
  ': ',
  ':',
  '- ',
  '-',
  '{',
  '}',
  '[',
  ']',
  ', ',
  '&a ',
  '*a',
  '&b ',
  '*b',
  '|',
  '|-',
  '>-',
  '>',
  '"',
  "'",
  '# ',
  '---',
  '...',
  '\n',
  '\n  ',
  '\n    ',
  '  ',
  '\t',
  '!!str ',
  '!!int ',
  '!Ref ',
  '? ',
  '%YAML 1.2',
  '@',
  '`',
  '\\',
  '<<: ',
];
const cel = [
  '${{',
  '}}',
  '${{ event.resource.id }}',
  'event.',
  'event.data.',
  'steps.',
  'steps.close.output',
  'result.',
  'run.',
  'now',
  '&&',
  '||',
  '==',
  '!=',
  '!',
  '(',
  ')',
  '[',
  ']',
  'size(',
  '.exists(x, ',
  'has(',
  ' in ',
  '"public"',
  "'x'",
  '1 + ',
  '? : ',
  'timestamp("2027-01-01T00:00:00Z")',
  'int(',
  'dyn(',
  '.matches("^a")',
];
const numbers = [
  '0',
  '-1',
  '1.5',
  '1e400',
  '-1e400',
  '99999999999999999999',
  '9007199254740993',
  '0x1F',
  '0o17',
  '.inf',
  '-.inf',
  '.nan',
  '1_000',
  '2027-02-30',
  '99999999999999999999h',
  '0ms',
  '-5m',
];
const unicode = ['é', '日本語', '\u200b', '🙂', '\u2028', '\u0301', 'ǅ', 'İ', '\u00a0', '\ufeff', 'ß', '𝔘'];

const fragment = fc.oneof(
  { arbitrary: fc.constantFrom(...lines).map((line) => `${line}\n`), weight: 6 },
  { arbitrary: fc.constantFrom(...tokens), weight: 4 },
  { arbitrary: fc.constantFrom(...punctuation), weight: 4 },
  { arbitrary: fc.constantFrom(...cel), weight: 2 },
  { arbitrary: fc.constantFrom(...numbers), weight: 1 },
  { arbitrary: fc.constantFrom(...unicode), weight: 1 },
  { arbitrary: fc.string({ maxLength: 6 }), weight: 1 },
);

const skeleton = fc.constantFrom(
  '',
  'apiVersion: rectify.dev/v1\nkind: Workflow\n',
  'apiVersion: rectify.dev/v1\nkind: Config\n',
  'apiVersion: rectify.dev/v1\nkind: WorkflowTest\n',
  'apiVersion: rectify.dev/v1\nkind: Workflow\nspec:\n  ',
);

const yamlish = fc
  .tuple(skeleton, fc.array(fragment, { maxLength: 60 }))
  .map(([head, parts]) => head + parts.join(''));

// Mutations -----------------------------------------------------------------------------------

const replacement = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(...cel),
  fc.constantFrom(...numbers),
  fc.constantFrom(...unicode),
  fc.constantFrom(
    '${{',
    '${{ }}',
    '${{ steps.zz.output }}',
    '"${{ event.x }}-${{',
    '&a x',
    '*a',
    '*missing',
    '[]',
    '{}',
    '~',
    'null',
    'true',
    "''",
    '""',
    '|\n  text',
    '>-\n  folded\n  text',
  ),
  fc.array(fc.constantFrom(...cel), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(' ')),
);

type Mutation =
  | { op: 'delete' | 'duplicate' | 'indent' | 'dedent' | 'truncate'; at: number; by: number }
  | { op: 'swap'; at: number; with: number }
  | { op: 'replace-value' | 'insert'; at: number; by: number; text: string }
  | { op: 'alias'; at: number; with: number };

// Weighted towards edits that keep the YAML readable, so that most mutants reach the schema and
// the compiler rather than stopping at the parser.
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant('replace-value'),
      at: fc.nat(),
      by: fc.nat({ max: 200 }),
      text: fc.oneof(
        replacement,
        replacement.map((text) => JSON.stringify(text)),
      ),
    }),
    weight: 6,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('insert'),
      at: fc.nat(),
      by: fc.nat({ max: 200 }),
      text: replacement,
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ op: fc.constant('alias'), at: fc.nat(), with: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('swap'), at: fc.nat(), with: fc.nat() }), weight: 1 },
  {
    arbitrary: fc.record({
      op: fc.constantFrom('delete', 'duplicate', 'indent', 'dedent', 'truncate'),
      at: fc.nat(),
      by: fc.nat({ max: 200 }),
    }),
    weight: 3,
  },
);

function mutate(text: string, mutations: readonly Mutation[]): string {
  let current = text.split('\n');
  for (const m of mutations) {
    const n = Math.max(1, current.length);
    const i = m.at % n;
    const line = current[i] ?? '';
    switch (m.op) {
      case 'delete':
        current.splice(i, 1);
        break;
      case 'duplicate':
        current.splice(i, 0, line);
        break;
      case 'indent':
        current[i] = ' '.repeat((m.by % 4) + 1) + line;
        break;
      case 'dedent':
        current[i] = line.replace(new RegExp(`^ {1,${(m.by % 4) + 1}}`), '');
        break;
      case 'truncate':
        current[i] = line.slice(0, m.by % (line.length + 1));
        break;
      case 'swap': {
        const j = m.with % n;
        current[i] = current[j] ?? '';
        current[j] = line;
        break;
      }
      case 'replace-value': {
        const colon = line.indexOf(': ');
        current[i] = colon === -1 ? `${line} ${m.text}` : `${line.slice(0, colon + 2)}${m.text}`;
        break;
      }
      case 'insert': {
        const at = m.by % (line.length + 1);
        current[i] = line.slice(0, at) + m.text + line.slice(at);
        break;
      }
      case 'alias': {
        // Anchor one value and refer to it from another place: valid or not, it must not hurt.
        const j = m.with % n;
        const colon = line.indexOf(': ');
        if (colon !== -1) current[i] = `${line.slice(0, colon + 2)}&a ${line.slice(colon + 2)}`;
        const target = current[j] ?? '';
        const targetColon = target.indexOf(': ');
        if (targetColon !== -1) current[j] = `${target.slice(0, targetColon + 2)}*a`;
        break;
      }
    }
    if (current.length === 0) current = [''];
  }
  return current.join('\n');
}

const mutated = fc
  .tuple(
    fc.oneof(
      { arbitrary: fc.constantFrom(...valid), weight: 3 },
      { arbitrary: fc.constantFrom(...invalid), weight: 1 },
    ),
    fc.array(mutation, { minLength: 1, maxLength: 4 }),
  )
  .map(([base, mutations]) => mutate(base, mutations));

// Structurally random values ------------------------------------------------------------------

const fieldNames = [...new Set(tokens.filter((t) => /^[A-Za-z][\w-]*:$/.test(t)).map((t) => t.slice(0, -1)))];

const models = valid.map((text) => parse(text) as unknown);

/** Puts `value` at a path chosen by `choices` inside a copy of `model`. */
function graft(model: unknown, choices: readonly number[], value: unknown): unknown {
  if (choices.length === 0 || model === null || typeof model !== 'object') return value;
  const [choice = 0, ...rest] = choices;
  if (Array.isArray(model)) {
    if (model.length === 0) return [value];
    const copy = [...(model as unknown[])];
    const index = choice % copy.length;
    copy[index] = graft(copy[index], rest, value);
    return copy;
  }
  const entries = Object.entries(model as Record<string, unknown>);
  if (entries.length === 0) return { x: value };
  const [key = 'x', inner] = entries[choice % entries.length] ?? [];
  return { ...(model as Record<string, unknown>), [key]: graft(inner, rest, value) };
}

const anyValue = fc.jsonValue({ maxDepth: 4 });

const structural = fc
  .oneof(
    anyValue,
    fc
      .tuple(
        fc.constantFrom('Workflow', 'WorkflowTest', 'Config', 'Other'),
        fc.dictionary(fc.constantFrom(...fieldNames), anyValue, { maxKeys: 6 }),
      )
      .map(([kind, body]) => ({ apiVersion: 'rectify.dev/v1', kind, ...body })),
    fc
      .tuple(fc.constantFrom(...models), fc.array(fc.nat(), { maxLength: 6 }), anyValue)
      .map(([model, path, value]) => graft(model, path, value)),
  )
  .chain((value) => fc.constantFrom(stringify(value), stringify(value, { collectionStyle: 'flow' })));

// Properties ----------------------------------------------------------------------------------

describe('loadDocument on random input', () => {
  it('warms up on the fixtures (not timed)', () => {
    for (const text of bases) loadDocument('warm-up.yaml', text, { catalog });
    timing.calls = 0;
    timing.maxMs = 0;
    timing.rawMaxMs = 0;
    timing.retimed = 0;
    reached.clear();
  });

  it('never throws on 4,000 YAML-ish texts built from fragments', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(yamlish, (text) => {
        loadChecked(text);
      }),
      { seed, numRuns: 4000 },
    );
  });

  it('never throws on 4,000 mutations of the fixtures', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(mutated, (text) => {
        loadChecked(text);
      }),
      { seed: seed + 1, numRuns: 4000 },
    );
  });

  it('never throws on 2,000 random values written as YAML', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(structural, (text) => {
        loadChecked(text);
      }),
      { seed: seed + 2, numRuns: 2000 },
    );
  });

  // Known-bad: positions are not always inside the file. After a YAML error token that spans lines,
  // the yaml LineCounter misses that newline and later diagnostics land a line too early (past the
  // end of that line); a range can also end one character past the end of the text (`{`). See the
  // fixture yaml-syntax-indented-first-line.yaml. Flips when fixed.
  it.fails('puts every diagnostic inside the file (known-bad)', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(mutated, (text) => {
        loadChecked(text, { withinFile: true });
      }),
      { seed: seed + 1, numRuns: 1000, endOnFailure: true },
    );
  });

  it(`loads every document in under ${budgetMs} ms`, () => {
    expect(timing.calls).toBeGreaterThanOrEqual(10_000);
    expect(timing.maxMs, `slowest document:\n${timing.slowest.slice(0, 2000)}`).toBeLessThan(budgetMs);
  });

  afterAll(() => {
    console.log(
      `fuzz: ${timing.calls} documents, slowest load ${timing.maxMs.toFixed(1)} ms (best of 3 for the ${timing.retimed} loads over ${budgetMs / 2} ms; slowest single call ${timing.rawMaxMs.toFixed(1)} ms)`,
    );
    const codes = [...reached].sort((a, b) => b[1] - a[1]).map(([code, count]) => `${code} ${count}`);
    console.log(`fuzz: documents per diagnostic code: ${codes.join(', ')}`);
  });
});
