import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Permission } from '../../core/types.js';
import { ActivationKind } from '../../store/versions-store.js';
import type { WorkflowTarget } from '../auth/workflow-target.js';
import { HttpError } from '../http-error.js';
import type { Principal, ServerContext } from '../server-context.js';
import { activateVersion } from '../versions/activate.js';
import { diffVersions } from '../versions/diff-versions.js';
import { proposeVersion } from '../versions/propose.js';
import { retireWorkflow } from '../versions/retire.js';
import { loadProposal } from '../versions/review-proposal.js';
import { currentTarget, declaredTarget, distinctTargets, targetOf } from '../versions/targets.js';
import {
  listWorkflowSummaries,
  notFound,
  versionDetail,
  versionJson,
  versionNotFound,
  workflowDetail,
} from '../versions/views.js';

const nameParam = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, {
    error: 'must be a workflow name: kebab-case, 3..63 characters',
  })
  .describe('metadata.name of the workflow');
const versionNumber = z
  .string()
  .regex(/^[1-9][0-9]{0,8}$/, { error: 'must be a version number: 1, 2, 3 ...' })
  .describe('the version number (1 is the first)');
const nameParams = z.strictObject({ name: nameParam });
const versionParams = z.strictObject({ name: nameParam, version: versionNumber });
const diffQuery = z.strictObject({
  from: versionNumber.describe('the old side'),
  to: versionNumber.describe('the new side'),
});
const proposeBody = z.strictObject({
  content: z
    .string()
    .min(1)
    .max(1024 * 512)
    .describe('the workflow file: YAML text, `kind: Workflow`'),
  tests: z
    .string()
    .max(1024 * 512)
    .optional()
    .describe('its WorkflowTest file (`<name>.test.yaml`), reviewed with it'),
  file: z
    .string()
    .max(300)
    .optional()
    .describe('the file name diagnostics and findings show, e.g. workflows/x.yaml'),
});

/**
 * /v1/workflows: change control. Every change is a new immutable version, reviewed when it is
 * proposed; a reviewer other than its author activates it; earlier versions can be rolled back
 * to; a workflow is retired, never deleted. No route changes a stored version.
 *
 * Permissions are checked on the workflow's owner and labels: those of its current version and,
 * where a change brings other ones (a proposal, the version to activate), those too, so nobody
 * moves a workflow into or out of a scope they do not hold.
 * @example registerWorkflowRoutes(app, ctx)
 */
