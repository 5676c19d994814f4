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

/** The settings key under which the store keeps the newest record's `seq:hash`, apart from the log. */
export const auditHeadSetting = 'audit.head';

/** The hash before the first record. */
export const genesisHash = '0'.repeat(64);

export function hashRecord(record: Omit<AuditRecord, 'hash'>): string {
  const { seq, at, kind, runId, data, prevHash } = record;
  return createHash('sha256').update(canonicalJson({ seq, at, kind, runId, data, prevHash })).digest('hex');
}

/** Seals an entry as the record after `previous` (or the first). */
export function sealRecord(
  entry: AuditEntry,
  previous: { seq: number; hash: string } | undefined,
): AuditRecord {
  const unsealed = {
    at: entry.at,
    kind: entry.kind,
    runId: entry.runId,
    data: entry.data,
    seq: (previous?.seq ?? 0) + 1,
    prevHash: previous?.hash ?? genesisHash,
  };
  return { ...unsealed, hash: hashRecord(unsealed) };
}

export type ChainVerdict =
  | { readonly ok: true; readonly records: number; readonly lastSeq: number; readonly lastHash: string }
  | { readonly ok: false; readonly records: number; readonly firstBad: number; readonly problem: string };

/**
 * Walks records in storage order and checks the chain. Reports the first record that is not
 * what the chain says should be there: modified (its hash does not match its content), or with
 * the wrong predecessor or sequence number (one deleted, inserted or moved before it).
 *
 * `after` continues a chain verified up to that record (paging through a long log); by default
 * the chain starts at the genesis. Removing the newest records leaves a chain that verifies:
 * compare the end with the head the store keeps (`verifyAudit`).
 * @example verifyChain(await tx.auditRecords(0, 1000)) // { ok: true, records: 12, lastSeq: 12, lastHash: '9f...' }
 */
export function verifyChain(
  records: Iterable<AuditRecord>,
  after?: { readonly seq: number; readonly hash: string },
): ChainVerdict {
  let previous = after;
  let count = 0;
  for (const record of records) {
    count++;
    const expectedSeq = (previous?.seq ?? 0) + 1;
    const expectedPrev = previous?.hash ?? genesisHash;
    if (hashRecord(record) !== record.hash) {
      return {
        ok: false,
        records: count,
        firstBad: record.seq,
        problem: `record ${record.seq} was modified: its content does not match its hash`,
      };
    }
    if (record.seq > expectedSeq) {
      const missing = `${expectedSeq}${record.seq - expectedSeq > 1 ? `..${record.seq - 1}` : ''}`;
      return {
        ok: false,
        records: count,
        firstBad: record.seq,
        problem: `the chain breaks at record ${record.seq}: record ${missing} is missing before it`,
      };
    }
    if (record.seq < expectedSeq) {
      return {
        ok: false,
        records: count,
        firstBad: record.seq,
        problem: `the chain breaks at record ${record.seq}: its sequence number is out of order`,
      };
    }
    if (record.prevHash !== expectedPrev) {
      // Either this record was inserted or moved here, or the one before it was rewritten with a
      // recomputed hash: the chain cannot tell which, only that it breaks here.
      return {
        ok: false,
        records: count,
        firstBad: record.seq,
        problem: `the chain breaks at record ${record.seq}: it does not follow the record before it (inserted or moved here, or record ${record.seq - 1} was rewritten)`,
      };
    }
    previous = record;
  }
  return { ok: true, records: count, lastSeq: previous?.seq ?? 0, lastHash: previous?.hash ?? genesisHash };
}
