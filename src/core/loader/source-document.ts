import { isMap, isScalar, isSeq, isAlias, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { codeFrame } from './code-frame.js';
import { formatPath, type Diagnostic, type SourceRange } from './diagnostic.js';

/** Limits that keep a hostile file from exhausting memory or time. */
export const loaderLimits = {
  /** Largest file accepted, in bytes. A workflow is a page of YAML; 1 MiB is generous. */
  maxFileBytes: 1024 * 1024,
  /** Alias expansions per document (billion-laughs protection). */
  maxAliasCount: 100,
} as const;

export type PathSegment = string | number;

/** Codes of diagnostics that mean the text is not usable YAML at all. */
export const parseErrorCodes: ReadonlySet<string> = new Set(['file-too-large', 'not-yaml', 'empty-file', 'multiple-documents', 'yaml-syntax', 'duplicate-key', 'alias-limit']);

/** A parsed YAML file that remembers where every value came from. */
export class SourceDocument {
  private constructor(
    readonly file: string,
    readonly text: string,
    private readonly lines: LineCounter,
    readonly document: Document.Parsed | undefined,
    readonly value: unknown,
  ) {}

  /**
   * Parses text as one YAML document. Never throws: problems come back as diagnostics.
   * @example const { source, diagnostics } = SourceDocument.parse('a.yaml', 'kind: Workflow')
   */
  static parse(file: string, text: string): { source: SourceDocument; diagnostics: Diagnostic[] } {
    const lines = new LineCounter();
    const empty = new SourceDocument(file, text, lines, undefined, undefined);
    if (text.length > loaderLimits.maxFileBytes) {
      return {
        source: empty,
        diagnostics: [empty.fileDiagnostic('file-too-large', `file is larger than ${loaderLimits.maxFileBytes} bytes`, 'split it: one workflow per file')],
      };
    }
    if (text.includes('\u0000') || text.includes('\uFFFD')) {
      return {
        source: empty,
        diagnostics: [empty.fileDiagnostic('not-yaml', 'file is not YAML text (it holds binary data)', 'point Rectify at .yaml files only')],
      };
    }
    const documents = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
    const all = Array.isArray(documents) ? documents : [];
    const diagnostics: Diagnostic[] = [];
    if (all.length === 0) {
      return { source: empty, diagnostics: [empty.fileDiagnostic('empty-file', 'file is empty', 'write a Workflow, WorkflowTest or Config document')] };
    }
    const [first, second] = all;
    const firstSource = new SourceDocument(file, text, lines, first, undefined);
    if (second) {
      diagnostics.push(
        firstSource.at([], 'multiple-documents', 'file holds more than one YAML document', 'put one document in each file', offsetRange(second.range[0], second.range[1])),
      );
    }
    for (const doc of all) {
      for (const error of doc.errors) {
        const code = error.code === 'DUPLICATE_KEY' ? 'duplicate-key' : error.code === 'RESOURCE_EXHAUSTION' ? 'alias-limit' : 'yaml-syntax';
        const hint = code === 'duplicate-key' ? 'remove one of the two entries: YAML keeps only one, silently' : 'fix the YAML syntax here';
        diagnostics.push(firstSource.at([], code, yamlMessage(error.message), hint, offsetRange(error.pos[0], error.pos[1])));
      }
      for (const warning of doc.warnings) {
        diagnostics.push({ ...firstSource.at([], 'yaml-warning', yamlMessage(warning.message), 'make the YAML unambiguous', offsetRange(warning.pos[0], warning.pos[1])), severity: 'warning' });
      }
    }
    if (diagnostics.some((d) => d.severity === 'error') || !first) return { source: firstSource, diagnostics };
    let value: unknown;
    try {
      value = first.toJS({ maxAliasCount: loaderLimits.maxAliasCount });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = /alias/i.test(message) ? 'alias-limit' : 'yaml-syntax';
      diagnostics.push(firstSource.at([], code, code === 'alias-limit' ? `too many alias expansions (limit ${loaderLimits.maxAliasCount})` : message, 'write the values out instead of expanding aliases'));
      return { source: firstSource, diagnostics };
    }
    return { source: new SourceDocument(file, text, lines, first, value), diagnostics };
  }

  /** The node at a path, and how far along the path the document goes. */
  nodeAt(path: readonly PathSegment[]): { node: Node | undefined; keyNode: Node | undefined; depth: number } {
    let node: unknown = this.document?.contents ?? undefined;
    let keyNode: Node | undefined;
    let depth = 0;
    for (const segment of path) {
      if (isAlias(node) && this.document) node = node.resolve(this.document);
      let next: unknown;
      let nextKey: Node | undefined;
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
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
    const from = this.lines.linePos(start);
    const to = this.lines.linePos(Math.max(start, end));
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
  at(path: readonly PathSegment[], code: string, message: string, hint: string | undefined, range: SourceRange | OffsetRange = this.rangeOf(path)): Diagnostic {
    const resolved = 'startOffset' in range ? this.offsets(range.startOffset, range.endOffset) : range;
    return { code, message, file: this.file, ...resolved, path: formatPath(path), ...(hint ? { hint } : {}), severity: 'error' };
  }

  /** The code frame under a diagnostic of this file. */
  frame(diagnostic: SourceRange): string {
    return codeFrame(this.text, diagnostic);
  }

  private fileDiagnostic(code: string, message: string, hint: string): Diagnostic {
    return { code, message, file: this.file, line: 1, column: 1, endLine: 1, endColumn: 1, path: '(document)', hint, severity: 'error' };
  }
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
