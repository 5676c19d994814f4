/**
 * Whether a bucket policy document makes the bucket public, read from the document itself.
 *
 * Why not GetBucketPolicyStatus: radosgw (Ceph 16) answers it, but counts public ACL grants as
 * well, so it does not answer "is the POLICY public"; computing it here gives the same answer on
 * AWS and on Ceph. The rule (a subset of AWS's, erring towards "public"): a statement is public
 * when its Effect is Allow, its principal is everyone (`"*"`, `{ "AWS": "*" }`, or a list holding
 * `"*"`), or it uses NotPrincipal, and it has no Condition. A Condition may narrow access to a
 * fixed network or account; telling those apart is AWS's job, so a conditioned statement is not
 * counted as public.
 */
export interface PolicyVerdict {
  readonly isPublic: boolean;
  /** Sids (or `#<index>` when a statement has none) of the statements that make it public. */
  readonly publicStatements: readonly string[];
}

/**
 * @example
 * policyVerdict('{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}')
 * // { isPublic: true, publicStatements: ['#0'] }
 */
export function policyVerdict(policy: string | null): PolicyVerdict {
  const document = parse(policy);
  const publicStatements = asArray(document?.Statement).flatMap((statement, index) =>
    isPublicStatement(statement) ? [label(statement, index)] : [],
  );
  return { isPublic: publicStatements.length > 0, publicStatements };
}

/**
 * The policy with its public statements (as `policyVerdict` judges them) taken out, every other
 * statement and field kept as it was; `remaining` is null when nothing is left (delete the policy).
 * @example
 * withoutPublicStatements('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}')
 * // { remaining: null, removed: ['#0'] }
 */
export function withoutPublicStatements(policy: string | null): {
  remaining: string | null;
  removed: string[];
} {
  const document = parse(policy);
  if (!document) return { remaining: policy, removed: [] };
  const statements = asArray(document.Statement);
  const removed = statements.flatMap((statement, index) =>
    isPublicStatement(statement) ? [label(statement, index)] : [],
  );
  if (removed.length === 0) return { remaining: policy, removed };
  const kept = statements.filter((statement) => !isPublicStatement(statement));
  return { remaining: kept.length === 0 ? null : JSON.stringify({ ...document, Statement: kept }), removed };
}

function parse(policy: string | null): Record<string, unknown> | undefined {
  if (policy === null) return undefined;
  try {
    const document: unknown = JSON.parse(policy);
    return isRecord(document) ? document : undefined;
  } catch {
    // S3 only stores valid JSON; a document we cannot read is not evidence that the bucket is public.
    return undefined;
  }
}

function isPublicStatement(statement: unknown): boolean {
  if (!isRecord(statement) || statement.Effect !== 'Allow') return false;
  if (statement.Condition !== undefined && !isEmptyRecord(statement.Condition)) return false;
  return statement.NotPrincipal !== undefined || isEveryone(statement.Principal);
}

function label(statement: unknown, index: number): string {
  const sid = isRecord(statement) ? statement.Sid : undefined;
  return typeof sid === 'string' && sid ? sid : `#${index}`;
}

function isEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (!isRecord(principal)) return false;
  return asArray(principal.AWS).includes('*');
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmptyRecord(value: unknown): boolean {
  return isRecord(value) && Object.keys(value).length === 0;
}
