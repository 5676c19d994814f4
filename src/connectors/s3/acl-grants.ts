import type { Grant } from '@aws-sdk/client-s3';

const allUsers = 'http://acs.amazonaws.com/groups/global/AllUsers';
const authenticatedUsers = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

export type CannedAcl = 'private' | 'public-read' | 'public-read-write' | 'authenticated-read';

export interface AclSummary {
  readonly grants: { readonly grantee: string; readonly permission: string }[];
  readonly publicRead: boolean;
  readonly publicWrite: boolean;
  /** The canned ACL these grants amount to, or null when they match none (undo then refuses). */
  readonly cannedAcl: CannedAcl | null;
}

/**
 * Summarises a bucket ACL: who is granted what, whether everyone (or every AWS account) may read
 * or write, and which canned ACL the grants amount to, so an undo can put exactly that back.
 * @example
 * summariseAcl('owner-id', [{ Grantee: { Type: 'CanonicalUser', ID: 'owner-id' }, Permission: 'FULL_CONTROL' }])
 * // { grants: [{ grantee: 'owner-id', permission: 'FULL_CONTROL' }], publicRead: false, publicWrite: false, cannedAcl: 'private' }
 */
export function summariseAcl(ownerId: string | undefined, grants: readonly Grant[]): AclSummary {
  const list = grants.map((grant) => ({
    grantee: grant.Grantee?.URI ?? grant.Grantee?.ID ?? grant.Grantee?.EmailAddress ?? 'unknown',
    permission: grant.Permission ?? 'unknown',
  }));
  const isPublicGroup = (grantee: string) => grantee === allUsers || grantee === authenticatedUsers;
  const publicRead = list.some(
    (g) => isPublicGroup(g.grantee) && (g.permission === 'READ' || g.permission === 'FULL_CONTROL'),
  );
  const publicWrite = list.some(
    (g) => isPublicGroup(g.grantee) && (g.permission === 'WRITE' || g.permission === 'FULL_CONTROL'),
  );
  return { grants: list, publicRead, publicWrite, cannedAcl: cannedAclOf(ownerId, list) };
}

function cannedAclOf(
  ownerId: string | undefined,
  grants: readonly { grantee: string; permission: string }[],
): CannedAcl | null {
  const others = grants
    .filter((g) => !(g.grantee === ownerId && g.permission === 'FULL_CONTROL'))
    .map((g) => `${g.grantee} ${g.permission}`)
    .sort();
  // The owner's FULL_CONTROL is part of every canned ACL; without it the grants match none.
  if (others.length === grants.length) return null;
  const is = (...expected: string[]) =>
    others.length === expected.length && expected.sort().every((e, i) => e === others[i]);
  if (is()) return 'private';
  if (is(`${allUsers} READ`)) return 'public-read';
  if (is(`${allUsers} READ`, `${allUsers} WRITE`)) return 'public-read-write';
  if (is(`${authenticatedUsers} READ`)) return 'authenticated-read';
  return null;
}
