import { describe, expect, it } from 'vitest';
import {
  genesisHash,
  hashRecord,
  sealRecord,
  verifyChain,
  type AuditRecord,
} from '../../src/audit/audit-record.js';

/** The record at `index`, or a failure: the tests index records they made. */
function at(records: readonly AuditRecord[], index: number): AuditRecord {
  const record = records[index];
  if (!record) throw new Error(`no record at ${index}`);
  return record;
}

function chain(n: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (let i = 1; i <= n; i++)
    records.push(
      sealRecord(
        { at: `2026-11-27T12:00:0${i % 10}Z`, kind: `k${i}`, runId: i % 2 ? 'r1' : null, data: { i } },
        records.at(-1),
      ),
    );
  return records;
}

describe('sealRecord and verifyChain', () => {
  it('seals from the genesis: seq 1, prevHash zeros, hash over the canonical content', () => {
    const [first] = chain(1);
    expect(first).toMatchObject({ seq: 1, prevHash: genesisHash });
    expect(first?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecord({ ...at(chain(1), 0), data: { i: 1 } })).toBe(first?.hash);
  });

  it('seals only the entry fields: extra properties of the entry do not leak into the record', () => {
    const record = sealRecord({ at: 'x', kind: 'k', runId: null, data: {}, extra: 1 } as never, undefined);
    expect(Object.keys(record).sort()).toEqual(['at', 'data', 'hash', 'kind', 'prevHash', 'runId', 'seq']);
  });

  it('verifies a chain, an empty one, and a chain continued after a verified record (paging)', () => {
    const records = chain(6);
    expect(verifyChain(records)).toEqual({ ok: true, records: 6, lastSeq: 6, lastHash: records[5]?.hash });
    expect(verifyChain([])).toEqual({ ok: true, records: 0, lastSeq: 0, lastHash: genesisHash });
    const first = verifyChain(records.slice(0, 3));
    if (!first.ok) throw new Error('unexpected');
    expect(verifyChain(records.slice(3), { seq: first.lastSeq, hash: first.lastHash })).toMatchObject({
      ok: true,
      records: 3,
      lastSeq: 6,
    });
    // A page that does not continue the one before is caught.
    expect(verifyChain(records.slice(4), { seq: first.lastSeq, hash: first.lastHash })).toMatchObject({
      ok: false,
      firstBad: 5,
    });
  });

  it('names the first bad record: modified, missing, out of order, not following', () => {
    const records = chain(5);
    const modified = records.map((r) => (r.seq === 3 ? { ...r, kind: 'changed' } : r));
    expect(verifyChain(modified)).toMatchObject({ ok: false, firstBad: 3, records: 3 });
    expect(verifyChain(records.filter((r) => r.seq !== 2 && r.seq !== 3))).toMatchObject({
      ok: false,
      firstBad: 4,
      problem: 'the chain breaks at record 4: record 2..3 is missing before it',
    });
    expect(verifyChain([at(records, 0), at(records, 1), at(records, 1)])).toMatchObject({
      ok: false,
      firstBad: 2,
      problem: 'the chain breaks at record 2: its sequence number is out of order',
    });
    const other = chain(5).map((r) => sealRecord({ ...r, data: { other: true } }, undefined));
    const inserted = sealRecord(
      { at: 'x', kind: 'forged', runId: null, data: {} },
      { seq: 2, hash: at(other, 0).hash },
    );
    expect(verifyChain([at(records, 0), at(records, 1), inserted])).toMatchObject({ ok: false, firstBad: 3 });
  });
});
