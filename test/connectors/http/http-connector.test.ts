import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpActions } from '../../../src/connectors/http/catalog.js';
import { httpConnector } from '../../../src/connectors/http/http-connector.js';
import type { ResolvedCredential } from '../../../src/core/catalog/connector.js';
import { ActionFailure } from '../../../src/core/errors.js';
import { json, startLoopbackServer, type LoopbackServer } from './loopback-server.js';

const http = httpConnector();
const send = defined(http.handlers['http.request.send'], 'the send handler');
const get = defined(http.handlers['http.request.get'], 'the get handler');

let server: LoopbackServer;
let other: LoopbackServer;

beforeAll(async () => {
  other = await startLoopbackServer((_request, response) => {
    json(response, 200, { other: true });
  });
  server = await startLoopbackServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    switch (path) {
      case '/echo': {
        json(response, 200, {
          method: request.method,
          authorization: request.headers.authorization ?? null,
          contentType: request.headers['content-type'] ?? null,
          body: request.body,
        });
        return;
      }
      case '/text':
        response.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': 'session=abc' });
        return response.end('hello');
      case '/to-echo':
        response.writeHead(302, { location: '/echo' });
        return response.end();
      case '/see-other':
        response.writeHead(303, { location: '/echo' });
        return response.end();
      case '/temporary':
        response.writeHead(307, { location: '/echo' });
        return response.end();
      case '/loop':
        response.writeHead(302, { location: '/loop' });
        return response.end();
      case '/to-other':
        response.writeHead(302, { location: `${other.base}/x?token=s3cret` });
        return response.end();
      case '/huge':
        response.writeHead(200, { 'content-type': 'text/plain' });
        return response.end('x'.repeat(5000));
      case '/huge-chunked':
        // No Content-Length: the cap must hold on the bytes read, not only the declared length.
        response.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
        for (let i = 0; i < 10; i++) response.write('y'.repeat(1000));
        return response.end();
      case '/hang':
        return; // never answers
      default: {
        const status = Number(path.slice(1));
        if (Number.isInteger(status) && status >= 200) {
          json(response, status, { status }, status === 429 ? { 'retry-after': '3' } : {});
          return;
        }
        json(response, 404, { error: 'no route' });
        return;
      }
    }
  });
});
afterAll(async () => {
  await server.close();
  await other.close();
});

function credential(settings: Record<string, string | number | boolean> = {}): ResolvedCredential {
  return {
    name: 'hooks',
    connector: 'http',
    settings: { allowHosts: `127.0.0.1:${server.port}`, ...settings },
    scopes: ['http.request.send', 'http.request.get'],
  };
}
const context = (
  settings?: Record<string, string | number | boolean>,
  signal = AbortSignal.timeout(5000),
) => ({
  signal,
  credential: credential(settings),
});

async function failure(promise: Promise<unknown>): Promise<ActionFailure> {
  try {
    await promise;
  } catch (thrown) {
    if (thrown instanceof ActionFailure) return thrown;
    throw thrown;
  }
  throw new Error('expected the call to fail');
}

const output = defined(
  httpActions.find((a) => a.id === 'http.request.send'),
  'http.request.send',
).output;

