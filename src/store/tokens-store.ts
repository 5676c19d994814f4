/**
 * API tokens and their use (src/server/auth). Owned by the server.
 * Reached through `tx.tokens` of a store transaction, so its writes commit with the audit records
 * and state changes of the same transaction.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by its owner
export interface TokenQueries {}
