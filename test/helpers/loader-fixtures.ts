import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { documentKinds, type DocumentKind, type LoadResult } from '../../src/core/loader/load-document.js';
import type { Diagnostic } from '../../src/core/loader/diagnostic.js';

/**
 * The loader's fixture corpus (test/fixtures/loader).
 *
 * An invalid fixture states what the loader must report in its leading comment lines:
 *
 *   # <what the user did wrong>
 *   # expect: <code> <line>:<column>     one line per expected diagnostic (1-based, first character)
 *   # known-bad: <why>                   the loader is wrong here today; the test is `it.fails`
 *   # options: expect=<Kind>             loadDocument's `expect` option
 *
 * Expectations are written by hand from the file, never copied from the loader's output.
 */
export const invalidDir = fileURLToPath(new URL('../fixtures/loader/invalid/', import.meta.url));
export const validDir = fileURLToPath(new URL('../fixtures/loader/valid/', import.meta.url));

export interface InvalidFixture {
  readonly name: string;
  readonly text: string;
  /** `code line:column`, sorted, without repeats. */
  readonly expected: readonly string[];
  readonly knownBad: string | undefined;
  readonly expect: DocumentKind | undefined;
}

export interface ValidFixture {
  readonly name: string;
  readonly text: string;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort();
}

export function parseFixtureHeader(name: string, text: string): Omit<InvalidFixture, 'name' | 'text'> {
  const header: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    header.push(line);
  }
  const expected = new Set<string>();
  let knownBad: string | undefined;
  let expect: DocumentKind | undefined;
  for (const line of header) {
    const expectation = /^# expect: ([a-z]+(?:-[a-z]+)*) (\d+):(\d+)\s*$/.exec(line);
    if (expectation) expected.add(`${expectation[1] ?? ''} ${expectation[2] ?? ''}:${expectation[3] ?? ''}`);
    else if (line.startsWith('# expect:')) throw new Error(`${name}: malformed expectation "${line}"`);
    const bad = /^# known-bad: (.+)$/.exec(line);
    if (bad) knownBad = bad[1];
    const option = /^# options: expect=(\w+)\s*$/.exec(line);
    if (option) {
      const kind = documentKinds.find((k) => k === option[1]);
      if (!kind) throw new Error(`${name}: unknown kind in "${line}"`);
      expect = kind;
    }
  }
  if (expected.size === 0) throw new Error(`${name}: no "# expect:" line`);
  return { expected: [...expected].sort(), knownBad, expect };
}

export function readInvalidFixtures(): InvalidFixture[] {
  return yamlFiles(invalidDir).map((name) => {
    const text = readFileSync(invalidDir + name, 'utf8');
    return { name, text, ...parseFixtureHeader(name, text) };
  });
}

export function readValidFixtures(): ValidFixture[] {
  return yamlFiles(validDir).map((name) => ({ name, text: readFileSync(validDir + name, 'utf8') }));
}

/** The part of a diagnostic the fixtures state: code and first position. */
export function diagnosticKey(diagnostic: Pick<Diagnostic, 'code' | 'line' | 'column'>): string {
  return `${diagnostic.code} ${diagnostic.line}:${diagnostic.column}`;
}

export function actualKeys(result: LoadResult): string[] {
  return [...new Set(result.diagnostics.map(diagnosticKey))].sort();
}

/**
 * Where a position may lie in a text: on one of its lines, at most one column past the line's last
 * character (an empty value or a missing character is reported right after the line's content).
 */
export function positionProblems(text: string, diagnostic: Diagnostic): string[] {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  const problems: string[] = [];
  const check = (what: string, line: number, column: number) => {
    if (!Number.isInteger(line) || line < 1 || line > lines.length) {
      problems.push(`${what} line ${line} is outside 1..${lines.length}`);
      return;
    }
    const length = lines[line - 1]?.length ?? 0;
    if (!Number.isInteger(column) || column < 1 || column > length + 1) {
      problems.push(`${what} column ${column} is outside 1..${length + 1} on line ${line}`);
    }
  };
  check('start', diagnostic.line, diagnostic.column);
  check('end', diagnostic.endLine, diagnostic.endColumn);
  if (
    diagnostic.endLine < diagnostic.line ||
    (diagnostic.endLine === diagnostic.line && diagnostic.endColumn < diagnostic.column)
  ) {
    problems.push(
      `ends (${diagnostic.endLine}:${diagnostic.endColumn}) before it starts (${diagnostic.line}:${diagnostic.column})`,
    );
  }
  return problems;
}
