import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : name.endsWith('.ts') ? [full] : [];
  });
}

/** Codes documented in docs/diagnostics.md: the first column of its tables. */
function documentedCodes(): Set<string> {
  const text = readFileSync(join(root, 'docs', 'diagnostics.md'), 'utf8');
  return new Set(
    [...text.matchAll(/^\| `([a-z-]+)`(?: \/ `([a-z-]+)`)? \|/gm)]
      .flatMap((m) => [m[1], m[2]])
      .filter((c): c is string => !!c),
  );
}

/** Codes the loader can emit: literals passed where diagnostics are made. */
function emittedCodes(): Set<string> {
  const codes = new Set<string>();
  const patterns = [
    /\b(?:add|at)\(\s*(?:\[[^\]]*\]|[^,()[\]]+),\s*'([a-z]+(?:-[a-z]+)+)'/g,
    /\bcode: '([a-z]+(?:-[a-z]+)+)'/g,
    /\bcode = [^;]*?'([a-z]+(?:-[a-z]+)+)'/g,
    /\bpatterned\(\s*[^,]+,\s*'([a-z]+(?:-[a-z]+)+)'/g,
    /\bparams: \{ code: '([a-z]+(?:-[a-z]+)+)'/g,
    /'(?:file-too-large|not-yaml|empty-file)'/g,
  ];
  for (const file of sourceFiles(join(root, 'src', 'core')).concat(
    sourceFiles(join(root, 'src', 'project')),
  )) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns)
      for (const match of text.matchAll(pattern)) codes.add(match[1] ?? match[0].slice(1, -1));
    // Conditional codes: `x ? 'a' : 'b'` assigned to `code`.
    for (const match of text.matchAll(/code = [^;]+;/g))
      for (const inner of match[0].matchAll(/'([a-z]+(?:-[a-z]+)+)'/g)) codes.add(inner[1] ?? '');
  }
  return codes;
}

describe('docs/diagnostics.md', () => {
  it('documents every code the loader emits', () => {
    const documented = documentedCodes();
    const emitted = emittedCodes();
    // Guard against a pattern that silently stops matching: the loader emits dozens of codes.
    expect(emitted.size).toBeGreaterThan(35);
    expect([...emitted].filter((code) => !documented.has(code))).toEqual([]);
  });

  it('documents no code that the source no longer has', () => {
    const sources = sourceFiles(join(root, 'src'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const stale = [...documentedCodes()].filter((code) => !sources.includes(`'${code}'`));
    expect(stale).toEqual([]);
  });
});
