import { DeliveryError } from './delivery-error.js';

/**
 * POSTs a body and resolves when the receiver answers 2xx; otherwise throws a `DeliveryError`
 * that says what happened WITHOUT the URL (a Slack webhook URL is a secret): the status and a
 * short excerpt of the answer, or the network error's code.
 *
 * 5xx, 408, 429, timeouts and connection errors are retryable; other 4xx are not (the URL or
 * the payload is wrong, and sending it again will not fix it). Redirects are not followed: a
 * notification goes where the config says, nowhere else.
 * @example await postBody('slack', url, JSON.stringify(body), { 'content-type': 'application/json' }, 10_000)
 */
export async function postBody(
  label: string,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'user-agent': 'rectify-notifier', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new DeliveryError(`${label}: ${networkReason(error, timeoutMs)}`, { retryable: true });
  }
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel();
    return;
  }
  const excerpt = (await response.text().catch(() => '')).slice(0, 200).replace(/\s+/g, ' ').trim();
  const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
  const retryAfter = Number(response.headers.get('retry-after'));
  const hint =
    response.status >= 300 && response.status < 400
      ? ' (redirects are not followed: configure the final URL)'
      : response.status === 404 || response.status === 410
        ? ' (the URL is unknown to the receiver: check the channel URL in rectify.yaml)'
        : '';
  throw new DeliveryError(
    `${label}: answered ${response.status}${excerpt ? ` ${excerpt}` : ''}${hint}`,
    Number.isFinite(retryAfter) && retryAfter > 0
      ? { retryable, retryAfterMs: retryAfter * 1000 }
      : { retryable },
  );
}

/** The kind of a network failure, never its full text (undici's may carry the address). */
function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED): is the receiver up?';
  if (code === 'ENOTFOUND') return 'host not found (ENOTFOUND): check the channel URL';
  if (code) return `request failed (${code})`;
  return 'request failed';
}
