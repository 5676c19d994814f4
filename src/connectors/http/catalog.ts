import { z } from 'zod';
import { defineAction, type ActionDefinition } from '../../core/catalog/action.js';

/**
 * The `http` connector's catalog entries: one HTTP(S) request, for systems no other connector
 * covers, and a GET that checks can use.
 *
 * Ids have three segments like every action id (`<connector>.<resource>.<verb>`).
 */
const url = z
  .url({ protocol: /^https?$/ })
  .describe('Absolute http:// or https:// URL; path and query values must already be encoded.');
const headers = z.record(z.string(), z.string()).describe('Request headers.');
const expectStatus = z
  .array(z.int().min(100).max(599))
  .min(1)
  .describe('Status codes that count as success; any other fails the step. Default: any 2xx.');

const response = z.object({
  status: z.int(),
  headers: z.record(z.string(), z.string()),
  body: z.unknown().describe('Parsed JSON when the response is JSON, otherwise the text.'),
});

export const httpActions: readonly ActionDefinition[] = [
  defineAction({
    id: 'http.request.send',
    title: 'Send an HTTP request',
    description:
      'Sends one HTTP request; a body is sent as JSON. Treated as a write that is not idempotent: Rectify cannot know what the call changes.',
    effect: 'write',
    idempotent: false,
    slow: true,
    input: z.strictObject({
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).describe('HTTP method.'),
      url,
      headers: headers.optional(),
      body: z.unknown().optional().describe('Request body, sent as JSON.'),
      expectStatus: expectStatus.optional(),
    }),
    output: response,
    sensitive: { url: 'url' },
    resource: ['url'],
    inverse: {
      none: 'what an HTTP call changed is unknown to Rectify: declare a rollback step for it in the workflow',
    },
  }),
  defineAction({
    id: 'http.request.get',
    title: 'Read a URL',
    description:
      'Sends one HTTP GET and returns the response, for checks; it must not change anything on the server.',
    effect: 'read',
    idempotent: true,
    slow: true,
    input: z.strictObject({ url, headers: headers.optional(), expectStatus: expectStatus.optional() }),
    output: response,
    sensitive: { url: 'url' },
    resource: ['url'],
    inverse: undefined,
  }),
];
