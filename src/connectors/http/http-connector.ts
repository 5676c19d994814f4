import type { ActionHandler, Connector } from '../../core/catalog/connector.js';
import { ActionFailure } from '../../core/errors.js';
import { httpActions } from './catalog.js';
import { httpSettings } from './http-settings.js';
import { sendRequest, type HttpRequest } from './http-request.js';

/**
 * The `http` connector: `http.request.send` and `http.request.get` with Node's fetch, under the
 * credential's allow-list, auth, timeout and size caps (see http-settings.ts and docs/actions.md).
 * It keeps no connections of its own, so there is nothing to close.
 * @example
 * const http = httpConnector();
 * await http.handlers['http.request.get']!({ url: 'https://status.example.com/api' }, {
 *   signal: AbortSignal.timeout(10_000),
 *   credential: { name: 'status', connector: 'http', settings: { allowHosts: 'status.example.com' }, scopes: ['http.request.get'] },
 * }); // { status: 200, headers: {...}, body: {...} }
 */
export function httpConnector(): Connector {
  const handler =
    (action: string, method?: 'GET'): ActionHandler =>
    async (params, { signal, credential }) => {
      const settings = httpSettings(action, credential);
      const input = parseInput(action, params);
      return sendRequest(action, method ? { ...input, method } : input, settings, signal);
    };
  return {
    name: 'http',
    handlers: {
      'http.request.send': handler('http.request.send'),
      'http.request.get': handler('http.request.get', 'GET'),
    },
  };
}

// The engine validates parameters before calling; this guards other callers (scans, tests) and
// gives the handler typed input.
function parseInput(action: string, params: Record<string, unknown>): HttpRequest {
  const definition = httpActions.find((a) => a.id === action);
  const parsed = definition?.input.safeParse(params);
  if (!parsed?.success) {
    const issue = parsed?.error.issues[0];
    throw new ActionFailure(
      `${action}: \`${issue?.path.join('.') || 'params'}\` ${issue?.message ?? 'is invalid'}`,
      'non-retryable',
    );
  }
  return parsed.data as HttpRequest;
}
