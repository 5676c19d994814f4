import type { SensitiveKind } from '../../core/catalog/action.js';

/**
 * Does `field.matches(pattern)` pin a field tightly enough for a sink of a given kind?
 *
 * CEL's `matches` is RE2 and unanchored: `x.matches("[a-z]+")` holds for `"a;DROP"`. A pattern
 * pins a field only when it is anchored at both ends (`^...$`, in every top-level alternative)
 * and every character the SENDER can choose is harmless for the sink. Characters the sender can
 * choose are those of character classes, escapes such as `\w`, and `.`; literal characters are
 * chosen by the workflow's author (`^arn:aws:s3:::[a-z0-9.-]+$` lets the sender choose only from
 * `[a-z0-9.-]`). Anything this small parser does not understand (look-arounds, Unicode classes,
 * flags other than `i`) makes the pattern not pin: the analysis errs towards reporting.
 */

/** A set of characters: ASCII by code, and one bit for "some character beyond ASCII". */
export interface CharSet {
  readonly ascii: boolean[];
  other: boolean;
}

export function emptySet(): CharSet {
  return { ascii: new Array<boolean>(128).fill(false), other: false };
}

function anySet(): CharSet {
  return { ascii: new Array<boolean>(128).fill(true), other: true };
}

function addChar(set: CharSet, char: string): void {
  const code = char.codePointAt(0) ?? 0;
  if (code < 128) set.ascii[code] = true;
  else set.other = true;
}

function addRange(set: CharSet, from: number, to: number): void {
  for (let code = from; code <= to; code++) {
    if (code < 128) set.ascii[code] = true;
    else {
      set.other = true;
      break;
    }
  }
}

function union(into: CharSet, from: CharSet): void {
  from.ascii.forEach((on, code) => {
    if (on) into.ascii[code] = true;
  });
  if (from.other) into.other = true;
}

function complement(set: CharSet): CharSet {
  return { ascii: set.ascii.map((on) => !on), other: true };
}

function setOf(chars: string): CharSet {
  const set = emptySet();
  for (const range of chars.matchAll(/(.)-(.)|(.)/gsu)) {
    if (range[3] !== undefined) addChar(set, range[3]);
    else addRange(set, range[1]?.codePointAt(0) ?? 0, range[2]?.codePointAt(0) ?? 0);
  }
  return set;
}

const digit = (): CharSet => setOf('0-9');
const word = (): CharSet => setOf('0-9A-Za-z_');
const space = (): CharSet => setOf('\t\n\f\r ');
const posix: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  xdigit: '0-9A-Fa-f',
  word: '0-9A-Za-z_',
};

function foldCase(set: CharSet): void {
  for (let code = 65; code <= 90; code++) {
    if (set.ascii[code] || set.ascii[code + 32]) {
      set.ascii[code] = true;
      set.ascii[code + 32] = true;
    }
  }
}

type Atom =
  | { readonly kind: 'literal'; readonly char: string }
  | { readonly kind: 'class'; readonly set: CharSet }
  | { readonly kind: 'group'; readonly alternatives: Item[][] }
  | { readonly kind: 'start' | 'end' | 'zero' };
interface Item {
  readonly atom: Atom;
  readonly min: number;
  /** Case-insensitive (`(?i)`) when parsed. */
  readonly fold: boolean;
}

class Unsupported extends Error {}

/** RE2 syntax, the subset workflows use; throws Unsupported for the rest. */
class Parser {
  private pos = 0;
  private fold = false;

  constructor(private readonly text: string) {}

  parse(): Item[][] {
    const alternatives = this.alternation();
    if (this.pos < this.text.length) throw new Unsupported(`unexpected \`${this.text[this.pos] ?? ''}\``);
    return alternatives;
  }

  private alternation(): Item[][] {
    const alternatives: Item[][] = [this.sequence()];
    while (this.text[this.pos] === '|') {
      this.pos++;
      alternatives.push(this.sequence());
    }
    return alternatives;
  }

