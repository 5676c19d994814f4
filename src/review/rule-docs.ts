import type { Rule } from './rule.js';

/**
 * The doc page of a rule, generated from its `meta` so that docs and rule never disagree
 * (`npm run docs:rules` writes docs/rules/; a test fails when they drift).
 */
export function ruleDocPage(rule: Rule): string {
  const { meta } = rule;
  const needs = [
    meta.needsConfig ? 'the config (`rectify.yaml`)' : undefined,
    meta.needsHistory ? "the workflow's version history (server-side review only)" : undefined,
  ].filter(Boolean);
  return [
    `# \`${meta.id}\`: ${meta.title}`,
    '',
    `| severity | confidence |${needs.length > 0 ? ' needs |' : ''}`,
    `|---|---|${needs.length > 0 ? '---|' : ''}`,
    `| ${meta.severity} | ${meta.confidence} |${needs.length > 0 ? ` ${needs.join('; ')} |` : ''}`,
    '',
    meta.description,
    '',
    '## ❌ Reported',
    '',
    '```yaml',
    meta.remediation.before,
    '```',
    '',
    '## ✅ Fixed',
    '',
    '```yaml',
    meta.remediation.after,
    '```',
    '',
    `**How to fix:** ${meta.remediation.summary}`,
    '',
    '## Messages',
    '',
    ...Object.entries(meta.messages).map(([id, text]) => `- \`${id}\`: ${text}`),
    '',
    '## Suppressing',
    '',
    'Accept a finding on purpose with a comment on its line or the line above; the reason is required,',
    `and an end date too for high and critical findings:`,
    '',
    '```yaml',
    `# rectify: ignore[${meta.id}] reason="why this is acceptable here" until=2027-03-01`,
    '```',
    ...(meta.aliases && meta.aliases.length > 0
      ? ['', `Also known as: ${meta.aliases.map((a) => `\`${a}\``).join(', ')}.`]
      : []),
    '',
    '## References',
    '',
    ...meta.references.map((ref) => `- ${/^https?:/.test(ref) ? `<${ref}>` : ref}`),
    '',
  ].join('\n');
}

/** docs/rules/README.md: every rule in a table. */
export function ruleIndexPage(rules: readonly Rule[]): string {
  return [
    '# Review rules',
    '',
    '`rectify review` runs every rule below. Rule ids are part of the contract: suppressions name them,',
    'and they are never renamed. Severity and confidence decide what blocks (default: high severity,',
    'medium confidence and above; see `--fail-on` and `--min-confidence`).',
    '',
    '| rule | severity | confidence | finds |',
    '|---|---|---|---|',
    ...rules.map(
      (rule) =>
        `| [\`${rule.meta.id}\`](${rule.meta.id}.md) | ${rule.meta.severity} | ${rule.meta.confidence} | ${rule.meta.title} |`,
    ),
    '',
  ].join('\n');
}
