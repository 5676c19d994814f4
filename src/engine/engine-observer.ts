import type { RunOutcome } from '../core/types.js';
import type { IngestResult } from './ingest.js';

/**
 * What the engine tells an observer (metrics) as it works. Calls are synchronous and must not
 * throw; they happen after the state they describe is durable.
 */
export interface EngineObserver {
  onEvent?(source: string, result: IngestResult): void;
  onRunFinished?(run: {
    readonly workflow: string;
    readonly outcome: RunOutcome;
    /** When the run was created (its event's arrival, give or take the ingest transaction). */
    readonly createdAt: number;
    readonly finishedAt: number;
  }): void;
  onStep?(action: string, ms: number, ok: boolean): void;
}
