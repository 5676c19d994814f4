import type { StoreTransaction } from '../../store/store.js';
import type { TokenRow } from '../../store/tokens-store.js';
import { hashToken, newTokenId, newTokenSecret } from './token-secret.js';

export interface IssueTokenRequest {
  readonly subject: string;
  /** Who asks: a subject (`user:admin`), or `cli:<os user>` for `rectify token create` on the store. */
  readonly by: string;
  readonly now: number;
  readonly expiresAt: number | null;
  readonly description?: string | undefined;
  readonly bootstrap?: boolean;
  /** A secret chosen elsewhere (RECTIFY_BOOTSTRAP_TOKEN); default a new random one. */
  readonly secret?: string;
}

/**
 * Creates a token inside the caller's transaction and audits it (`token.created`: id, subject,
 * expiry, by; never the secret). Returns the secret: show it once, it cannot be read again.
 * @example const { secret } = await store.transaction((tx) => issueToken(tx, { subject: 'user:alice', by: 'user:admin', now, expiresAt: null }))
 */
export async function issueToken(
  tx: StoreTransaction,
  request: IssueTokenRequest,
): Promise<{ token: TokenRow; secret: string }> {
  const secret = request.secret ?? newTokenSecret();
  const token: TokenRow = {
    id: newTokenId(),
    hash: hashToken(secret),
    subject: request.subject,
    description: request.description ?? null,
    bootstrap: request.bootstrap ?? false,
    createdAt: request.now,
    createdBy: request.by,
    expiresAt: request.expiresAt,
    revokedAt: null,
    revokedBy: null,
    lastUsedAt: null,
  };
  await tx.tokens.insertToken(token);
  await tx.appendAudit({
    at: new Date(request.now).toISOString(),
    kind: 'token.created',
    runId: null,
    data: {
      tokenId: token.id,
      subject: token.subject,
      bootstrap: token.bootstrap,
      expiresAt: token.expiresAt === null ? null : new Date(token.expiresAt).toISOString(),
      by: request.by,
    },
  });
  return { token, secret };
}

/** Revokes a token in the caller's transaction and audits it; false when there is none to revoke. */
export async function revokeToken(
  tx: StoreTransaction,
  request: { readonly id: string; readonly by: string; readonly now: number },
): Promise<boolean> {
  const revoked = await tx.tokens.revokeToken(request.id, request.by, request.now);
  if (revoked)
    await tx.appendAudit({
      at: new Date(request.now).toISOString(),
      kind: 'token.revoked',
      runId: null,
      data: { tokenId: request.id, by: request.by },
    });
  return revoked;
}

/** A token as the API and the CLI show it: never its hash. */
export function tokenJson(token: TokenRow, now: number): Record<string, unknown> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: token.id,
    subject: token.subject,
    description: token.description,
    bootstrap: token.bootstrap,
    createdAt: iso(token.createdAt),
    createdBy: token.createdBy,
    expiresAt: iso(token.expiresAt),
    revokedAt: iso(token.revokedAt),
    lastUsedAt: iso(token.lastUsedAt),
    state:
      token.revokedAt !== null
        ? 'revoked'
        : token.expiresAt !== null && token.expiresAt <= now
          ? 'expired'
          : 'active',
  };
}
