import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../src/connectors/catalog.js';
import { loadDocument } from '../../src/core/loader/load-document.js';

/**
 * Deeply nested YAML. Kept in a file of its own, and the stack-overflowing case last: after the
 * `yaml` parser has overflowed the stack once, a second deeply nested document in the same process
 * can abort Node itself ("FATAL ERROR: RegExpCompiler Allocation failed - process out of memory"),
 * which no try/catch stops. Nothing else must run after that case in this process.
 */

const catalog = defaultCatalog();

describe('deeply nested documents', () => {
  it('refuses nesting deeper than the limit as a YAML problem', () => {
    for (const text of ['['.repeat(100) + ']'.repeat(100), '{a: '.repeat(100) + '}'.repeat(100)]) {
      const result = loadDocument('deep.yaml', text, { catalog });
      expect(result.document).toBeUndefined();
      expect(result.diagnostics.map((d) => d.code)).toEqual(['yaml-syntax']);
    }
  });

  // Deep nesting is refused before any recursive parser sees it: the `yaml` package overflows
  // the stack from about a thousand levels, and hostile depth can abort V8 outright.
  it('refuses a thousand levels of nesting the same way, without overflowing the stack', () => {
    // The two documents that, parsed in one process, aborted Node ("RegExpCompiler Allocation failed").
    loadDocument('deepest.yaml', '['.repeat(20000), { catalog });
    loadDocument('deepest.yaml', '['.repeat(5000) + ']'.repeat(5000), { catalog });
    const result = loadDocument('deeper.yaml', '['.repeat(1000) + ']'.repeat(1000), { catalog });
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['yaml-syntax', expect.stringMatching(/nesting|depth/i)],
    ]);
  });
});