export function registerWorkflowRoutes(app: FastifyInstance, ctx: ServerContext): void {
  /** Checks `permission` on every target (globally when none is known), once each; the principal. */
  const authorizeOn = async (
    request: FastifyRequest,
    permission: Permission,
    targets: readonly (WorkflowTarget | undefined)[],
  ): Promise<Principal> => {
    const distinct = distinctTargets(targets);
    if (distinct.length === 0) return ctx.authorize(request, permission);
    let principal: Principal | undefined;
    for (const target of distinct) principal = await ctx.authorize(request, permission, target);
    return principal ?? ctx.authorize(request, permission);
  };
  const current = (name: string) => ctx.store.transaction((tx) => currentTarget(tx, name));

  app.route({
    method: 'GET',
    url: '/v1/workflows',
    schema: {
      summary: 'List workflows: active version, status, owner, labels, overdue review',
      tags: ['workflows'],
    },
    handler: async (request) => {
      await ctx.authorize(request, 'workflows:read');
      const now = ctx.clock.now();
      return { workflows: await ctx.store.transaction((tx) => listWorkflowSummaries(tx, now)) };
    },
  });

  app.route({
    method: 'POST',
    url: '/v1/workflows',
    schema: {
      summary: 'Propose a new version of a workflow (reviewed at once; never activated by this call)',
      tags: ['workflows'],
      body: proposeBody,
    },
    handler: async (request, reply) => {
      const body = request.body as z.output<typeof proposeBody>;
      const declared = declaredTarget(body.content);
      const existing = declared && (await current(declared.name));
      const principal = await authorizeOn(request, 'workflows:propose', [declared, existing]);
      const loaded = loadProposal(body, ctx.catalog);
      if (!loaded.ok) {
        const diagnostics = loaded.diagnostics.map((d) => ({
          location: `${d.file}:${d.line}:${d.column}`,
          code: d.code,
          message: d.message,
          path: d.path,
          ...(d.hint ? { hint: d.hint } : {}),
        }));
        const first = diagnostics[0];
        throw new HttpError(
          400,
          'Bad Request',
          `the proposed workflow does not load: ${first ? `${first.location}: ${first.message}` : 'unknown problem'}${diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : ''}`,
          {
            field: 'body.content',
            diagnostics,
            hint: 'fix the file (`rectify validate` shows the same) and propose it again',
          },
        );
      }
      // Unreachable in practice (a text that loads names its workflow and owner), but never
      // store a proposal whose scope was not checked.
      if (!declared) {
        const { metadata } = loaded.compiled.workflow;
        await ctx.authorize(request, 'workflows:propose', {
          name: metadata.name,
          owner: metadata.owner,
          labels: metadata.labels,
        });
      }
      const result = await proposeVersion(ctx, loaded, body, principal.subject);
      return reply.status(result.kind === 'proposed' ? 201 : 200).send({
        workflow: result.workflow.name,
        created: result.kind === 'proposed',
        status: result.workflow.status,
        version: versionJson(result.version, result.workflow),
      });
    },
  });

  app.route({
    method: 'GET',
    url: '/v1/workflows/:name',
    schema: {
      summary: 'One workflow with its versions and activation history',
      tags: ['workflows'],
      params: nameParams,
    },
    handler: async (request) => {
      const { name } = request.params as z.output<typeof nameParams>;
      const target = await current(name);
      await authorizeOn(request, 'workflows:read', [target]);
      if (!target) throw notFound(name);
      const now = ctx.clock.now();
      return ctx.store.transaction((tx) => workflowDetail(tx, name, now));
    },
  });

  app.route({
    method: 'GET',
    url: '/v1/workflows/:name/versions/:version',
    schema: {
      summary: 'One version, with its YAML text and review',
      tags: ['workflows'],
      params: versionParams,
    },
    handler: async (request) => {
      const { name, version } = request.params as z.output<typeof versionParams>;
      const target = await current(name);
      await authorizeOn(request, 'workflows:read', [target]);
      if (!target) throw notFound(name);
      return ctx.store.transaction((tx) => versionDetail(tx, name, Number(version)));
    },
  });

  app.route({
    method: 'GET',
    url: '/v1/workflows/:name/diff',
    schema: {
      summary: 'Unified diff of the YAML of two versions',
      tags: ['workflows'],
      params: nameParams,
      querystring: diffQuery,
    },
    handler: async (request) => {
      const { name } = request.params as z.output<typeof nameParams>;
      const query = request.query as z.output<typeof diffQuery>;
      const target = await current(name);
      await authorizeOn(request, 'workflows:read', [target]);
      if (!target) throw notFound(name);
      return ctx.store.transaction((tx) => diffVersions(tx, name, Number(query.from), Number(query.to)));
    },
  });

  for (const kind of [ActivationKind.activate, ActivationKind.rollback] as const) {
    const permission: Permission =
      kind === ActivationKind.activate ? 'workflows:activate' : 'workflows:rollback';
    app.route({
      method: 'POST',
      url: `/v1/workflows/:name/versions/:version/${kind}`,
      schema: {
        summary:
          kind === ActivationKind.activate
            ? "Make a reviewed version active (never one's own; no blocking finding)"
            : 'Make an earlier reviewed version active again',
        tags: ['workflows'],
        params: versionParams,
      },
      handler: async (request) => {
        const { name, version } = request.params as z.output<typeof versionParams>;
        const number = Number(version);
        const found = await ctx.store.transaction(async (tx) => ({
          current: await currentTarget(tx, name),
          version: await tx.versions.getVersion(name, number),
        }));
        const principal = await authorizeOn(request, permission, [
          found.current,
          found.version && targetOf(found.version),
        ]);
        if (!found.current) throw notFound(name);
        if (!found.version) throw versionNotFound(name, number);
        const result = await activateVersion(ctx, name, number, principal.subject, kind);
        return {
          workflow: name,
          status: result.workflow.status,
          activeVersion: number,
          previous: result.previous,
          version: versionJson(result.version, result.workflow),
        };
      },
    });
  }

  app.route({
    method: 'POST',
    url: '/v1/workflows/:name/retire',
    schema: {
      summary: 'Retire a workflow: the engine stops it; its versions and history stay',
      tags: ['workflows'],
      params: nameParams,
    },
    handler: async (request) => {
      const { name } = request.params as z.output<typeof nameParams>;
      const target = await current(name);
      const principal = await authorizeOn(request, 'workflows:delete', [target]);
      if (!target) throw notFound(name);
      const result = await retireWorkflow(ctx, name, principal.subject);
      return { workflow: name, status: result.workflow.status, previous: result.previous };
    },
  });
}
