/**
 * Workflow versions: proposals, reviews, activation, rollback (change control).
 * Reached through `tx.versions` of a store transaction, so its writes commit with the audit records
 * and state changes of the same transaction.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by its owner
export interface VersionQueries {}
