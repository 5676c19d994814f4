import type { AccessTarget } from '../../core/access/permissions.js';
import type { Config } from '../../core/model/config.js';
import type { Permission } from '../../core/types.js';
import type { Clock } from '../../engine/clock.js';
import type { Store } from '../../store/store.js';
import type { TokenRow } from '../../store/tokens-store.js';
import { HttpError } from '../http-error.js';
import type { Principal, ServerContext } from '../server-context.js';
import { holdsPermission } from './access-check.js';
import { bearerToken, hashToken } from './token-secret.js';

export interface AuthorizeDependencies {
  readonly store: Store;
  readonly config: Config;
  readonly clock: Clock;
}

type Verdict =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly status: 401 | 403; readonly detail: string; readonly hint: string };

/**
 * Builds `ServerContext.authorize`: bearer token -> token row (by hash) -> subject -> permission
 * on the workflow (src/core/access). The decision and its audit record (`access.allowed` /
 * `access.denied`: subject, token id, permission, workflow, route, reason; NEVER the token) are
 * written in one transaction, with the token's last-used time.
 * @example
 * const authorize = createAuthorize({ store, config, clock })
 * const principal = await authorize(request, 'runs:read')
 */
export function createAuthorize(deps: AuthorizeDependencies): ServerContext['authorize'] {
  return async (request, permission, workflow) => {
    const route = `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0] ?? ''}`;
    const header = request.headers.authorization;
    const bearer = bearerToken(header);
    const now = deps.clock.now();
    const verdict = await deps.store.transaction(async (tx): Promise<Verdict> => {
      const token = 'token' in bearer ? await tx.tokens.tokenByHash(hashToken(bearer.token)) : undefined;
      const verdict = decide(deps.config, bearer, token, permission, workflow, now);
      await tx.appendAudit({
        at: new Date(now).toISOString(),
        kind: verdict.ok ? 'access.allowed' : 'access.denied',
        runId: null,
        data: {
          subject: token?.subject ?? null,
          tokenId: token?.id ?? null,
          permission,
          workflow: workflow?.name ?? null,
          route,
          ...(verdict.ok ? {} : { status: verdict.status, reason: verdict.detail }),
        },
      });
      if (verdict.ok && token) await tx.tokens.touchToken(token.id, now);
      return verdict;
    });
    if (verdict.ok) return verdict.principal;
    throw new HttpError(
      verdict.status,
      verdict.status === 401 ? 'Unauthorized' : 'Forbidden',
      verdict.detail,
      { hint: verdict.hint, ...(verdict.status === 403 ? { permission } : {}) },
    );
  };
}

function decide(
  config: Config,
  bearer: { token: string } | { problem: string },
  token: TokenRow | undefined,
  permission: Permission,
  workflow: (AccessTarget & { readonly name: string }) | undefined,
  now: number,
): Verdict {
  const renew = 'ask an admin for a token: `rectify token create --subject <subject>`';
  if ('problem' in bearer) return { ok: false, status: 401, detail: bearer.problem, hint: renew };
  if (!token) return { ok: false, status: 401, detail: 'the token is not known', hint: renew };
  if (token.revokedAt !== null)
    return { ok: false, status: 401, detail: `the token ${token.id} was revoked`, hint: renew };
  if (token.expiresAt !== null && token.expiresAt <= now)
    return {
      ok: false,
      status: 401,
      detail: `the token ${token.id} expired at ${new Date(token.expiresAt).toISOString()}`,
      hint: renew,
    };
  if (!holdsPermission(config, token.subject, permission, workflow, token.bootstrap))
    return {
      ok: false,
      status: 403,
      detail: `${token.subject} does not hold ${permission}${workflow ? ` on workflow ${workflow.name}` : ' on every workflow'}`,
      hint: workflow
        ? `bind ${token.subject} to a role that grants ${permission} on this workflow (access.bindings in the config)`
        : `bind ${token.subject} to a role that grants ${permission} with no workflows selector (access.bindings in the config)`,
    };
  return { ok: true, principal: { subject: token.subject, tokenId: token.id } };
}
