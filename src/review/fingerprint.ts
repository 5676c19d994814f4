import { createHash } from 'node:crypto';

/**
 * A finding's identity for baselines and SARIF `partialFingerprints`. Built from the rule, the
 * file, the YAML path and the reported value as data, never from line numbers or whitespace: it
 * survives re-indentation and lines added above, and changes when the offending value does.
 */
export function fingerprint(parts: {
  ruleId: string;
  file: string;
  path: string;
  messageId: string;
  value: unknown;
}): string {
  const canonical = JSON.stringify([
    parts.ruleId,
    parts.file.replace(/\\/g, '/'),
    parts.path,
    parts.messageId,
    normalise(parts.value),
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

function normalise(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\s+/g, ' ').trim();
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, normalise(v)]),
    );
  }
  return value ?? null;
}
