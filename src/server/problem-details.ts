import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EngineRefusal } from '../engine/engine-refusal.js';
import { HttpError } from './http-error.js';
import { RequestValidationError } from './zod-validation.js';

/** An RFC 9457 problem details document, as every error of the API is answered. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly [extension: string]: unknown;
}

export const problemContentType = 'application/problem+json';

/** How the engine's refusals of a person's request map onto HTTP; the rest are 409 Conflict. */
const refusalStatus: Readonly<Record<string, number>> = {
  'separation-of-duties': 403,
  'not-found': 404,
  'no-such-workflow': 404,
};
const statusTitles: Readonly<Record<number, string>> = {
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
};

/** Fastify's own request errors: what they mean to a client, and how to fix the request. */
const fastifyErrors: Readonly<
  Record<string, { status: number; title: string; detail: string; hint: string }>
> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    title: 'Content Too Large',
    detail: 'the request body is larger than this server accepts',
    hint: 'send a smaller body (server option bodyLimit)',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    title: 'Unsupported Media Type',
    detail: 'the request body has a content type this route does not accept',
    hint: 'send JSON with `Content-Type: application/json`',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    title: 'Bad Request',
    detail: 'the request body is not valid JSON',
    hint: 'send a JSON document',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    title: 'Bad Request',
    detail: 'the request says it carries JSON but its body is empty',
    hint: 'send a JSON document, or no Content-Type',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    title: 'Bad Request',
    detail: 'the Content-Length header does not match the body',
    hint: 'send the body with its length',
  },
};

/**
 * Turns anything a route threw into a problem document. Only HttpError, validation errors and
 * Fastify's request errors say what went wrong; anything else is a 500 that says nothing of the
 * internals (no message, no stack): the log has it, under the request id given.
 * @example problemFor(new HttpError(404, 'Not Found', 'no run run_1'), '/v1/runs/run_1', 'req-1')
 */
export function problemFor(error: unknown, instance: string, requestId: string): Problem {
  const base = { type: 'about:blank', instance };
  if (error instanceof HttpError)
    return { ...base, ...error.extensions, title: error.title, status: error.status, detail: error.detail };
  if (error instanceof EngineRefusal) {
    const status = refusalStatus[error.code] ?? 409;
    return {
      ...base,
      title: statusTitles[status] ?? 'Conflict',
      status,
      detail: error.message,
      reason: error.code,
    };
  }
  if (error instanceof RequestValidationError) {
    const [first] = error.issues;
    return {
      ...base,
      title: 'Bad Request',
      status: 400,
      detail: error.message,
      field: first?.field,
      errors: error.issues,
    };
  }
  const fastify = error as Partial<FastifyError>;
  const known = fastify.code ? fastifyErrors[fastify.code] : undefined;
  if (known) return { ...base, ...known };
  // Another 4xx of Fastify (a bad header, a method not allowed): its message is about the request.
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500)
    return {
      ...base,
      title: 'Bad Request',
      status: fastify.statusCode,
      detail:
        typeof fastify.code === 'string'
          ? `${fastify.code}: the request was refused`
          : 'the request was refused',
    };
  return {
    ...base,
    title: 'Internal Server Error',
    status: 500,
    detail: `the server failed to answer; its log has the cause under request id ${requestId}`,
    requestId,
  };
}

/** Sends a problem document; a 401 also says how to authenticate (RFC 6750). */
export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  if (problem.status === 401) void reply.header('WWW-Authenticate', 'Bearer realm="rectify"');
  return reply.status(problem.status).type(problemContentType).send(problem);
}

/**
 * Every error and every unknown route of the app answers a problem document. Errors of 500 are
 * logged with their stack (the log is the operator's); clients get the request id only.
 * @example registerProblemHandlers(app)
 */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const problem = problemFor(error, pathOf(request), request.id);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status: problem.status, detail: problem.detail }, 'request refused');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: `no route ${request.method} ${pathOf(request)}`,
      instance: pathOf(request),
      hint: 'GET /v1/openapi.json lists the routes',
    }),
  );
}

/** The request's path without its query (a query may carry things that are nobody's business). */
export function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? request.url;
}
