import fc from 'fast-check';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';

/**
 * The loader builds values with js-yaml and finds positions with `yaml` (see source-document.ts).
 * Both must read every document the same way, or a caret would point at a value other than the
 * one that was checked. These properties compare them.
 */
function bothRead(text: string): { fast: unknown; positional: unknown } | undefined {
  let fast: unknown[];
  try {
    fast = loadAll(text);
  } catch {
    return undefined;
  }
  const documents = parseAllDocuments(text, { uniqueKeys: true, strict: true });
  if (!Array.isArray(documents) || documents.some((d) => d.errors.length > 0)) return undefined;
  return { fast, positional: documents.map((d) => d.toJS({ maxAliasCount: -1 }) as unknown) };
}

const scalarTexts = fc.constantFrom(
  'true',
  'false',
  'True',
  'FALSE',
  'yes',
  'no',
  'on',
  'off',
  'null',
  '~',
  'Null',
  '',
  '0',
  '-0',
  '012',
  '0o12',
  '0x1F',
  '0b101',
  '1_000',
  '1e3',
  '1.5',
  '.5',
  '-.inf',
  '.NaN',
  '2027-03-01',
  '2027-03-01T10:00:00Z',
  '1h',
  '30s',
  '"quoted"',
  "'single'",
  '${{ event.resource.id }}',
  'a: b',
  '"a\\tb"',
  '|',
  '>-',
  '"\\u00e9"',
  'é',
  '🙂',
  '12:30',
  '1:20:30',
  '+12',
  '+.5',
);

describe('js-yaml and yaml agree on values', () => {
  it('for any JSON value written by yaml.stringify', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const text = stringify(value);
        const read = bothRead(text);
        if (read) expect(read.fast).toEqual(read.positional);
      }),
      { numRuns: 1500, seed: 20261127 },
    );
  });

  it('for plain scalars that YAML versions and libraries read differently', () => {
    fc.assert(
      fc.property(
        scalarTexts,
        fc.constantFrom('key: %s\n', '- %s\n', 'k: [%s]\n', 'k: { a: %s }\n'),
        (scalar, shape) => {
          const read = bothRead(shape.replace('%s', scalar));
          if (read) expect(read.fast).toEqual(read.positional);
        },
      ),
      { numRuns: 600, seed: 7 },
    );
  });
});
