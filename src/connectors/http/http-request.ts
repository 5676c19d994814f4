import { ActionFailure } from '../../core/errors.js';
import { describeOrigin, isAllowed } from './allow-list.js';
import { networkFailure, retryAfterMs, statusFailureKind } from './classify.js';
import type { HttpSettings } from './http-settings.js';
import { decodeBody, readCappedBody } from './read-body.js';

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Sent as JSON when defined. */
  readonly body?: unknown;
  /** Statuses that count as success; default any 2xx. */
  readonly expectStatus?: readonly number[] | undefined;
}

/** The catalog's output of `http.request.*`. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** Same-host redirects followed before giving up; a redirect loop fails instead of spinning. */
export const maxRedirects = 5;

// Headers a workflow may not set: auth comes only from the credential (a secret is never written
// in a workflow), and framing headers are fetch's to compute.
const forbiddenHeaders = new Set([
  'authorization',
  'proxy-authorization',
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
]);

/**
 * Sends one request under a credential's settings: the URL's host must be allow-listed; redirects
 * are followed only to the same origin (scheme, host and port), at most `maxRedirects`, with the
 * method rules of the fetch standard (303, and 301/302 after a POST, become a GET without body);
 * a redirect anywhere else fails `non-retryable`. Request and response bodies are capped; the
 * credential's timeout and the caller's `signal` both abort the call. A status outside
 * `expectStatus` fails, classified by `statusFailureKind`. Error messages name the origin only.
 * @example
 * await sendRequest('http.request.get', { method: 'GET', url: 'https://api.internal/health' }, settings, signal)
 * // { status: 200, headers: { 'content-type': 'application/json' }, body: { ok: true } }
 */
export async function sendRequest(
  action: string,
  request: HttpRequest,
  settings: HttpSettings,
  signal: AbortSignal,
): Promise<HttpResponse> {
  let url = parseUrl(action, request.url);
  const origin = describeOrigin(url);
  if (!isAllowed(url, settings.allowHosts))
    throw new ActionFailure(
      `${action}: ${origin} is not on the credential's allow-list: add "${url.hostname}${url.port ? `:${url.port}` : ''}" to its \`allowHosts\` setting if it should be reachable`,
      'non-retryable',
    );
  if (url.protocol === 'http:' && settings.authorization && !settings.allowPlainHttp)
    throw new ActionFailure(
      `${action}: the credential's token or password would be sent unencrypted to ${origin}: use https, or set \`allowPlainHttp: true\` on the credential`,
      'non-retryable',
    );

  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (forbiddenHeaders.has(name.toLowerCase()))
      throw new ActionFailure(
        `${action}: \`headers.${name}\` cannot be set by a workflow${name.toLowerCase() === 'authorization' ? ': put a bearerToken or username/password on the credential' : ''}`,
        'non-retryable',
      );
    headers.set(name, value);
  }
  if (settings.authorization) headers.set('authorization', settings.authorization);

  let method: string = request.method;
  let body: string | undefined;
  if (request.body !== undefined) {
    if (method === 'GET')
      throw new ActionFailure(`${action}: a GET request cannot have a \`body\``, 'non-retryable');
    body = JSON.stringify(request.body);
    if (Buffer.byteLength(body) > settings.maxRequestBytes)
      throw new ActionFailure(
        `${action}: the request body is larger than ${settings.maxRequestBytes} bytes (maxRequestBytes of the credential)`,
        'non-retryable',
      );
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }

  const timeout = AbortSignal.timeout(settings.timeoutMs);
  const combined = AbortSignal.any([signal, timeout]);
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await fetch(url, { method, headers, body, redirect: 'manual', signal: combined });
      const location = response.headers.get('location');
      if (![301, 302, 303, 307, 308].includes(response.status) || location === null)
        return await finish(action, request, response, settings, url);
      await response.body?.cancel().catch(() => undefined);
      const target = new URL(location, url);
      if (target.origin !== url.origin)
        throw new ActionFailure(
          `${action}: ${origin} redirected to ${describeOrigin(target)}; redirects to another host are not followed (use the final URL in the workflow)`,
          'non-retryable',
        );
      if (redirects + 1 > maxRedirects)
        throw new ActionFailure(
          `${action}: ${origin} redirected more than ${maxRedirects} times`,
          'non-retryable',
        );
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
        headers.delete('content-type');
      }
      url = target;
    }
  } catch (thrown) {
    if (thrown instanceof ActionFailure) throw thrown;
    throw networkFailure(
      thrown,
      origin,
      signal.aborted ? 'aborted' : timeout.aborted ? 'timeout' : undefined,
    );
  }
}

async function finish(
  action: string,
  request: HttpRequest,
  response: Response,
  settings: HttpSettings,
  url: URL,
): Promise<HttpResponse> {
  const origin = describeOrigin(url);
  const expected = request.expectStatus ?? [];
  const ok =
    expected.length > 0
      ? expected.includes(response.status)
      : response.status >= 200 && response.status < 300;
  if (!ok) {
    await response.body?.cancel().catch(() => undefined);
    const delay = retryAfterMs(response.headers.get('retry-after'), Date.now());
    throw new ActionFailure(
      `${action}: ${origin} answered ${response.status}, expected ${expected.length > 0 ? expected.join(', ') : 'a 2xx status'}`,
      statusFailureKind(response.status),
      delay === undefined ? {} : { nextRetryDelayMs: delay },
    );
  }
  const bytes = await readCappedBody(response, settings.maxResponseBytes, origin);
  const headers: Record<string, string> = {};
  // Cookies are session secrets: never handed to a workflow, whose outputs are audited.
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  return { status: response.status, headers, body: decodeBody(bytes, response.headers.get('content-type')) };
}

function parseUrl(action: string, text: string): URL {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') {
      if (url.username || url.password)
        throw new ActionFailure(
          `${action}: \`url\` must not carry a user or password: put them on the credential (username/password)`,
          'non-retryable',
        );
      return url;
    }
  } catch (thrown) {
    if (thrown instanceof ActionFailure) throw thrown;
  }
  throw new ActionFailure(`${action}: \`url\` must be an absolute http:// or https:// URL`, 'non-retryable');
}
