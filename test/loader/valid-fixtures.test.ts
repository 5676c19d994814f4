import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { defaultCatalog } from '../../src/connectors/catalog.js';
import { loadDocument, type LoadResult } from '../../src/core/loader/load-document.js';
import { readValidFixtures } from '../helpers/loader-fixtures.js';

/**
 * Every valid fixture under test/fixtures/loader/valid loads with no diagnostic at all, and its
 * model survives a round trip through another YAML writer: what the loader builds depends on the
 * data in the file, not on how the file was written.
 */

const catalog = defaultCatalog();
const fixtures = readValidFixtures();

/** The plain-data part of a loaded document (compiled expressions and actions are not data). */
function model(result: LoadResult): unknown {
  const document = result.document;
  switch (document?.kind) {
    case 'Workflow':
      return document.workflow.workflow;
    case 'Config':
      return document.config;
    case 'WorkflowTest':
      return document.test;
    case undefined:
      return undefined;
  }
}

function loadClean(name: string, text: string): LoadResult {
  const result = loadDocument(name, text, { catalog });
  const found = result.diagnostics.map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`);
  expect(found, `diagnostics of ${name}`).toEqual([]);
  expect(result.document, `${name} yields a document`).toBeDefined();
  return result;
}

describe('valid fixtures', () => {
  it('are at least 8, of every document kind', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(8);
    const kinds = fixtures.map((f) => loadDocument(f.name, f.text, { catalog }).document?.kind);
    expect(new Set(kinds)).toEqual(new Set(['Workflow', 'WorkflowTest', 'Config']));
  });

  describe.each(fixtures)('$name', ({ name, text }) => {
    it('loads with no diagnostic', () => {
      loadClean(name, text);
    });

    it('loads as the kind it declares when that kind is expected', () => {
      const kind = loadClean(name, text).document?.kind;
      const expected = loadDocument(name, text, { catalog, ...(kind ? { expect: kind } : {}) });
      expect(expected.diagnostics).toEqual([]);
    });

    it('round-trips: parsed and written again by the yaml package, it loads to the same model', () => {
      const original = model(loadClean(name, text));
      const rewritten = stringify(parse(text));
      const again = model(loadClean(`rewritten-${name}`, rewritten));
      expect(again).toEqual(original);
    });

    it('round-trips its own model: defaults written out load to the same model', () => {
      const original = model(loadClean(name, text));
      const again = model(loadClean(`model-${name}`, stringify(original)));
      expect(again).toEqual(original);
    });

    it('round-trips through flow style and CRLF line endings', () => {
      const original = model(loadClean(name, text));
      const flow = stringify(parse(text), { collectionStyle: 'flow', lineWidth: 0 }).replace(/\n/g, '\r\n');
      expect(model(loadClean(`flow-${name}`, flow))).toEqual(original);
    });
  });
});