  private sequence(): Item[] {
    const items: Item[] = [];
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '|' || c === ')') break;
      const atom = this.atom();
      if (atom === undefined) continue;
      items.push({ atom, min: this.quantifier(), fold: this.fold });
    }
    return items;
  }

  private quantifier(): number {
    let min = 1;
    const c = this.text[this.pos];
    if (c === '*' || c === '?') {
      min = 0;
      this.pos++;
    } else if (c === '+') {
      this.pos++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,\d*)?\}/.exec(this.text.slice(this.pos));
      if (!m) return min; // RE2 reads a lone `{` as a literal: left to atom()
      min = Number(m[1]);
      this.pos += m[0].length;
    } else return min;
    if (this.text[this.pos] === '?') this.pos++; // lazy
    const after = this.text[this.pos];
    if (after === '*' || after === '+' || after === '?') throw new Unsupported('repeated quantifier');
    return min;
  }

  /** One atom; undefined for a flag group like `(?i)` that only changes how the rest is read. */
  private atom(): Atom | undefined {
    const c = this.text[this.pos] ?? '';
    this.pos++;
    switch (c) {
      case '^':
        return { kind: 'start' };
      case '$':
        return { kind: 'end' };
      case '.':
        return { kind: 'class', set: anySet() };
      case '[':
        return { kind: 'class', set: this.charClass() };
      case '(':
        return this.group();
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        throw new Unsupported('quantifier without an operand');
      default:
        return { kind: 'literal', char: c };
    }
  }

  private group(): Atom | undefined {
    if (this.text[this.pos] === '?') {
      const rest = this.text.slice(this.pos);
      const named = /^\?P?<[A-Za-z_][A-Za-z0-9_]*>/.exec(rest);
      const flags = /^\?([a-zA-Z]*)(:|\))/.exec(rest);
      if (named) this.pos += named[0].length;
      else if (flags) {
        if (!/^i*$/.test(flags[1] ?? '')) throw new Unsupported(`flags \`(?${flags[1] ?? ''})\``);
        this.pos += flags[0].length;
        if (flags[2] === ')') {
          this.fold = true;
          return undefined;
        }
        const saved = this.fold;
        this.fold = true;
        const alternatives = this.alternation();
        this.fold = saved;
        this.close();
        return { kind: 'group', alternatives };
      } else throw new Unsupported('look-around or other `(?` group');
    }
    const alternatives = this.alternation();
    this.close();
    return { kind: 'group', alternatives };
  }

  private close(): void {
    if (this.text[this.pos] !== ')') throw new Unsupported('unclosed group');
    this.pos++;
  }

  private escape(): Atom {
    const c = this.text[this.pos] ?? '';
    this.pos++;
    switch (c) {
      case 'd':
        return { kind: 'class', set: digit() };
      case 'w':
        return { kind: 'class', set: word() };
      case 's':
        return { kind: 'class', set: space() };
      case 'D':
        return { kind: 'class', set: complement(digit()) };
      case 'W':
        return { kind: 'class', set: complement(word()) };
      case 'S':
        return { kind: 'class', set: complement(space()) };
      case 'A':
        return { kind: 'start' };
      case 'z':
        return { kind: 'end' };
      case 'b':
      case 'B':
        return { kind: 'zero' };
      default:
        return { kind: 'literal', char: this.escapedChar(c) };
    }
  }

  /** The character an escape stands for (`\.`, `\n`, `\x41`); throws for what it does not know. */
  private escapedChar(c: string): string {
    const named: Readonly<Record<string, string>> = {
      n: '\n',
      t: '\t',
      r: '\r',
      f: '\f',
      v: '\v',
      a: '\u0007',
    };
    if (named[c] !== undefined) return named[c];
    if (c === 'x') {
      const m = /^(?:([0-9A-Fa-f]{2})|\{([0-9A-Fa-f]{1,6})\})/.exec(this.text.slice(this.pos));
      if (!m) throw new Unsupported('bad \\x escape');
      this.pos += m[0].length;
      return String.fromCodePoint(parseInt(m[1] ?? m[2] ?? '0', 16));
    }
    if (/^[!-/:-@[-`{-~]$/.test(c)) return c; // escaped punctuation is itself
    throw new Unsupported(`escape \\${c}`);
  }

  private charClass(): CharSet {
    let set = emptySet();
    let negated = false;
    if (this.text[this.pos] === '^') {
      negated = true;
      this.pos++;
    }
    let first = true;
    for (;;) {
      if (this.pos >= this.text.length) throw new Unsupported('unclosed character class');
      const c = this.text[this.pos] ?? '';
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      const posixClass = /^\[:(\^?)([a-z]+):\]/.exec(this.text.slice(this.pos));
      if (posixClass) {
        const chars = posix[posixClass[2] ?? ''];
        if (chars === undefined || posixClass[1] === '^') throw new Unsupported('POSIX class');
        union(set, setOf(chars));
        this.pos += posixClass[0].length;
        continue;
      }
      const low = this.classChar();
      if (typeof low !== 'string') {
        union(set, low);
        continue;
      }
      if (this.text[this.pos] === '-' && this.text[this.pos + 1] !== ']' && this.pos + 1 < this.text.length) {
        this.pos++;
        const high = this.classChar();
        if (typeof high !== 'string') throw new Unsupported('range to a class');
        addRange(set, low.codePointAt(0) ?? 0, high.codePointAt(0) ?? 0);
      } else addChar(set, low);
    }
    if (this.fold) foldCase(set);
    if (negated) set = complement(set);
    return set;
  }

  /** One character of a class, or a class escape such as `\d`. */
  private classChar(): string | CharSet {
    const c = this.text[this.pos] ?? '';
    this.pos++;
    if (c !== '\\') return c;
    const e = this.text[this.pos] ?? '';
    this.pos++;
    switch (e) {
      case 'd':
        return digit();
      case 'w':
        return word();
      case 's':
        return space();
      case 'D':
        return complement(digit());
      case 'W':
        return complement(word());
      case 'S':
        return complement(space());
      default:
        return this.escapedChar(e);
    }
  }
}

export type PatternAnalysis =
  | {
      readonly ok: true;
      /** Every top-level alternative starts with `^` and ends with `$`. */
      readonly anchored: boolean;
      /** Characters the sender can choose anywhere in the value. */
      readonly chosen: CharSet;
      /** Characters the sender can choose as the value's first character. */
      readonly chosenFirst: CharSet;
    }
  | { readonly ok: false; readonly reason: string };

/** Parses an RE2 pattern and says what a value matching it may contain. */
export function analyzePattern(pattern: string): PatternAnalysis {
  let alternatives: Item[][];
  try {
    alternatives = new Parser(pattern).parse();
  } catch (error) {
    return { ok: false, reason: error instanceof Unsupported ? error.message : 'unreadable pattern' };
  }
  const chosen = emptySet();
  const chosenFirst = emptySet();
  const collect = (items: readonly Item[]): void => {
    for (const item of items) {
      const { atom } = item;
      if (atom.kind === 'class') union(chosen, atom.set);
      else if (atom.kind === 'group') atom.alternatives.forEach(collect);
      else if (atom.kind === 'literal' && item.fold && /[A-Za-z]/.test(atom.char))
        union(chosen, setOf(atom.char.toLowerCase() + atom.char.toUpperCase()));
    }
  };
  alternatives.forEach(collect);
  for (const items of alternatives) union(chosenFirst, firstOf(items).set);
  const anchored = alternatives.every((items) => {
    const real = items.filter((item) => item.atom.kind !== 'zero');
    const head = real[0];
    const tail = real[real.length - 1];
    return (
      head !== undefined &&
      tail !== undefined &&
      head !== tail &&
      head.atom.kind === 'start' &&
      head.min >= 1 &&
      tail.atom.kind === 'end' &&
      tail.min >= 1
    );
  });
  return { ok: true, anchored, chosen, chosenFirst };
}

/** The sender-chosen characters that can come first, and whether the items can match nothing. */
function firstOf(items: readonly Item[]): { set: CharSet; nullable: boolean } {
  const set = emptySet();
  for (const item of items) {
    const { atom } = item;
    let nullable = item.min === 0;
    if (atom.kind === 'class') union(set, atom.set);
    else if (atom.kind === 'literal') {
      if (item.fold && /[A-Za-z]/.test(atom.char))
        union(set, setOf(atom.char.toLowerCase() + atom.char.toUpperCase()));
    } else if (atom.kind === 'group') {
      let any = false;
      for (const alternative of atom.alternatives) {
        const inner = firstOf(alternative);
        union(set, inner.set);
        any ||= inner.nullable;
      }
      nullable ||= any;
    } else nullable = true; // anchors and \b match no character
    if (!nullable) return { set, nullable: false };
  }
  return { set, nullable: true };
}

/**
 * Characters a sender may put in a value of each sink kind. Identifiers are quoted or bound by
 * the driver, but quotes, white space, `;`, `/`, `*`, `%` or `:` in a name are how a name turns
 * into another one (`*`, `%` and `_`-free wildcards, paths, schema-qualified names); `.` and `-`
 * are ordinary in bucket, host and role names. Paths, URLs and queries get no `.` (`..`) and
 * no separators. An argv element must not start with `-` (it would be read as an option).
 */
export const safeCharacters: Readonly<Record<SensitiveKind, string>> = {
  identifier: 'A-Za-z0-9_.-',
  argv: 'A-Za-z0-9_.-',
  path: 'A-Za-z0-9_-',
  url: 'A-Za-z0-9_-',
  query: 'A-Za-z0-9_-',
};

const article: Readonly<Record<SensitiveKind, string>> = {
  identifier: 'an identifier',
  argv: 'a command argument',
  path: 'a path',
  url: 'a URL',
  query: 'a query',
};

/** Does `field.matches(pattern)` pin the field for a sink of this kind? If not, why not. */
export function patternPins(
  pattern: string,
  kind: SensitiveKind,
): { pins: true } | { pins: false; reason: string } {
  const analysis = analyzePattern(pattern);
  if (!analysis.ok) return { pins: false, reason: `the pattern cannot be analysed (${analysis.reason})` };
  if (!analysis.anchored)
    return { pins: false, reason: 'the pattern is not anchored at both ends (`^...$`)' };
  const safe = setOf(safeCharacters[kind]);
  const bad: string[] = [];
  analysis.chosen.ascii.forEach((on, code) => {
    if (on && !safe.ascii[code]) bad.push(String.fromCharCode(code));
  });
  if (analysis.chosen.other || bad.length > 0) {
    const any = bad.length > 40;
    const shown = bad
      .filter((c) => c >= ' ' && c <= '~')
      .slice(0, 6)
      .map((c) => (c === ' ' ? 'space' : `\`${c}\``));
    const control = bad.some((c) => c < ' ' || c === '\u007f');
    const list = [
      ...shown,
      ...(control ? ['control characters'] : []),
      ...(analysis.chosen.other && !any ? ['non-ASCII'] : []),
    ];
    return {
      pins: false,
      reason: any
        ? `the pattern allows almost any character in ${article[kind]}`
        : `the pattern allows ${list.join(', ')} in ${article[kind]}`,
    };
  }
  if (kind === 'argv' && analysis.chosenFirst.ascii['-'.charCodeAt(0)])
    return {
      pins: false,
      reason: 'the pattern lets the value start with `-` (an option) in a command argument',
    };
  return { pins: true };
}
