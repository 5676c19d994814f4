import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/**
 * One entry of the tamper-evident audit log. Records form a hash chain: each carries the hash of
 * the record before it (`prevHash`) and its own `hash`, the SHA-256 of its canonical JSON with
 * `prevHash` included. Changing, removing, inserting or reordering a record breaks the chain at
 * that record, and `verifyChain` names it.
 */
export interface AuditRecord {
  /** 1, 2, 3, ... without gaps. */
  readonly seq: number;
  /** ISO 8601 time of the decision. */
  readonly at: string;
  /** What was decided: `event.accepted`, `run.started`, `action.intent`, ... */
  readonly kind: string;
  readonly runId: string | null;
  readonly data: Readonly<Record<string, unknown>>;
  readonly prevHash: string;
  readonly hash: string;
}

export type AuditEntry = Pick<AuditRecord, 'at' | 'kind' | 'runId' | 'data'>;

/** The hash before the first record. */
export const genesisHash = '0'.repeat(64);

export function hashRecord(record: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(canonicalJson({ seq: record.seq, at: record.at, kind: record.kind, runId: record.runId, data: record.data, prevHash: record.prevHash })).digest('hex');
}

/** Seals an entry as the record after `previous` (or the first). */
export function sealRecord(entry: AuditEntry, previous: { seq: number; hash: string } | undefined): AuditRecord {
  const unsealed = { ...entry, seq: (previous?.seq ?? 0) + 1, prevHash: previous?.hash ?? genesisHash };
  return { ...unsealed, hash: hashRecord(unsealed) };
}

export type ChainVerdict =
  | { readonly ok: true; readonly records: number; readonly lastHash: string }
  | { readonly ok: false; readonly records: number; readonly firstBad: number; readonly problem: string };

/**
 * Walks records in storage order and checks the chain. Reports the first record that is not
 * what the chain says should be there: modified (its hash does not match its content), or with
 * the wrong predecessor or sequence number (one deleted, inserted or moved before it).
 */
export function verifyChain(records: Iterable<AuditRecord>): ChainVerdict {
  let previous: { seq: number; hash: string } | undefined;
  let count = 0;
  for (const record of records) {
    count++;
    const expectedSeq = (previous?.seq ?? 0) + 1;
    const expectedPrev = previous?.hash ?? genesisHash;
    if (hashRecord(record) !== record.hash) {
      return { ok: false, records: count, firstBad: record.seq, problem: `record ${record.seq} was modified: its content does not match its hash` };
    }
    if (record.seq !== expectedSeq || record.prevHash !== expectedPrev) {
      const what = record.seq > expectedSeq ? `record ${expectedSeq}${record.seq - expectedSeq > 1 ? `..${record.seq - 1}` : ''} is missing before it` : record.prevHash !== expectedPrev ? 'it does not follow the record before it (inserted or moved)' : 'its sequence number is out of order';
      return { ok: false, records: count, firstBad: record.seq, problem: `the chain breaks at record ${record.seq}: ${what}` };
    }
    previous = record;
  }
  return { ok: true, records: count, lastHash: previous?.hash ?? genesisHash };
}
