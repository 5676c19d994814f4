import { describe, expect, it } from 'vitest';
import type { SensitiveKind } from '../../../src/core/catalog/action.js';
import { analyzePattern, patternPins } from '../../../src/review/analysis/constraints-pattern.js';

const pins = (pattern: string, kind: SensitiveKind = 'identifier'): boolean =>
  patternPins(pattern, kind).pins;
const reason = (pattern: string, kind: SensitiveKind = 'identifier'): string => {
  const verdict = patternPins(pattern, kind);
  return verdict.pins ? '' : verdict.reason;
};

describe('analyzePattern: anchoring', () => {
  it.each([
    ['^a$', true],
    ['^$', true],
    ['\\A[a-z]+\\z', true],
    ['^(a|b)$', true],
    ['^a$|^b$', true],
    ['(?i)^[a-z]+$', true],
    ['^\\bword\\b$', true],
    ['^a', false],
    ['a$', false],
    ['[a-z]+', false],
    ['^a$|b', false],
    ['^a|b$', false],
    ['^?a$', false],
    ['(^a$)', false],
  ])('%s anchored: %s', (pattern, anchored) => {
    const analysis = analyzePattern(pattern);
    expect(analysis.ok && analysis.anchored).toBe(anchored);
  });

  it.each([
    ['^(?=a)a$', 'look-around'],
    ['(?m)^a$', 'flags'],
    ['^\\pL+$', 'escape'],
    ['^a**$', 'repeated quantifier'],
    ['^[a-z$', 'unclosed character class'],
    ['^(a$', 'unclosed group'],
    ['^\\1$', 'escape'],
  ])('%s is not understood (%s): it never pins', (pattern, why) => {
    const analysis = analyzePattern(pattern);
    expect(analysis.ok).toBe(false);
    if (!analysis.ok) expect(analysis.reason).toContain(why);
    expect(pins(pattern)).toBe(false);
  });
});

describe('patternPins', () => {
  it.each([
    '^[a-z0-9-]+$',
    '^demo-[a-z0-9-]{1,40}$',
    '^[A-Za-z0-9_.-]{1,32}$',
    '^[a-z_][a-z0-9_]{0,62}$',
    '^arn:aws:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
    '^\\w+$',
    '^[\\w.-]+$',
    '^[[:alnum:]_]+$',
    '(?i)^demo-[a-z]+$',
    '^(reports|exports)-\\d{4}$',
    '^a$|^b$',
  ])('%s pins an identifier', (pattern) => {
    expect(reason(pattern)).toBe('');
  });

  it.each([
    ['^.*$', 'any character'],
    ['^.+$', 'any character'],
    ['^demo-.+$', 'any character'],
    ['^[^"]+$', 'any character'],
    ['^\\S+$', 'any character'],
    ['^[a-z ]+$', 'space'],
    ['^[a-z/]+$', '`/`'],
    ['^[a-z\\s]+$', 'control characters'],
    ['^[a-z%*]+$', '`%`'],
    ['^[a-z0-9-]+', 'not anchored'],
    ['[a-z0-9-]+$', 'not anchored'],
  ])('%s does not pin an identifier (%s)', (pattern, why) => {
    expect(reason(pattern)).toContain(why);
  });

  it('lets literal characters through: the author chose them', () => {
    expect(pins('^https://[a-z0-9-]+\\.example\\.com/status$', 'url')).toBe(true);
    expect(pins('^/var/reports/[a-z0-9_-]+\\.csv$', 'path')).toBe(true);
  });

  it('is stricter for paths, URLs and queries: no sender-chosen `.`', () => {
    expect(pins('^[a-z.]+$', 'identifier')).toBe(true);
    expect(reason('^[a-z.]+$', 'path')).toContain('`.`');
    expect(reason('^[a-z.]+$', 'url')).toContain('`.`');
    expect(reason('^[a-z.]+$', 'query')).toContain('`.`');
  });

  it('keeps a command argument from starting with `-`', () => {
    expect(reason('^[a-z-]+$', 'argv')).toContain('start with `-`');
    expect(reason('^[-a-z]?x$', 'argv')).toContain('start with `-`');
    expect(pins('^x[a-z-]+$', 'argv')).toBe(true);
    expect(pins('^[a-z][a-z-]*$', 'argv')).toBe(true);
  });

  it('reports non-ASCII characters', () => {
    expect(reason('^[a-zé]+$')).toContain('non-ASCII');
  });
});
