import type { Store } from '../store/store.js';

/** What the audit log says about a refused delivery: never the secret, token or signature. */
export interface SourceRejection {
  readonly source: string;
  readonly status: number;
  /** A stable code: `bad-signature`, `replayed`, `body-too-large`, `malformed-payload`, ... */
  readonly reason: string;
  readonly detail?: string;
  readonly field?: string;
}

/**
 * Records a refused delivery (`source.rejected`) in its own transaction: the only thing a
 * refused delivery stores.
 */
export async function auditRejection(store: Store, at: number, rejection: SourceRejection): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.appendAudit({
      at: new Date(at).toISOString(),
      kind: 'source.rejected',
      runId: null,
      data: { ...rejection },
    });
  });
}