describe('http connector', () => {
  it('sends JSON with the credential bearer token and returns the parsed response in the catalog shape', async () => {
    const result = await send(
      { method: 'POST', url: `${server.base}/echo`, body: { finding: 'public bucket' } },
      context({ bearerToken: 'tok-123', allowPlainHttp: true }),
    );
    expect(output.safeParse(result).success).toBe(true);
    expect(result).toMatchObject({
      status: 200,
      body: {
        method: 'POST',
        authorization: 'Bearer tok-123',
        contentType: 'application/json',
        body: '{"finding":"public bucket"}',
      },
    });
  });

  it('sends basic auth from username and password', async () => {
    const result = (await get(
      { url: `${server.base}/echo` },
      context({ username: 'u', password: 'p', allowPlainHttp: 'true' }),
    )) as {
      body: { authorization: string; method: string };
    };
    expect(result.body).toEqual(
      expect.objectContaining({ method: 'GET', authorization: `Basic ${btoa('u:p')}` }),
    );
  });

  it('returns text bodies as text and never returns cookies', async () => {
    const result = (await get({ url: `${server.base}/text` }, context())) as {
      body: unknown;
      headers: Record<string, string>;
    };
    expect(result.body).toBe('hello');
    expect(result.headers['content-type']).toBe('text/plain');
    expect(result.headers).not.toHaveProperty('set-cookie');
  });

  it('refuses a host that is not on the allow-list, before any request, naming the setting', async () => {
    const before = other.received.length;
    const refused = await failure(get({ url: `${other.base}/secret/path?key=abc` }, context()));
    expect(refused.kind).toBe('non-retryable');
    expect(refused.message).toContain(`http://127.0.0.1:${other.port} is not on the credential's allow-list`);
    expect(refused.message).toContain('`allowHosts`');
    expect(refused.message).not.toContain('secret/path');
    expect(other.received.length).toBe(before);
  });

  it('refuses to send a token over plain http unless allowPlainHttp is set', async () => {
    const refused = await failure(get({ url: `${server.base}/echo` }, context({ bearerToken: 'tok-123' })));
    expect(refused.kind).toBe('non-retryable');
    expect(refused.message).toMatch(/unencrypted.*allowPlainHttp/);
    expect(refused.message).not.toContain('tok-123');
  });

  it('refuses an Authorization header from the workflow: auth comes from the credential', async () => {
    const refused = await failure(
      get({ url: `${server.base}/echo`, headers: { Authorization: 'Bearer x' } }, context()),
    );
    expect(refused.message).toMatch(/`headers.Authorization` cannot be set by a workflow/);
  });

  it('follows same-host redirects, turning a POST into a GET on 302/303 and keeping it on 307', async () => {
    const found = (await send(
      { method: 'POST', url: `${server.base}/to-echo`, body: { a: 1 } },
      context(),
    )) as { body: { method: string; body: string } };
    expect(found.body).toMatchObject({ method: 'GET', body: '' });
    const seeOther = (await send(
      { method: 'PUT', url: `${server.base}/see-other`, body: { a: 1 } },
      context(),
    )) as {
      body: { method: string };
    };
    expect(seeOther.body.method).toBe('GET');
    const temporary = (await send(
      { method: 'POST', url: `${server.base}/temporary`, body: { a: 1 } },
      context(),
    )) as {
      body: { method: string; body: string };
    };
    expect(temporary.body).toMatchObject({ method: 'POST', body: '{"a":1}' });
  });

  it('does not follow a redirect to another host, even an allow-listed one, and never names its path', async () => {
    const before = other.received.length;
    const refused = await failure(
      get(
        { url: `${server.base}/to-other` },
        context({ allowHosts: `127.0.0.1:${server.port},127.0.0.1:${other.port}` }),
      ),
    );
    expect(refused.kind).toBe('non-retryable');
    expect(refused.message).toContain(`redirected to http://127.0.0.1:${other.port}`);
    expect(refused.message).not.toContain('s3cret');
    expect(other.received.length).toBe(before);
  });

  it('gives up on a redirect loop', async () => {
    const refused = await failure(get({ url: `${server.base}/loop` }, context()));
    expect(refused.message).toMatch(/redirected more than 5 times/);
  });

  it.each([
    [401, 'credentials'],
    [403, 'credentials'],
    [429, 'retryable'],
    [500, 'retryable'],
    [503, 'retryable'],
    [400, 'non-retryable'],
    [404, 'non-retryable'],
    [422, 'non-retryable'],
  ])('classifies an unexpected %i as %s', async (status, kind) => {
    const failed = await failure(send({ method: 'POST', url: `${server.base}/${status}` }, context()));
    expect(failed.kind).toBe(kind);
    expect(failed.message).toContain(`answered ${status}`);
  });

  it('passes Retry-After on as the next retry delay', async () => {
    const failed = await failure(get({ url: `${server.base}/429` }, context()));
    expect(failed.details.nextRetryDelayMs).toBe(3000);
  });

  it('accepts the statuses of expectStatus, and fails a 2xx outside them', async () => {
    const accepted = (await get({ url: `${server.base}/404`, expectStatus: [404] }, context())) as {
      status: number;
    };
    expect(accepted.status).toBe(404);
    const refused = await failure(get({ url: `${server.base}/echo`, expectStatus: [201] }, context()));
    expect(refused.kind).toBe('non-retryable');
    expect(refused.message).toMatch(/answered 200, expected 201/);
  });

  it('caps the response size, declared or streamed', async () => {
    const declared = await failure(get({ url: `${server.base}/huge` }, context({ maxResponseBytes: 1000 })));
    expect(declared.kind).toBe('non-retryable');
    expect(declared.message).toMatch(/larger than 1000 bytes \(maxResponseBytes/);
    const streamed = await failure(
      get({ url: `${server.base}/huge-chunked` }, context({ maxResponseBytes: 2500 })),
    );
    expect(streamed.message).toMatch(/larger than 2500 bytes/);
    const fits = (await get({ url: `${server.base}/huge` }, context({ maxResponseBytes: 5000 }))) as {
      body: string;
    };
    expect(fits.body).toHaveLength(5000);
  });

  it('caps the request size before sending', async () => {
    const before = server.received.length;
    const refused = await failure(
      send(
        { method: 'POST', url: `${server.base}/echo`, body: { big: 'z'.repeat(2000) } },
        context({ maxRequestBytes: 1000 }),
      ),
    );
    expect(refused.message).toMatch(/request body is larger than 1000 bytes/);
    expect(server.received.length).toBe(before);
  });

  it('times out on the credential timeout (retryable) and stops when the caller aborts', async () => {
    const started = Date.now();
    const timedOut = await failure(get({ url: `${server.base}/hang` }, context({ timeout: '200ms' })));
    expect(timedOut.kind).toBe('retryable');
    expect(timedOut.message).toMatch(/timed out/);
    expect(Date.now() - started).toBeLessThan(3000);

    const controller = new AbortController();
    const pending = get({ url: `${server.base}/hang` }, context({}, controller.signal));
    setTimeout(() => {
      controller.abort();
    }, 100);
    const aborted = await failure(pending);
    expect(aborted.kind).toBe('retryable');
    expect(aborted.message).toMatch(/abandoned/);
  });

  it('reports a refused connection as retryable', async () => {
    const closed = await startLoopbackServer(() => undefined);
    const port = closed.port;
    await closed.close();
    const refused = await failure(
      get({ url: `http://127.0.0.1:${port}/x` }, context({ allowHosts: `127.0.0.1:${port}` })),
    );
    expect(refused.kind).toBe('retryable');
    expect(refused.message).toMatch(/failed before a response \(ECONNREFUSED\)/);
  });

  it('fails non-retryable on invalid parameters and a missing credential', async () => {
    const invalid = await failure(send({ method: 'TRACE', url: `${server.base}/echo` }, context()));
    expect(invalid.kind).toBe('non-retryable');
    expect(invalid.message).toMatch(/`method`/);
    const missing = await failure(get({ url: `${server.base}/echo` }, { signal: AbortSignal.timeout(1000) }));
    expect(missing.message).toMatch(/needs a credential/);
    const userInUrl = await failure(get({ url: `http://u:pw@127.0.0.1:${server.port}/echo` }, context()));
    expect(userInUrl.message).toMatch(/must not carry a user or password/);
    expect(userInUrl.message).not.toContain('pw');
  });
});

/** The value, or a failed test naming what was missing. */
function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing`);
  return value;
}
