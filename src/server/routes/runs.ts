import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { runOutcomes } from '../../core/types.js';
import { loadTimelines, runSummaryJson, timelineJson } from '../../cli/timeline.js';
import { RunStatus, type RunFilter } from '../../store/store.js';
import { workflowTarget } from '../auth/workflow-target.js';
import { HttpError } from '../http-error.js';
import type { ServerContext } from '../server-context.js';
import { approvalRequest, authorizedRun, mayApprove } from './run-access.js';

const runParams = z.strictObject({ id: z.string().min(1).max(100).describe('A run id, run_...') });
const listQuery = z.strictObject({
  workflow: z.string().min(1).max(100).optional(),
  outcome: z.enum(runOutcomes).optional().describe('awaiting_approval: the runs waiting for a person'),
  status: z.enum(Object.values(RunStatus) as [RunStatus, ...RunStatus[]]).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});
const startBody = z.strictObject({
  workflow: z.string().min(1).max(100).describe('The active workflow to run; no other is considered.'),
  event: z
    .record(z.string(), z.unknown())
    .describe('An event envelope (docs/engine.md), as a source would send it.'),
});
const decisionBody = z.strictObject({ comment: z.string().max(500).optional() }).optional();

/**
 * /v1/runs: list and show runs (with their timeline and, when waiting, the approval preview),
 * start one by hand, approve or reject one waiting for a person, cancel one, undo a finished one.
 * Every route is authorised on the run's workflow (auth/workflow-target.ts).
 * @example registerRunRoutes(app, ctx)
 */
