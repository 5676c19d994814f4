import type { IngestResult } from '../engine/ingest.js';
import type { AdaptedEvent } from './adapters/adapter.js';

/** The 202 answer to a delivery: what became of each event, in the order of the payload. */
export interface DeliveryResult {
  readonly source: string;
  readonly accepted: number;
  readonly duplicates: number;
  readonly events: readonly {
    readonly id: string;
    /** accepted: stored now; duplicate: stored before (same source and id), nothing new. */
    readonly status: IngestResult['status'];
    /** The event's number in the store (of the first delivery, for a duplicate). */
    readonly seq?: number;
    readonly reason?: string;
    /** Runs the event started, or decided not to (outcome set: deduplicated, exempted, ...). */
    readonly runs: readonly {
      readonly workflow: string;
      readonly runId: string;
      readonly outcome: string | null;
    }[];
  }[];
}

/**
 * @example deliveryResult('alertmanager', events, await engine.ingestBatch(envelopes, originals))
 */
export function deliveryResult(
  source: string,
  events: readonly AdaptedEvent[],
  results: readonly IngestResult[],
): DeliveryResult {
  const rows = results.map((result, index) => {
    const id = events[index]?.envelope.id;
    if (typeof id !== 'string')
      throw new Error('an ingested event has no string id: validate envelopes first');
    switch (result.status) {
      case 'accepted':
        return { id, status: result.status, seq: result.seq, runs: result.runs.map((run) => ({ ...run })) };
      case 'duplicate':
        return { id, status: result.status, seq: result.seq, runs: [] };
      default:
        return { id, status: result.status, reason: result.reason, runs: [] };
    }
  });
  return {
    source,
    accepted: rows.filter((row) => row.status === 'accepted').length,
    duplicates: rows.filter((row) => row.status === 'duplicate').length,
    events: rows,
  };
}
