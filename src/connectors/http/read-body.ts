import { ActionFailure } from '../../core/errors.js';

/**
 * Reads a response body, at most `maxBytes`: a larger body fails `non-retryable` (it would be
 * as large next time) after cancelling the stream, so a hostile or broken server cannot fill
 * memory. The declared Content-Length is checked first, the bytes read always.
 */
export async function readCappedBody(
  response: Response,
  maxBytes: number,
  origin: string,
): Promise<Uint8Array> {
  const tooLarge = () =>
    new ActionFailure(
      `the response from ${origin} is larger than ${maxBytes} bytes (maxResponseBytes of the credential)`,
      'non-retryable',
    );
  const declared = Number(response.headers.get('content-length') ?? '');
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** Parsed JSON when the response says it is JSON (and parses), otherwise the text. */
export function decodeBody(bytes: Uint8Array, contentType: string | null): unknown {
  const text = new TextDecoder().decode(bytes);
  if (contentType && /^application\/([a-z0-9.+-]*\+)?json\b/i.test(contentType.trim())) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
