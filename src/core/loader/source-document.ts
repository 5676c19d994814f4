import { loadAll } from 'js-yaml';
import { coerceError } from '../errors.js';
import {
  isMap,
  isScalar,
  isSeq,
  isAlias,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node,
} from 'yaml';
import { codeFrame } from './code-frame.js';
import { formatPath, type Diagnostic, type SourceRange } from './diagnostic.js';

/** Limits that keep a hostile file from exhausting memory or time. */
export const loaderLimits = {
  /** Largest file accepted, in bytes. A workflow is a page of YAML; 1 MiB is generous. */
  maxFileBytes: 1024 * 1024,
  /** Alias nodes per document. */
  maxAliasCount: 100,
  /** Values in the document once aliases are expanded (billion-laughs protection). */
  maxExpandedNodes: 100_000,
  /** Nesting depth of collections. */
  maxDepth: 64,
} as const;

export type PathSegment = string | number;

/** Codes of diagnostics that mean the text is not usable YAML at all. */
export const parseErrorCodes: ReadonlySet<string> = new Set([
  'file-too-large',
  'not-yaml',
  'empty-file',
  'multiple-documents',
  'yaml-syntax',
  'duplicate-key',
  'alias-limit',
]);

/**
 * A parsed YAML file that remembers where every value came from.
 *
 * Two parsers, one meaning. js-yaml 5 builds the value: it is several times faster, and most files
 * are valid, so most loads never need a position. The `yaml` package, whose nodes carry exact
 * source ranges, is parsed lazily, the first time a diagnostic needs a position, and it also
 * produces the diagnostics of a file js-yaml rejects. Both read YAML 1.2 with the core schema
 * (no timestamps: `reviewBy: 2027-03-01` stays text); a test compares their values on fuzzed input.
 */
export class SourceDocument {
  private positions: { lines: LineCounter; document: Document.Parsed | undefined } | undefined;

  private constructor(
    readonly file: string,
    readonly text: string,
    readonly value: unknown,
  ) {}

  /**
   * Parses text as one YAML document. Never throws: problems come back as diagnostics.
   * @example const { source, diagnostics } = SourceDocument.parse('a.yaml', 'kind: Workflow')
   */
  static parse(file: string, text: string): { source: SourceDocument; diagnostics: Diagnostic[] } {
    const empty = new SourceDocument(file, text, undefined);
    if (text.length > loaderLimits.maxFileBytes) {
      return {
        source: empty,
        diagnostics: [
          empty.fileDiagnostic(
            'file-too-large',
            `file is larger than ${loaderLimits.maxFileBytes} bytes`,
            'split it: one workflow per file',
          ),
        ],
      };
    }
    if (text.includes('\u0000') || text.includes('\uFFFD')) {
      return {
        source: empty,
        diagnostics: [
          empty.fileDiagnostic(
            'not-yaml',
            'file is not YAML text (it holds binary data)',
            'point Rectify at .yaml files only',
          ),
        ],
      };
    }
    let documents: unknown[];
    try {
      documents = loadAll(text, { maxAliases: loaderLimits.maxAliasCount, maxDepth: loaderLimits.maxDepth });
    } catch (error) {
      return SourceDocument.parseSlowly(file, text, error);
    }
    if (documents.length === 0) {
      return {
        source: empty,
        diagnostics: [
          empty.fileDiagnostic(
            'empty-file',
            'file is empty',
            'write a Workflow, WorkflowTest or Config document',
          ),
        ],
      };
    }
    if (documents.length > 1) return SourceDocument.parseSlowly(file, text, undefined);
    const value = documents[0];
    if (expandedSize(value, loaderLimits.maxExpandedNodes) > loaderLimits.maxExpandedNodes) {
      const source = new SourceDocument(file, text, undefined);
      return {
        source,
        diagnostics: [
          source.at(
            [],
            'alias-limit',
            `aliases expand to more than ${loaderLimits.maxExpandedNodes} values`,
            'write the values out instead of expanding aliases',
          ),
        ],
      };
    }
    return { source: new SourceDocument(file, text, value), diagnostics: [] };
  }

