/**
 * Recognises secrets written literally where only a reference (`env:NAME`, `file:/path`) belongs.
 * Shared by the config loader and the reviewer's `secrets/literal-secret` rule.
 */
export const secretReferencePattern = /^(env:[A-Za-z_][A-Za-z0-9_]*|file:\S+)$/;

const secretKeyPattern =
  /(pass(word|wd|phrase)?|secret|token|api[-_]?key|private[-_]?key|access[-_]?key|credential|authorization)s?$/i;

/** Well-known shapes of secrets, by what they are. */
const secretValuePatterns: readonly { kind: string; pattern: RegExp }[] = [
  // Anywhere in the text (a DSN pasted into a description), the user may be empty
  // (`redis://:pw@host`); placeholders are not secrets: `$VAR`, `${VAR}`, `$(cmd)`, `<password>`,
  // `****`, `xxxx`.
  {
    kind: 'a URL with a password',
    pattern:
      /\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/\s:@]*:(?!\$[A-Z_][A-Z0-9_]*@|\$\{|\$\(|<[^>@\s]*>@|\*+@|[xX]+@)[^/\s@]+@/,
  },
  {
    kind: 'a URL with a secret query parameter',
    pattern:
      /[?&](access_token|token|api[-_]?key|apikey|secret|client_secret|password|passwd|sig|signature)=(?![$<{*])[^&\s#"']{8,}/i,
  },
  {
    kind: 'an HTTP authorization credential',
    pattern:
      /\b(Bearer|Basic|bearer|basic)\s+(?=[A-Za-z0-9._~+/-]*\d)(?=[A-Za-z0-9._~+/-]*[A-Za-z])[A-Za-z0-9._~+/-]{16,}=*/,
  },
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
  { kind: 'a GitLab token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/ },
  { kind: 'an npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { kind: 'a Stripe secret key', pattern: /\b(sk|rk)_live_[A-Za-z0-9]{20,}/ },
  { kind: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/ },
  {
    kind: 'an OpenAI or Anthropic API key',
    pattern: /\bsk-(proj-|svcacct-|ant-api\d\d-)?[A-Za-z0-9_-]{40,}/,
  },
  { kind: 'an Azure storage account key', pattern: /\bAccountKey=[A-Za-z0-9+/]{40,}={0,2}/ },
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
