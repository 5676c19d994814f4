import {
  boolCoreTag,
  COLLECTION_STYLE,
  CHOMPING_MODE,
  EVENT_ID,
  floatCoreTag,
  getScalarValue,
  intCoreTag,
  loadAll,
  NOT_RESOLVED,
  nullCoreTag,
  parseEvents,
  SCALAR_STYLE,
  type Event,
  type ScalarEvent,
  type ScalarTagDefinition,
} from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { coerceError } from '../errors.js';
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
 * js-yaml 5 builds the value. Positions are found only when a diagnostic needs one: the first time,
 * js-yaml's event stream (offsets into the text, several times cheaper than a second parser) is
 * read into a compact table of source ranges, and line starts are tabled for line/column. The
 * ranges follow the conventions of the `yaml` package, which found them before: a quoted scalar
 * includes its quotes, a block scalar starts at its `|` or `>` header, an empty value sits after
 * its `:` or `-`, a block collection ends after the line break of its last line, a flow collection
 * after its closing bracket, an alias is its `*name`. The `yaml` package now reads only files
 * js-yaml rejects (syntax errors, several documents), for its exact error positions. Both read
 * YAML 1.2 with the core schema (no timestamps: `reviewBy: 2027-03-01` stays text); a test compares
 * their values on fuzzed input.
 */
