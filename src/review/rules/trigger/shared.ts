import { isWriteEffect } from '../../../core/catalog/action.js';
import type { CompiledWorkflow } from '../../../core/compile/compiled-workflow.js';
import type { Config, SourceConfig } from '../../../core/model/config.js';

/** Helpers shared by the `trigger/` rules; they read the catalog, never action names. */

/** The distinct actions of a workflow's steps that change something, as a list for messages. */
export function writeActions(workflow: CompiledWorkflow): string {
  const ids = workflow.steps
    .filter((step) => isWriteEffect(step.action.effect))
    .map((step) => step.action.id);
  return [...new Set(ids)].join(', ');
}

/** The config's source of a given name, with its index (for config paths). */
export function findSource(
  config: Config | undefined,
  name: string,
): { source: SourceConfig; index: number } | undefined {
  const index = config?.sources.findIndex((source) => source.name === name) ?? -1;
  const source = index === -1 ? undefined : config?.sources[index];
  return source ? { source, index } : undefined;
}

/** The trigger's types for a message: `a, b`. */
export function typeList(workflow: CompiledWorkflow): string {
  return workflow.workflow.spec.trigger.types.join(', ');
}

/**
 * Why a source delivers events nobody vouches for, or undefined when its events are
 * authenticated (or pulled by Rectify itself). A webhook needs a bearer token or an HMAC
 * signature; a NATS source needs credentials (a token, a credentials file, or a user in its URL),
 * otherwise the server admits anonymous clients, who can publish on the subject too.
 */
export function missingAuth(source: SourceConfig): string | undefined {
  switch (source.type) {
    case 'webhook':
      return source.auth === undefined
        ? `anyone who can reach POST /v1/sources/${source.name}/events can post events to it`
        : undefined;
    case 'nats': {
      const auth = source.auth;
      const hasAuth = auth !== undefined && (auth.token !== undefined || auth.credentialsFile !== undefined);
      const userInUrl = /^[a-z][a-z0-9+.-]*:\/\/[^/\s@]+@/i.test(source.url);
      return hasAuth || userInUrl
        ? undefined
        : `Rectify connects to ${source.url} without credentials, so anonymous clients may publish on ${source.subject} too`;
    }
    case 'schedule':
      return undefined;
  }
}
