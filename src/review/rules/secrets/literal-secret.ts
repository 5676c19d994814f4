import { formatPath } from '../../../core/loader/diagnostic.js';
import type { PathSegment } from '../../../core/loader/source-document.js';
import { literalSecretKind } from '../../../core/secrets.js';
import type { Rule, RuleReport } from '../../rule.js';

/** Keys whose numeric value is a secret (a PIN, a numeric password): the whole key, not a suffix. */
const numericSecretKey = /^(pass(word|wd|code|phrase)?|pin|secret|token|api[-_]?key)$/i;

const natsTokenInUrl = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/\s:@]+@/;

const open = '${{';
const close = '}}';

/** A secret found in a document: where, and what it looks like (never the secret itself). */
interface Found {
  readonly path: readonly PathSegment[];
  readonly kind: string;
}

/**
 * Every secret-looking literal in a YAML value: strings anywhere by their shape (CEL expressions
 * included, and the text and expressions of `${{ }}` templates), and values under a secret-named
 * key of an action's or connection's `with` by their key. Map keys are not inspected: a finding's
 * path is printed, and must never carry the secret.
 */
export function findLiteralSecrets(value: unknown, path: readonly PathSegment[] = []): Found[] {
  const found: Found[] = [];
  const containers: object[] = []; // being visited: an aliased cycle is read once
  const visit = (current: unknown, at: readonly PathSegment[]): void => {
    if (typeof current === 'object' && current !== null) {
      if (containers.includes(current)) return;
      containers.push(current);
      visitInner(current, at);
      containers.pop();
      return;
    }
    visitInner(current, at);
  };
  const visitInner = (current: unknown, at: readonly PathSegment[]): void => {
    const last = at[at.length - 1];
    const key = typeof last === 'string' && at.includes('with') ? last : undefined;
    if (typeof current === 'string') {
      const kind = current.includes(open) ? templateSecretKind(current) : literalSecretKind(key, current);
      if (kind) found.push({ path: at, kind });
    } else if ((typeof current === 'number' || typeof current === 'bigint') && key !== undefined) {
      if (numericSecretKey.test(key)) {
        const kind = literalSecretKind(key, String(current));
        if (kind) found.push({ path: at, kind });
      }
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => {
        visit(item, [...at, index]);
      });
    } else if (current !== null && typeof current === 'object') {
      for (const [name, inner] of Object.entries(current)) visit(inner, [...at, name]);
    }
  };
  visit(value, path);
  return found;
}

/**
 * A string with `${{ }}` templates: its literal text and each template's expression, by shape
 * (the key says nothing about a value that is partly computed).
 */
function templateSecretKind(text: string): string | undefined {
  const pieces: string[] = [];
  let cursor = 0;
  while (cursor < text.length) {
    const start = text.indexOf(open, cursor);
    if (start === -1) {
      pieces.push(text.slice(cursor));
      break;
    }
    pieces.push(text.slice(cursor, start));
    const end = text.indexOf(close, start + open.length);
    if (end === -1) {
      pieces.push(text.slice(start + open.length));
      break;
    }
    pieces.push(text.slice(start + open.length, end));
    cursor = end + close.length;
  }
  for (const piece of pieces) {
    const kind = literalSecretKind(undefined, piece);
    if (kind) return kind;
  }
  return undefined;
}

function report(found: Found): RuleReport {
  return {
    messageId: 'literal',
    data: { field: formatPath(found.path), kind: found.kind },
    path: found.path,
    evidence: { kind: found.kind },
  };
}

/** `secrets/literal-secret`: a secret written literally in a workflow or the config. */
export const literalSecret: Rule = {
  meta: {
    id: 'secrets/literal-secret',
    secretValues: true,
    title: 'Secret written literally',
    severity: 'high',
    confidence: 'high',
    description:
      'A secret written into a workflow or the config is read by everyone who can read the repository, its history, the review output and the dashboard, and it stays in version history after it is removed. The rule looks at every string of a workflow (descriptions, labels, `with` parameters, CEL expressions and the text around `${{ }}` templates) and of the config for the shapes of known secrets (URLs with a password or a secret query parameter, `Bearer`/`Basic` credentials, cloud, GitHub, GitLab, Slack, npm, Stripe and API-vendor keys, private keys, JWTs, Rectify tokens), and at values under a secret-named key of a `with` block (`password`, `token`, `apiKey`, `Authorization`, ...; numbers too, where the whole key is a secret word). The config loader already refuses most literal secrets; this rule also covers workflows, which the loader does not inspect for secrets, and what the loader lets through (a numeric password, a NATS token as the user part of a `nats://` URL). High and of high confidence: these shapes are specific, and references (`env:NAME`, `file:/path`) and templates are never reported.',
    remediation: {
      summary:
        'Remove the secret, rotate it (it is in version history), and reference it instead: a credential in the config with `env:NAME` or `file:/path`, never the value.',
      before: [
        'metadata:',
        '  name: pg-lock-leaked-role',
        '  description: >-',
        '    Set NOLOGIN on a leaked role. Tried by hand with',
        '    postgres://rectify_admin:Winter2027@pg-staging-1/postgres first.',
      ].join('\n'),
      after: [
        'metadata:',
        '  name: pg-lock-leaked-role',
        '  description: >-',
        '    Set NOLOGIN on a leaked role. Tried by hand on pg-staging-1 first.',
        '# rectify.yaml: the connection is a credential whose secret is a reference',
        'credentials:',
        '  - name: pg-role-locker',
        '    connector: postgres',
        '    with: { url: env:PG_ROLE_LOCKER_URL }',
        '    scopes: [postgres.role.get, postgres.role.set-login]',
      ].join('\n'),
    },
    references: [
      'spec/review.md',
      'spec/config.md',
      'https://cwe.mitre.org/data/definitions/798.html',
      'https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/',
    ],
    messages: {
      literal: '`{{field}}` holds {{kind}} written literally',
    },
  },
  checkWorkflow(context) {
    for (const found of findLiteralSecrets(context.raw)) context.report(report(found));
  },
  checkConfig(context) {
    for (const found of findLiteralSecrets(context.raw)) context.report(report(found));
    // NATS reads a user part without a password as a token: `nats://<token>@host`.
    context.config.sources.forEach((source, index) => {
      if (source.type === 'nats' && natsTokenInUrl.test(source.url))
        context.report(
          report({ path: ['sources', index, 'url'], kind: 'a NATS token (the user part of its URL)' }),
        );
    });
  },
};
