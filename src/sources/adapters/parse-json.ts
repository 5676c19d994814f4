import { PayloadError } from './payload-error.js';

/**
 * Parses a JSON body. A syntax error names where (line and column), never what: the text may
 * be anything, secrets included, and V8's messages quote it.
 * @example parseJsonBody(Buffer.from('{"a":')) // throws PayloadError('', 'not valid JSON: ... line 1, column 6')
 */
export function parseJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '')
    throw new PayloadError('', 'the body is empty: send a JSON document', 'malformed-json');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    throw new PayloadError(
      '',
      `the body is not valid JSON${position ? ` (${where(text, Number(position))})` : ''}`,
      'malformed-json',
    );
  }
}

function where(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** `application/json`, or any `application/<x>+json`. */
export function isJsonMediaType(mediaType: string): boolean {
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}
