/**
 * API tokens and their use (src/server/auth). Owned by the server.
 * Reached through `tx.tokens` of a store transaction, so its writes commit with the audit records
 * and state changes of the same transaction.
 *
 * Invariant: the secret of a token is never stored, only `hash` (SHA-256, hex, of the whole
 * `rfy_...` text). A token is found by its hash; its public `id` names it everywhere else
 * (lists, revocation, audit records).
 */
export interface TokenRow {
  /** Public id, `tok_` + 16 hex: safe to print, log and audit. */
  readonly id: string;
  /** SHA-256 (hex) of the token's secret text. */
  readonly hash: string;
  /** The config subject the token acts as: `user:alice`, `service:ci`. */
  readonly subject: string;
  readonly description: string | null;
  /**
   * True for the token made at first start (or from RECTIFY_BOOTSTRAP_TOKEN): it holds the
   * built-in `admin` role whatever the config binds, so a fresh install can be administered.
   */
  readonly bootstrap: boolean;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
  readonly revokedBy: string | null;
  readonly lastUsedAt: number | null;
}

export interface TokenQueries {
  insertToken(token: TokenRow): Promise<void>;
  /** The token with this hash (revoked and expired ones too: the caller says why it is refused). */
  tokenByHash(hash: string): Promise<TokenRow | undefined>;
  getToken(id: string): Promise<TokenRow | undefined>;
  /** Every token, newest first; revoked ones only with `includeRevoked`. */
  listTokens(options?: { readonly includeRevoked?: boolean }): Promise<TokenRow[]>;
  /** Marks a token revoked; false when there is no such token or it was revoked already. */
  revokeToken(id: string, by: string, at: number): Promise<boolean>;
  touchToken(id: string, at: number): Promise<void>;
  /** Tokens with `bootstrap` set that are neither revoked nor expired at `now`. */
  countActiveBootstrapTokens(now: number): Promise<number>;
}
