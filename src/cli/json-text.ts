/** A JSON syntax error with its place: 1-based line and column, as editors count them. */
export interface JsonSyntaxError {
  readonly message: string;
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export type JsonParse =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: JsonSyntaxError };

/**
 * Parses JSON text (a leading byte-order mark allowed) and, when it is not JSON, says where:
 * `JSON.parse` does not always give a position, so the text is scanned again for the first
 * place it goes wrong.
 * @example parseJsonText('{"a": 1,}') // { ok: false, error: { line: 1, column: 9, ... } }
 */
export function parseJsonText(text: string): JsonParse {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (thrown) {
    const found = locateJsonError(body);
    const offset = found?.offset ?? 0;
    const message =
      found?.message ??
      (thrown instanceof Error ? thrown.message : 'not JSON').replace(/ at position \d+.*$/, '');
    const before = body.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - (before.lastIndexOf('\n') + 1) + 1;
    return { ok: false, error: { message, offset, line, column } };
  }
}

class Stop extends Error {
  constructor(
    readonly at: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const maxDepth = 2_000;

/** The offset and a description of the first JSON syntax error, or undefined if there is none. */
export function locateJsonError(text: string): { offset: number; message: string } | undefined {
  let i = 0;
  const describe = (at: number) =>
    at >= text.length ? 'unexpected end of input' : `unexpected character ${JSON.stringify(text[at])}`;
  const fail = (reason?: string): never => {
    throw new Stop(i, reason ?? describe(i));
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] ?? '')) i++;
  };
  const digits = () => {
    const start = i;
    while (i < text.length && (text[i] ?? '') >= '0' && (text[i] ?? '') <= '9') i++;
    if (i === start) fail(`${describe(i)}: a digit was expected`);
  };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('control character in a string: write it escaped (\\n, \\t, \\u0000)');
      if (c === 0x5c) {
        const next = text[i + 1] ?? '';
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
            fail('bad \\u escape: four hex digits expected');
          i += 6;
        } else if ('"\\/bfnrt'.includes(next) && next !== '') i += 2;
        else fail(`bad escape \\${next}`);
        continue;
      }
      i++;
    }
  };
  const value = (depth: number): void => {
    if (depth > maxDepth) throw new Stop(i, 'nested too deeply');
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      space();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail(`${describe(i)}: a property name in double quotes was expected`);
        string();
        space();
        if (text[i] !== ':') fail(`${describe(i)}: ':' was expected after the property name`);
        i++;
        value(depth + 1);
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`${describe(i)}: ',' or '}' was expected`);
      }
    }
    if (c === '[') {
      i++;
      space();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`${describe(i)}: ',' or ']' was expected`);
      }
    }
    if (c === '"') {
      string();
      return;
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      if (c === '-') i++;
      if (text[i] === '0') i++;
      else digits();
      if (text[i] === '.') {
        i++;
        digits();
      }
      if (text[i] === 'e' || text[i] === 'E') {
        i++;
        if (text[i] === '+' || text[i] === '-') i++;
        digits();
      }
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    fail(`${describe(i)}: a value was expected`);
  };
  try {
    value(0);
    space();
    if (i < text.length) fail(`${describe(i)} after the end of the JSON value`);
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return { offset: error.at, message: error.reason };
    throw error;
  }
}
