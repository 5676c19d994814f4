import type { Store } from '../store/store.js';
import { auditHeadSetting, verifyChain } from './audit-record.js';

/** The setting where the store keeps the newest record, `<seq>:<hash>` (written with every append). */

export type AuditVerdict =
  | { readonly ok: true; readonly records: number; readonly head: { seq: number; hash: string } | undefined }
  | {
      readonly ok: false;
      /** Records read before the verdict. */
      readonly records: number;
      /**
       * The first record that is not what the chain says should be there. For a truncated log,
       * the first record missing at its end; for a missing or unreadable head, the newest record
       * (the end of the log cannot be vouched for).
       */
      readonly firstBad: number;
      readonly kind: 'chain' | 'truncated' | 'beyond-head' | 'head-mismatch' | 'head-missing';
      readonly problem: string;
    };

/**
 * Verifies a store's whole audit log: pages through the records checking the hash chain, then
 * compares where the log ends with the head the store keeps beside it. The chain alone catches a
 * record modified, deleted, inserted or moved; the head also catches the newest records removed
 * (a chain cut short still verifies) and records added after the head.
 *
 * The head lives in the same database, so someone able to rewrite both can still rewrite
 * history: export the head elsewhere (a log shipper, a signed checkpoint) to rule that out.
 * @example
 * const verdict = await verifyAudit(store)
 * if (!verdict.ok) console.error(`audit record ${verdict.firstBad}: ${verdict.problem}`)
 */
export async function verifyAudit(store: Store, options: { pageSize?: number } = {}): Promise<AuditVerdict> {
  const pageSize = options.pageSize ?? 1000;
  let previous: { seq: number; hash: string } | undefined;
  let records = 0;
  for (;;) {
    // The last page and the head are read in one transaction: no append can fall between them,
    // so a head beyond the last record means records were removed, not that new ones arrived.
    const { page, head } = await store.transaction(async (tx) => {
      const page = await tx.auditRecords(previous?.seq ?? 0, pageSize);
      return { page, head: page.length < pageSize ? await tx.getSetting(auditHeadSetting) : undefined };
    });
    const verdict = verifyChain(page, previous);
    records += verdict.records;
    if (!verdict.ok) return { ...verdict, records, kind: 'chain' };
    if (page.length > 0) previous = { seq: verdict.lastSeq, hash: verdict.lastHash };
    if (page.length === pageSize) continue;
    return compareHead(previous, head, records);
  }
}

function compareHead(
  last: { seq: number; hash: string } | undefined,
  headText: string | undefined,
  records: number,
): AuditVerdict {
  const lastSeq = last?.seq ?? 0;
  if (headText === undefined) {
    if (last === undefined) return { ok: true, records, head: undefined };
    return {
      ok: false,
      records,
      firstBad: lastSeq,
      kind: 'head-missing',
      problem: `the audit head (setting ${auditHeadSetting}) is missing: whether records were removed from the end cannot be told`,
    };
  }
  const match = /^(\d+):([0-9a-f]{64})$/.exec(headText);
  if (!match)
    return {
      ok: false,
      records,
      firstBad: lastSeq,
      kind: 'head-missing',
      problem: `the audit head (setting ${auditHeadSetting}) is not <seq>:<hash>: ${JSON.stringify(headText.slice(0, 100))}`,
    };
  const head = { seq: Number(match[1]), hash: String(match[2]) };
  if (head.seq > lastSeq)
    return {
      ok: false,
      records,
      firstBad: lastSeq + 1,
      kind: 'truncated',
      problem: `the log was truncated: it ends at record ${lastSeq}, but its head is record ${head.seq}; record ${lastSeq + 1}${head.seq > lastSeq + 1 ? `..${head.seq}` : ''} is missing`,
    };
  if (head.seq < lastSeq)
    return {
      ok: false,
      records,
      firstBad: head.seq + 1,
      kind: 'beyond-head',
      problem: `record ${head.seq + 1}${lastSeq > head.seq + 1 ? `..${lastSeq}` : ''} follows the head (record ${head.seq}): added outside the store`,
    };
  if (last !== undefined && head.hash !== last.hash)
    return {
      ok: false,
      records,
      firstBad: lastSeq,
      kind: 'head-mismatch',
      problem: `record ${lastSeq} is not the head the store recorded: the log was rewritten`,
    };
  return { ok: true, records, head };
}
