import { parseDate } from '../core/date.js';

/**
 * Inline suppressions: `# rectify: ignore[<rule-id>, ...] reason="..." until=YYYY-MM-DD`,
 * on the offending line or the line above (spec/review.md, "Suppression").
 */
export interface Suppression {
  /** 1-based line of the comment. */
  readonly line: number;
  readonly column: number;
  readonly endColumn: number;
  readonly rules: readonly string[];
  readonly reason: string | undefined;
  readonly until: string | undefined;
  /** Set when the comment is recognisably a suppression but does not parse. */
  readonly malformed: boolean;
}

const marker = /#\s*rectify:\s*ignore\b/;
const full = /#\s*rectify:\s*ignore\[([^\]]*)\]((?:\s+(?:reason="(?:[^"\\]|\\.)*"|until=\S+))*)\s*$/;

/** Every suppression comment of a file, in order. Pure: reads the text only. */
export function parseSuppressions(text: string): Suppression[] {
  const found: Suppression[] = [];
  text.split(/\r?\n/).forEach((content, index) => {
    const start = content.search(marker);
    if (start === -1 || !isComment(content, start)) return;
    const comment = content.slice(start);
    const base = { line: index + 1, column: start + 1, endColumn: content.length + 1 };
    const match = full.exec(comment);
    if (!match) {
      found.push({ ...base, rules: [], reason: undefined, until: undefined, malformed: true });
      return;
    }
    const attributes = match[2] ?? '';
    const reason = /reason="((?:[^"\\]|\\.)*)"/.exec(attributes)?.[1]?.replace(/\\(.)/g, '$1');
    const until = /until=(\S+)/.exec(attributes)?.[1];
    const rules = (match[1] ?? '')
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r !== '');
    found.push({
      ...base,
      rules,
      reason: reason?.trim() === '' ? undefined : reason,
      until,
      malformed: rules.length === 0,
    });
  });
  return found;
}

/** A `#` starts a comment only outside quotes, at the line start or after white space. */
function isComment(line: string, hashIndex: number): boolean {
  if (hashIndex > 0 && !/\s/.test(line[hashIndex - 1] ?? '')) return false;
  let single = false;
  let double = false;
  for (let i = 0; i < hashIndex; i++) {
    const ch = line[i];
    if (ch === "'" && !double) single = !single;
    else if (ch === '"' && !single && line[i - 1] !== '\\') double = !double;
  }
  return !single && !double;
}

/** True when `until` is a real date and today is after it. */
export function isExpired(until: string, today: string): boolean {
  const end = parseDate(until);
  const now = parseDate(today);
  return end !== undefined && now !== undefined && now > end;
}
