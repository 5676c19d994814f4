import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/server/versions/line-diff.js';

const labels = { from: 'a@1', to: 'a@2' };

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('x\ny\n', 'x\ny\n', labels)).toBe('');
  });

  it('prints removals before additions, with context and line ranges', () => {
    expect(unifiedDiff('a\nb\nc\n', 'a\nB\nc\n', labels)).toBe(
      '--- a@1\n+++ a@2\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n',
    );
  });

  it('splits far-apart changes into hunks and merges near ones', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
    const after = before.replace('line 2\n', 'line two\n').replace('line 18\n', 'line eighteen\n');
    const diff = unifiedDiff(before, after, labels);
    expect(diff.match(/^@@ .* @@$/gm)).toEqual(['@@ -1,5 +1,5 @@', '@@ -15,6 +15,6 @@']);
    const near = unifiedDiff(
      before,
      before.replace('line 5\n', 'five\n').replace('line 9\n', 'nine\n'),
      labels,
    );
    expect(near.match(/^@@ .* @@$/gm)).toEqual(['@@ -2,11 +2,11 @@']);
  });

  it('handles additions at the end and to an empty text', () => {
    expect(unifiedDiff('a\n', 'a\nb\n', labels)).toBe('--- a@1\n+++ a@2\n@@ -1,1 +1,2 @@\n a\n+b\n');
    expect(unifiedDiff('', 'a\n', labels)).toBe('--- a@1\n+++ a@2\n@@ -0,0 +1,1 @@\n+a\n');
  });
});