  /** The `yaml` package's reading of a file js-yaml rejected: its diagnostics carry exact positions. */
  private static parseSlowly(
    file: string,
    text: string,
    fastError: unknown,
  ): { source: SourceDocument; diagnostics: Diagnostic[] } {
    const source = new SourceDocument(file, text, undefined);
    const { all } = source.parsePositions();
    const diagnostics: Diagnostic[] = [];
    const second = all[1];
    if (second) {
      diagnostics.push(
        source.at(
          [],
          'multiple-documents',
          'file holds more than one YAML document',
          'put one document in each file',
          offsetRange(second.range[0], second.range[1]),
        ),
      );
    }
    for (const doc of all) {
      for (const error of doc.errors) {
        const code =
          error.code === 'DUPLICATE_KEY'
            ? 'duplicate-key'
            : error.code === 'RESOURCE_EXHAUSTION'
              ? 'alias-limit'
              : 'yaml-syntax';
        const hint =
          code === 'duplicate-key'
            ? 'remove one of the two entries: YAML keeps only one, silently'
            : syntaxHint(text, error.pos[0]);
        diagnostics.push(
          source.at([], code, yamlMessage(error.message), hint, offsetRange(error.pos[0], error.pos[1])),
        );
      }
    }
    // One early mistake (an unquoted `{`) can derail the rest of the file: the first few say it.
    if (diagnostics.length > maxSyntaxErrors) {
      const more = diagnostics.length - maxSyntaxErrors;
      diagnostics.splice(maxSyntaxErrors);
      const last = diagnostics[maxSyntaxErrors - 1];
      if (last)
        diagnostics[maxSyntaxErrors - 1] = {
          ...last,
          message: `${last.message} (and ${more} more YAML error(s) after it, probably caused by the ones above)`,
        };
    }
    if (diagnostics.length === 0 && fastError !== undefined) {
      // The two parsers disagree (an unknown tag, an alias count): trust the stricter one.
      const reason = (coerceError(fastError).message.split('\n')[0] ?? 'the YAML does not parse').replace(
        / \(\d+:\d+\)$/,
        '',
      );
      const position = (fastError as { mark?: { position?: number } }).mark?.position ?? 0;
      const code = /alias/i.test(reason)
        ? 'alias-limit'
        : /duplicate/i.test(reason)
          ? 'duplicate-key'
          : 'yaml-syntax';
      diagnostics.push(
        source.at(
          [],
          code,
          reason,
          code === 'alias-limit'
            ? 'write the values out instead of expanding aliases'
            : syntaxHint(text, position),
          offsetRange(position, position + 1),
        ),
      );
    }
    return { source, diagnostics };
  }

  /** Parses positions once, on first need. */
  private parsePositions(): {
    lines: LineCounter;
    document: Document.Parsed | undefined;
    all: Document.Parsed[];
  } {
    const lines = new LineCounter();
    const parsed = parseAllDocuments(this.text, {
      lineCounter: lines,
      uniqueKeys: true,
      prettyErrors: false,
      strict: true,
    });
    const all = Array.isArray(parsed) ? parsed : [];
    this.positions = { lines, document: all[0] };
    return { lines, document: all[0], all };
  }

  private get located(): { lines: LineCounter; document: Document.Parsed | undefined } {
    return this.positions ?? this.parsePositions();
  }

