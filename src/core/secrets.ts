/**
 * Recognises secrets written literally where only a reference (`env:NAME`, `file:/path`) belongs.
 * Shared by the config loader and the reviewer's `secrets/literal-secret` rule.
 */
export const secretReferencePattern = /^(env:[A-Za-z_][A-Za-z0-9_]*|file:\S+)$/;

const secretKeyPattern =
  /(pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|access[-_]?key|credential)s?$/i;

/** Well-known shapes of secrets, by what they are. */
const secretValuePatterns: readonly { kind: string; pattern: RegExp }[] = [
  { kind: 'a URL with a password', pattern: /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i },
  { kind: 'an AWS access key id', pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: 'a GitHub token', pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/ },
  { kind: 'a Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  {
    kind: 'a Slack webhook URL',
    pattern: /hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/,
  },
  { kind: 'a private key', pattern: /-----BEGIN ([A-Z ]+ )?PRIVATE KEY-----/ },
  { kind: 'a JSON web token', pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/ },
  { kind: 'a Rectify API token', pattern: /\brfy_[A-Za-z0-9_-]{20,}/ },
];

export function isSecretReference(value: string): boolean {
  return secretReferencePattern.test(value);
}

/**
 * Why a value looks like a literal secret, or undefined when it does not.
 * @example literalSecretKind('password', 'hunter2') // 'a value under a secret-named key'
 */
export function literalSecretKind(key: string | undefined, value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '' || isSecretReference(value)) return undefined;
  if (value.includes('${{')) return undefined;
  for (const { kind, pattern } of secretValuePatterns) if (pattern.test(value)) return kind;
  if (key !== undefined && secretKeyPattern.test(key)) return 'a value under a secret-named key';
  return undefined;
}
