import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { workflowTarget } from '../auth/workflow-target.js';
import { HttpError } from '../http-error.js';
import type { ServerContext } from '../server-context.js';

const workflowParams = z.strictObject({ name: z.string().min(1).max(100).describe('A workflow name') });
const pauseBody = z.strictObject({ reason: z.string().max(500).optional() }).optional();
const killSwitchBody = z.strictObject({
  on: z.boolean().describe('true: no write action runs anywhere; false: writes may run again'),
  reason: z.string().max(500).optional(),
});

/** The store setting the engine keeps its kill switch in (src/engine/engine.ts). */
const killSwitchSetting = 'kill-switch';

/**
 * Controls: pause and resume a workflow, the global kill switch (all `control:pause`), and their
 * state (`workflows:read`). Each change is audited by the engine with who asked.
 * @example registerControlRoutes(app, ctx)
 */
export function registerControlRoutes(app: FastifyInstance, ctx: ServerContext): void {
  for (const paused of [true, false]) {
    app.route({
      method: 'POST',
      url: `/v1/workflows/:name/${paused ? 'pause' : 'resume'}`,
      schema: {
        summary: paused
          ? 'Pause a workflow: its events are recorded as paused runs until it is resumed'
          : 'Resume a paused workflow',
        tags: ['control'],
        params: workflowParams,
        body: pauseBody,
      },
      handler: async (request) => {
        const { name } = request.params as { name: string };
        const target = workflowTarget(ctx.engine, name);
        const principal = await ctx.authorize(request, 'control:pause', target);
        if (!target) throw new HttpError(404, 'Not Found', `no active workflow ${name}`);
        const reason = (request.body as z.output<typeof pauseBody>)?.reason;
        await ctx.engine.setPaused(name, paused, principal.subject, reason);
        const state = await ctx.store.transaction((tx) => tx.getPause(name));
        return { workflow: name, paused: state.paused, reason: state.reason, by: principal.subject };
      },
    });
  }

  app.route({
    method: 'GET',
    url: '/v1/control',
    schema: { summary: 'The kill switch and which workflows are paused', tags: ['control'] },
    handler: async (request) => {
      await ctx.authorize(request, 'workflows:read');
      const names = ctx.engine.activeWorkflows().map((workflow) => workflow.name);
      return ctx.store.transaction(async (tx) => {
        const stored = await tx.getSetting(killSwitchSetting);
        const workflows = [];
        for (const name of [...new Set(names)])
          workflows.push({ workflow: name, ...(await tx.getPause(name)) });
        return { killSwitch: stored === undefined ? ctx.config.killSwitch : stored === 'on', workflows };
      });
    },
  });

  app.route({
    method: 'PUT',
    url: '/v1/control/kill-switch',
    schema: {
      summary: 'Turn the kill switch on (no write action runs anywhere) or off',
      tags: ['control'],
      body: killSwitchBody,
    },
    handler: async (request) => {
      const principal = await ctx.authorize(request, 'control:pause');
      const body = request.body as z.output<typeof killSwitchBody>;
      await ctx.engine.setKillSwitch(body.on, principal.subject);
      return { killSwitch: body.on, by: principal.subject };
    },
  });
}
