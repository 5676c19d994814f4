import type { StoreTransaction } from '../../store/store.js';
import { unifiedDiff } from './line-diff.js';
import { notFound, versionNotFound } from './views.js';

/**
 * The unified diff of the YAML text of two versions of a workflow (`from` is the old side).
 * Either may be the later one: a diff from 3 to 1 shows what a rollback to 1 would change.
 * @example const { diff } = await diffVersions(tx, 'pg-revoke-public-create', 1, 2)
 */
export async function diffVersions(
  tx: StoreTransaction,
  name: string,
  from: number,
  to: number,
): Promise<{ workflow: string; from: number; to: number; identical: boolean; diff: string }> {
  if (!(await tx.versions.getWorkflow(name))) throw notFound(name);
  const [before, after] = [await tx.versions.getVersion(name, from), await tx.versions.getVersion(name, to)];
  if (!before) throw versionNotFound(name, from);
  if (!after) throw versionNotFound(name, to);
  const diff = unifiedDiff(before.content, after.content, { from: `${name}@${from}`, to: `${name}@${to}` });
  return { workflow: name, from, to, identical: diff === '', diff };
}