export function registerRunRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.route({
    method: 'GET',
    url: '/v1/runs',
    schema: { summary: 'List runs, newest first', tags: ['runs'], querystring: listQuery },
    handler: async (request) => {
      const query = request.query as z.output<typeof listQuery>;
      // With a workflow, a role scoped to it is enough; without, the permission must hold everywhere.
      await ctx.authorize(
        request,
        'runs:read',
        query.workflow === undefined ? undefined : workflowTarget(ctx.engine, query.workflow),
      );
      const filter: RunFilter = {
        limit: query.limit,
        ...(query.workflow !== undefined ? { workflow: query.workflow } : {}),
        ...(query.outcome === 'awaiting_approval'
          ? { status: 'awaiting_approval' as const }
          : query.outcome !== undefined
            ? { outcome: query.outcome }
            : {}),
        ...(query.status !== undefined ? { status: query.status } : {}),
      };
      const rows = await ctx.store.transaction((tx) => tx.listRuns(filter));
      return { runs: rows.map(runSummaryJson) };
    },
  });

  app.route({
    method: 'GET',
    url: '/v1/runs/:id',
    schema: {
      summary: "A run's timeline: attempts, audit records, and the approval preview while it waits",
      tags: ['runs'],
      params: runParams,
    },
    handler: async (request) => {
      const { run } = await authorizedRun(ctx, request, (request.params as { id: string }).id, 'runs:read');
      const [timeline] = await loadTimelines(ctx.store, [run]);
      if (!timeline) throw new HttpError(404, 'Not Found', `no run ${run.id}`);
      const approval = approvalRequest(timeline.audit);
      return {
        run: {
          ...timelineJson(timeline, ctx.catalog),
          startedBy: run.state.startedBy ?? null,
          ...(run.status === 'awaiting_approval' && approval
            ? {
                approval: {
                  preview: approval.data.preview ?? [],
                  approvers: approval.data.approvers ?? [],
                  deadline: approval.data.deadline ?? null,
                },
              }
            : {}),
        },
      };
    },
  });

  app.route({
    method: 'POST',
    url: '/v1/runs',
    schema: {
      summary: 'Start a run of one workflow on an event, by hand (every guard still applies)',
      tags: ['runs'],
      body: startBody,
    },
    handler: async (request, reply) => {
      const body = request.body as z.output<typeof startBody>;
      const target = workflowTarget(ctx.engine, body.workflow);
      const principal = await ctx.authorize(request, 'runs:start', target);
      if (!target)
        throw new HttpError(404, 'Not Found', `no active workflow ${body.workflow}`, {
          field: 'body.workflow',
          hint: 'GET /v1/workflows lists them',
        });
      const result = await ctx.engine.startRun(body.workflow, body.event, principal.subject);
      if (result.status === 'rejected')
        throw new HttpError(400, 'Bad Request', `body.event: ${result.reason}`, {
          field: result.field ? `body.event.${result.field}` : 'body.event',
        });
      if (result.status === 'duplicate')
        throw new HttpError(
          409,
          'Conflict',
          `this event (source and id) was received already, as event #${result.seq}`,
          {
            hint: 'give the event a new id',
          },
        );
      return reply.status(202).send({ event: result.seq, runs: result.runs, startedBy: principal.subject });
    },
  });

  for (const decision of ['approve', 'reject'] as const) {
    app.route({
      method: 'POST',
      url: `/v1/runs/:id/${decision}`,
      schema: {
        summary: `${decision === 'approve' ? 'Approve' : 'Reject'} a run waiting for approval (never one's own)`,
        tags: ['runs'],
        params: runParams,
        body: decisionBody,
      },
      handler: async (request) => {
        const { run, principal } = await authorizedRun(
          ctx,
          request,
          (request.params as { id: string }).id,
          'runs:approve',
        );
        if (run.status !== 'awaiting_approval')
          throw new HttpError(
            409,
            'Conflict',
            `run ${run.id} is not waiting for approval (${run.outcome ?? run.status})`,
          );
        // Separation of duties: the engine refuses it too; checked here first for a clear answer.
        if (run.state.startedBy === principal.subject)
          throw new HttpError(
            403,
            'Forbidden',
            `${principal.subject} started run ${run.id} by hand and so may not ${decision} it: another person must`,
            { reason: 'separation-of-duties' },
          );
        const [timeline] = await loadTimelines(ctx.store, [run]);
        const approval = approvalRequest(timeline?.audit ?? []);
        const approvers = Array.isArray(approval?.data.approvers) ? approval.data.approvers.map(String) : [];
        const token = principal.tokenId
          ? await ctx.store.transaction((tx) => tx.tokens.getToken(principal.tokenId ?? ''))
          : undefined;
        if (!mayApprove(ctx.config, principal.subject, approvers, token?.bootstrap ? ['admin'] : []))
          throw new HttpError(
            403,
            'Forbidden',
            `${principal.subject} is not among the approvers of run ${run.id}: ${approvers.join(', ')}`,
            { reason: 'not-an-approver', hint: 'bind the subject to one of those roles in access.bindings' },
          );
        const decided = await ctx.engine.decide(run.id, decision, principal.subject);
        if (!decided) throw new HttpError(409, 'Conflict', `run ${run.id} stopped waiting for approval`);
        return { id: run.id, decision, by: principal.subject, preview: approval?.data.preview ?? [] };
      },
    });
  }

  // A person's request on one run: answered with the run as it stands once the engine took it.
  const requests = {
    cancel: {
      summary: 'Cancel a run; done steps are undone when the workflow compensates',
      permission: 'runs:cancel',
      perform: (runId: string, by: string) => ctx.engine.cancel(runId, by),
    },
    rollback: {
      summary: "Undo a finished run's changes from their snapshots (needs runs:start: it performs writes)",
      permission: 'runs:start',
      perform: (runId: string, by: string) => ctx.engine.rollbackRun(runId, by),
    },
  } as const;
  for (const [verb, { summary, permission, perform }] of Object.entries(requests)) {
    app.route({
      method: 'POST',
      url: `/v1/runs/:id/${verb}`,
      schema: { summary, tags: ['runs'], params: runParams },
      handler: async (request) => {
        const { run, principal } = await authorizedRun(
          ctx,
          request,
          (request.params as { id: string }).id,
          permission,
        );
        await perform(run.id, principal.subject);
        const after = await ctx.store.transaction((tx) => tx.getRun(run.id));
        return { run: after ? runSummaryJson(after) : null };
      },
    });
  }
}