export class SourceDocument {
  private lineStarts: number[] | undefined;
  /** Undefined until first needed; null when the text holds no node. */
  private table: PositionTable | null | undefined;

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
      // Too deep to be a workflow, and too deep to hand to the second parser: the `yaml` package
      // recurses, and hostile nesting can exhaust V8 itself (a crash no try/catch stops).
      const message = coerceError(error).message;
      if (/maxDepth/.test(message)) {
        const position = (error as { mark?: { position?: number } }).mark?.position ?? 0;
        const source = new SourceDocument(file, text, undefined);
        return {
          source,
          diagnostics: [
            source.at(
              [],
              'yaml-syntax',
              `nesting is deeper than ${loaderLimits.maxDepth} levels`,
              'a workflow is a few levels deep: this file is not one',
              {
                startOffset: position,
                endOffset: position + 1,
              },
            ),
          ],
        };
      }
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
    const parsed = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false, strict: true });
    const all = Array.isArray(parsed) ? parsed : [];
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

  /** The position table, read from js-yaml's events on first need. */
  private get positions(): PositionTable | null {
    if (this.table === undefined) {
      try {
        this.table = PositionTable.read(
          this.text,
          parseEvents(this.text, { maxDepth: loaderLimits.maxDepth }),
        );
      } catch {
        // Only a file js-yaml rejected gets here: its diagnostics carry their own ranges.
        this.table = null;
      }
    }
    return this.table;
  }

  /** The node at a path, and how far along the path the document goes. */
  nodeAt(path: readonly PathSegment[]): {
    node: SourceNode | undefined;
    keyNode: SourceNode | undefined;
    depth: number;
  } {
    const table = this.positions;
    const { node, keyNode, depth } = this.locate(path);
    return { node: table?.view(node), keyNode: table?.view(keyNode), depth };
  }

  /** Node numbers (-1 for none) of the value at a path and of its key. */
  private locate(path: readonly PathSegment[]): { node: number; keyNode: number; depth: number } {
    const table = this.positions;
    if (!table) return { node: -1, keyNode: -1, depth: 0 };
    let node = 0;
    let keyNode = -1;
    let depth = 0;
    for (const segment of path) {
      if (table.kind(node) === alias) node = table.target(node);
      let next = -1;
      let nextKey = -1;
      const kind = node === -1 ? 0 : table.kind(node);
      if (kind === mapping) {
        const wanted = String(segment);
        for (let key = node + 1, end = table.next(node); key < end;) {
          const value = table.next(key);
          if (table.kind(key) === scalar && table.keyText(this.text, key) === wanted) {
            next = table.kind(value) === absent ? key : value;
            nextKey = key;
            break;
          }
          key = table.next(value);
        }
      } else if (
        kind === sequence &&
        typeof segment === 'number' &&
        Number.isInteger(segment) &&
        segment >= 0
      ) {
        let item = node + 1;
        const end = table.next(node);
        for (let i = 0; i < segment && item < end; i++) item = table.next(item);
        if (item < end) next = item;
      }
      if (next === -1) break;
      node = next;
      keyNode = nextKey;
      depth++;
    }
    return { node, keyNode, depth };
  }

  /** The source range of the value at a path; a missing value points at its deepest present parent's key. */
  rangeOf(path: readonly PathSegment[], target: 'value' | 'key' = 'value'): SourceRange {
    const table = this.positions;
    const { node, keyNode, depth } = this.locate(path);
    const chosen = (target === 'key' || depth < path.length) && keyNode !== -1 ? keyNode : node;
    if (!table || chosen === -1) return this.offsets(0, 0);
    return this.offsets(table.start(chosen), table.end(chosen));
  }

  /** Converts a pair of offsets into a 1-based line/column range. */
  offsets(start: number, end: number): SourceRange {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    const from = lineOf(starts, start);
    const to = lineOf(starts, Math.max(start, end));
    return {
      line: from + 1,
      column: columnOf(starts, from, start),
      endLine: to + 1,
      endColumn: columnOf(starts, to, Math.max(start, end)),
    };
  }

  /**
   * Maps a character index inside a string scalar's value to its offset in the file.
   * Folded and block scalars drop indentation and fold line breaks; aligning non-blank characters
   * greedily recovers the position well enough to put a caret under a CEL error.
   */
  scalarOffset(path: readonly PathSegment[], index: number): number {
    const table = this.positions;
    const { node } = this.locate(path);
    if (!table || node === -1) return 0;
    const value = table.stringValue(this.text, node);
    const start = table.start(node);
    if (value === undefined) return start;
    const end = table.end(node);
    const style = table.style(node);
    let cursor = start;
    if (style === SCALAR_STYLE.DOUBLE_QUOTED || style === SCALAR_STYLE.SINGLE_QUOTED) cursor += 1;
    if (style === SCALAR_STYLE.FOLDED_BLOCK || style === SCALAR_STYLE.LITERAL_BLOCK) {
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

const mapping = 1;
const sequence = 2;
const scalar = 3;
const alias = 4;
/** Stands for the value of a pair that has none (`? key`, `{ key }`). */
const absent = 5;

/** A node of the position table, as `nodeAt` shows it. */
export interface SourceNode {
  readonly kind: 'mapping' | 'sequence' | 'scalar' | 'alias';
  /** Offset of its first character. */
  readonly start: number;
  /** Offset after its last character. */
  readonly end: number;
}

const kindNames = ['scalar', 'mapping', 'sequence', 'scalar', 'alias', 'scalar'] as const;

// A node's fields in the table.
const stride = 7;
const fInfo = 0; // kind | style << 3 | chomping << 6 | flow, fast, tagged, `!!str` flags
const fStart = 1;
const fEnd = 2;
const fNext = 3; // the number of the first node after this one's subtree
const fValueStart = 4; // a scalar's text; an alias's target node
const fValueEnd = 5;
const fIndent = 6;
const flowFlag = 1 << 8;
const fastFlag = 1 << 9;
const taggedFlag = 1 << 10;
const strTagFlag = 1 << 11;

/**
 * Where every node of a document sits, `stride` integers a node, in document order: the children
 * of a collection follow it, a mapping's as key, value, key, value… Numbers instead of objects:
 * a review keeps the positions of every file it reported on, and a table is a few kilobytes that
 * the garbage collector never walks.
 */
class PositionTable {
  /** Property names of keys, computed on first lookup. */
  private readonly names: (string | null)[] = [];

  private constructor(private readonly data: Int32Array) {}

  /**
   * Reads the first document of an event stream, in one pass. `cursor` is the end of the last node
   * read, from which the few positions events do not carry are found: the indicator before an empty
   * value, a block scalar's header, a flow collection's closing bracket.
   */
  static read(text: string, events: readonly Event[]): PositionTable | null {
    const data = new Int32Array(events.length * stride);
    const open: number[] = [];
    const children: number[] = [];
    const anchors = new Map<string, number>();
    let count = 0;
    let cursor = 0;
    let documents = 0;
    // Whether the last node read is an empty value: a block collection ending with one ends there.
    let empty = false;
    const add = (info: number, start: number, end: number): number => {
      const node = count++;
      const at = node * stride;
      data[at + fInfo] = info;
      data[at + fStart] = start;
      data[at + fEnd] = end;
      data[at + fNext] = node + 1;
      if (children.length > 0) children[children.length - 1] = (children[children.length - 1] ?? 0) + 1;
      return node;
    };
    for (const event of events) {
      if (event.type === EVENT_ID.DOCUMENT) {
        if (++documents > 1) break;
      } else if (event.type === EVENT_ID.POP) {
        const node = open.pop();
        children.pop();
        if (node !== undefined) {
          const at = node * stride;
          const flow = ((data[at + fInfo] ?? 0) & flowFlag) !== 0;
          if (flow || !empty) cursor = collectionEnd(text, data[at + fStart] ?? 0, flow, cursor);
          data[at + fEnd] = cursor;
          empty &&= !flow;
          data[at + fNext] = count;
        }
      } else if (event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) {
        const flow = event.style === COLLECTION_STYLE.FLOW;
        const kind = event.type === EVENT_ID.MAPPING ? mapping : sequence;
        const node = add(kind | (flow ? flowFlag : 0), event.start, event.start);
        if (event.anchorStart !== -1) anchors.set(text.slice(event.anchorStart, event.anchorEnd), node);
        cursor = flow ? event.start + 1 : event.start;
        empty = false;
        open.push(node);
        children.push(0);
      } else if (event.type === EVENT_ID.ALIAS) {
        const node = add(alias, event.anchorStart - 1, event.anchorEnd);
        data[node * stride + fValueStart] = anchors.get(text.slice(event.anchorStart, event.anchorEnd)) ?? -1;
        cursor = event.anchorEnd;
        empty = false;
      } else {
        const style = event.style;
        let start: number;
        let end: number;
        if (event.valueStart === -1 && style === SCALAR_STYLE.PLAIN) {
          // An empty value (null): `yaml` places it after its indicator and the spaces that follow.
          const siblings = children[children.length - 1];
          const parent = open[open.length - 1];
          if (event.anchorEnd !== -1 || event.tagEnd !== -1) {
            start = skipSpaces(text, Math.max(event.anchorEnd, event.tagEnd));
          } else if (parent === undefined || siblings === undefined) {
            const first = skipBlank(text, 0);
            start = text.startsWith('---', first) ? skipSpaces(text, first + 3) : first;
          } else if (((data[parent * stride + fInfo] ?? 0) & 7) === mapping && siblings % 2 === 1) {
            const colon = skipBlank(text, cursor);
            if (text.charCodeAt(colon) !== 0x3a /* : */) {
              add(absent, cursor, cursor);
              continue;
            }
            start = skipSpaces(text, colon + 1);
          } else {
            const indicator = skipBlank(text, cursor);
            const code = text.charCodeAt(indicator);
            start =
              code === 0x2d /* - */ || code === 0x3f /* ? */ ? skipSpaces(text, indicator + 1) : indicator;
          }
          end = start;
        } else if (style === SCALAR_STYLE.DOUBLE_QUOTED || style === SCALAR_STYLE.SINGLE_QUOTED) {
          start = event.valueStart - 1;
          end = event.valueEnd + 1;
        } else if (style === SCALAR_STYLE.LITERAL_BLOCK || style === SCALAR_STYLE.FOLDED_BLOCK) {
          start = blockHeader(text, Math.max(cursor, event.anchorEnd, event.tagEnd), event.valueStart);
          end = blockEnd(text, event);
        } else {
          start = event.valueStart;
          end = event.valueEnd;
        }
        const tagged = event.tagStart !== -1;
        const info =
          scalar |
          (style << 3) |
          (event.chomping << 6) |
          (event.fast ? fastFlag : 0) |
          (tagged ? taggedFlag : 0) |
          (tagged && text.slice(event.tagStart, event.tagEnd) === '!!str' ? strTagFlag : 0);
        const node = add(info, start, end);
        const at = node * stride;
        data[at + fValueStart] = event.valueStart;
        data[at + fValueEnd] = event.valueEnd;
        data[at + fIndent] = event.indent;
        if (event.anchorStart !== -1) anchors.set(text.slice(event.anchorStart, event.anchorEnd), node);
        cursor = end;
        empty = start === end && event.valueStart === -1;
      }
    }
    return count === 0 ? null : new PositionTable(data.slice(0, count * stride));
  }

  private field(node: number, field: number): number {
    return this.data[node * stride + field] ?? 0;
  }

  kind(node: number): number {
    return this.field(node, fInfo) & 7;
  }

  style(node: number): number {
    return (this.field(node, fInfo) >> 3) & 7;
  }

  start(node: number): number {
    return this.field(node, fStart);
  }

  end(node: number): number {
    return this.field(node, fEnd);
  }

  next(node: number): number {
    return this.field(node, fNext);
  }

  target(node: number): number {
    return this.field(node, fValueStart);
  }

  view(node: number): SourceNode | undefined {
    if (node === -1) return undefined;
    return { kind: kindNames[this.kind(node)] ?? 'scalar', start: this.start(node), end: this.end(node) };
  }

  /** A scalar's text, decoded. */
  private decode(source: string, node: number): string {
    const info = this.field(node, fInfo);
    const event: ScalarEvent = {
      type: EVENT_ID.SCALAR,
      valueStart: this.field(node, fValueStart),
      valueEnd: this.field(node, fValueEnd),
      anchorStart: -1,
      anchorEnd: -1,
      tagStart: -1,
      tagEnd: -1,
      style: ((info >> 3) & 7) as ScalarEvent['style'],
      chomping: ((info >> 6) & 3) as ScalarEvent['chomping'],
      indent: this.field(node, fIndent),
      fast: (info & fastFlag) !== 0,
    };
    return getScalarValue(source, event);
  }

  /** A key as a property name, the way js-yaml makes one (`1.0:` is "1", `~:` is "null"). */
  keyText(source: string, node: number): string | null {
    const cached = this.names[node];
    if (cached !== undefined) return cached;
    const raw = this.decode(source, node);
    const plain = this.style(node) === SCALAR_STYLE.PLAIN && (this.field(node, fInfo) & taggedFlag) === 0;
    const name = plain ? String(resolvePlain(raw)) : raw;
    this.names[node] = name;
    return name;
  }

  /** A scalar's value if it is a string. */
  stringValue(source: string, node: number): string | undefined {
    if (this.kind(node) !== scalar) return undefined;
    const raw = this.decode(source, node);
    if (this.style(node) !== SCALAR_STYLE.PLAIN || (this.field(node, fInfo) & strTagFlag) !== 0) return raw;
    return typeof resolvePlain(raw) === 'string' ? raw : undefined;
  }
}

/** Skips spaces and tabs. */
function skipSpaces(text: string, from: number): number {
  let i = from;
  for (let code = text.charCodeAt(i); code === 0x20 || code === 0x09; code = text.charCodeAt(++i));
  return i;
}

/** Skips white space, line breaks, comments and the separators of flow collections. */
function skipBlank(text: string, from: number): number {
  let i = from;
  for (;;) {
    const code = text.charCodeAt(i);
    if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x2c /* , */) i++;
    else if (code === 0x23 /* # */) {
      const lineEnd = text.indexOf('\n', i);
      if (lineEnd === -1) return text.length;
      i = lineEnd;
    } else return i;
  }
}

/** The end of a collection, from the end of its last node. */
function collectionEnd(text: string, start: number, flow: boolean, lastEnd: number): number {
  if (flow) {
    let i = Math.max(lastEnd, start + 1);
    for (;;) {
      i = skipBlank(text, i);
      const code = text.charCodeAt(i);
      if (code === 0x5d /* ] */ || code === 0x7d /* } */) return i + 1;
      if (code !== 0x3a /* : */ && code !== 0x3f /* ? */) return lastEnd;
      i++;
    }
  }
  // A block collection ends with its last line, comment and line break included.
  if (text.charCodeAt(lastEnd - 1) === 0x0a) return lastEnd;
  let i = skipSpaces(text, lastEnd);
  if (text.charCodeAt(i) === 0x23 /* # */) {
    const lineEnd = text.indexOf('\n', i);
    i = lineEnd === -1 ? text.length : lineEnd;
  }
  if (text.charCodeAt(i) === 0x0d && text.charCodeAt(i + 1) === 0x0a) return i + 2;
  if (text.charCodeAt(i) === 0x0a) return i + 1;
  return i;
}

/** Where a block scalar's `|` or `>` header is: after `from` (the node before it) and any comment. */
function blockHeader(text: string, from: number, contentStart: number): number {
  let i = Math.max(from, 0);
  while (i < contentStart) {
    const code = text.charCodeAt(i);
    if (code === 0x7c /* | */ || code === 0x3e /* > */) return i;
    if (code === 0x23 /* # */) {
      const lineEnd = text.indexOf('\n', i);
      if (lineEnd === -1) break;
      i = lineEnd;
    } else i++;
  }
  return contentStart;
}

/**
 * A block scalar ends after its last line of content: only `+` (keep) chomping keeps the blank
 * lines after it. A line of spaces deeper than the indentation is content.
 */
function blockEnd(text: string, event: ScalarEvent): number {
  const { valueStart, valueEnd, indent } = event;
  if (event.chomping === CHOMPING_MODE.KEEP || indent < 0) return valueEnd;
  let contentEnd = valueEnd;
  for (let line = valueStart; line < valueEnd;) {
    const lineFeed = text.indexOf('\n', line);
    const next = lineFeed === -1 || lineFeed >= valueEnd ? valueEnd : lineFeed + 1;
    let i = line;
    while (text.charCodeAt(i) === 0x20) i++;
    const code = text.charCodeAt(i);
    if (i - line > indent || (i < next && code !== 0x0a && code !== 0x0d)) contentEnd = next;
    line = next;
  }
  return contentEnd;
}

/** The implicit tags of the core schema, in js-yaml's order of resolution. */
const coreImplicitTags: readonly ScalarTagDefinition[] = [nullCoreTag, boolCoreTag, intCoreTag, floatCoreTag];

/** A plain scalar's value under the core schema. */
function resolvePlain(raw: string): unknown {
  const first = raw.charAt(0);
  for (const tag of coreImplicitTags) {
    if (tag.implicitFirstChars !== null && !tag.implicitFirstChars.includes(first)) continue;
    const value = tag.resolve(raw, false, tag.tagName);
    if (value !== NOT_RESOLVED) return value;
  }
  return raw;
}

/** Offsets where lines start: 0, then after each line feed (as the `yaml` package counts them). */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The 0-based line holding an offset (binary search). */
function lineOf(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((starts[mid] ?? 0) < offset) low = mid + 1;
    else high = mid;
  }
  return starts[low] === offset ? low : low - 1;
}

/** The 1-based column of an offset on a 0-based line. */
function columnOf(starts: readonly number[], line: number, offset: number): number {
  return line < 0 ? offset : offset - (starts[line] ?? 0) + 1;
}