  /** The node at a path, and how far along the path the document goes. */
  nodeAt(path: readonly PathSegment[]): { node: Node | undefined; keyNode: Node | undefined; depth: number } {
    const document = this.located.document;
    let node: unknown = document?.contents ?? undefined;
    let keyNode: Node | undefined;
    let depth = 0;
    for (const segment of path) {
      if (isAlias(node) && document) node = node.resolve(document);
      let next: unknown;
      let nextKey: Node | undefined;
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (pair) {
          next = pair.value ?? pair.key;
          nextKey = pair.key as Node;
        }
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
      }
      if (next === undefined || next === null) break;
      node = next;
      keyNode = nextKey;
      depth++;
    }
    return { node: node as Node | undefined, keyNode, depth };
  }

  /** The source range of the value at a path; a missing value points at its deepest present parent's key. */
  rangeOf(path: readonly PathSegment[], target: 'value' | 'key' = 'value'): SourceRange {
    const { node, keyNode, depth } = this.nodeAt(path);
    const useKey = (target === 'key' || depth < path.length) && keyNode?.range;
    const chosen = useKey ? keyNode : node;
    if (!chosen?.range) return this.offsets(0, 0);
    return this.offsets(chosen.range[0], chosen.range[1]);
  }

  /** Converts a pair of offsets into a 1-based line/column range. */
  offsets(start: number, end: number): SourceRange {
    const lines = this.located.lines;
    const from = lines.linePos(start);
    const to = lines.linePos(Math.max(start, end));
    return { line: from.line, column: from.col, endLine: to.line, endColumn: to.col };
  }

  /**
   * Maps a character index inside a string scalar's value to its offset in the file.
   * Folded and block scalars drop indentation and fold line breaks; aligning non-blank characters
   * greedily recovers the position well enough to put a caret under a CEL error.
   */
  scalarOffset(path: readonly PathSegment[], index: number): number {
    const { node } = this.nodeAt(path);
    if (!isScalar(node) || !node.range || typeof node.value !== 'string') return node?.range?.[0] ?? 0;
    const value = node.value;
    const [start, end] = node.range;
    let cursor = start;
    if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') cursor += 1;
    if (node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL') {
      const headerEnd = this.text.indexOf('\n', start);
      cursor = headerEnd === -1 ? start : headerEnd + 1;
    }
    for (let i = 0; i < value.length && i <= index; i++) {
      const ch = value[i] ?? '';
      if (/\s/.test(ch)) continue;
      const found = this.text.indexOf(ch, cursor);
      if (found === -1 || found >= end) break;
      if (i === index) return found;
      cursor = found + 1;
    }
    return Math.min(cursor, end);
  }

  /** A diagnostic at a path (or an explicit range), with the code frame in its message context. */
  at(
    path: readonly PathSegment[],
    code: string,
    message: string,
    hint: string | undefined,
    range: SourceRange | OffsetRange = this.rangeOf(path),
  ): Diagnostic {
    const resolved = 'startOffset' in range ? this.offsets(range.startOffset, range.endOffset) : range;
    return {
      code,
      message,
      file: this.file,
      ...resolved,
      path: formatPath(path),
      ...(hint ? { hint } : {}),
      severity: 'error',
    };
  }

  /** The code frame under a diagnostic of this file. */
  frame(diagnostic: SourceRange): string {
    return codeFrame(this.text, diagnostic);
  }

  private fileDiagnostic(code: string, message: string, hint: string): Diagnostic {
    return {
      code,
      message,
      file: this.file,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
      path: '(document)',
      hint,
      severity: 'error',
    };
  }
}

const maxSyntaxErrors = 10;

/**
 * The likely cause of a YAML syntax error, from the line it is on: the two mistakes every
 * workflow author makes once are an unquoted `${{ }}` in a flow collection and a CEL condition
 * starting with `!` (a YAML tag).
 */
function syntaxHint(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const line = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  if (/[{[][^"']*\$\{\{/.test(line))
    return 'quote templates inside { } and [ ]: write "${{ event.resource.id }}"';
  if (/:\s+!/.test(line))
    return 'a value starting with `!` is read as a YAML tag: quote it, e.g. expect: "!result.login"';
  return 'fix the YAML syntax here';
}

export interface OffsetRange {
  readonly startOffset: number;
  readonly endOffset: number;
}

function offsetRange(startOffset: number, endOffset: number): OffsetRange {
  return { startOffset, endOffset };
}

/** The yaml library's messages end with " at line N, column M"; our diagnostics carry that already. */
function yamlMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

export { formatPath };

/**
 * How many values a document holds once shared (aliased) values are counted at every use; stops
 * counting past `limit`. js-yaml shares an aliased value instead of copying it, so a small file can
 * describe an exponentially large tree that would hang whatever walks it next.
 */
function expandedSize(value: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && count <= limit) {
    const current = stack.pop();
    count++;
    if (Array.isArray(current)) stack.push(...(current as unknown[]));
    else if (current !== null && typeof current === 'object')
      stack.push(...(Object.values(current) as unknown[]));
  }
  return count;
}
