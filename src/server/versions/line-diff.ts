type Edit = { readonly op: ' ' | '-' | '+'; readonly line: string };

/** Past this many cells the LCS table is not built: the differing middle is shown replaced whole. */
const maxCells = 4_000_000;

/**
 * A unified diff (as `diff -u` prints it) of two texts, line by line, with `context` unchanged
 * lines around each change. Empty when the texts are equal. Small on purpose: workflow files
 * are short, so a longest-common-subsequence table after trimming the common ends is enough.
 * @example unifiedDiff('a\nb\n', 'a\nc\n', { from: 'wf@1', to: 'wf@2' })
 * // '--- wf@1\n+++ wf@2\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n'
 */
export function unifiedDiff(
  before: string,
  after: string,
  labels: { from: string; to: string },
  context = 3,
): string {
  if (before === after) return '';
  const edits = diffLines(splitLines(before), splitLines(after));
  let out = `--- ${labels.from}\n+++ ${labels.to}\n`;
  for (const hunk of hunks(edits, context)) out += hunk;
  return out;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function diffLines(a: readonly string[], b: readonly string[]): Edit[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head = a.slice(0, start).map((line): Edit => ({ op: ' ', line }));
  const tail = a.slice(endA).map((line): Edit => ({ op: ' ', line }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  return [...head, ...lcsEdits(midA, midB), ...tail];
}

function lcsEdits(a: readonly string[], b: readonly string[]): Edit[] {
  if ((a.length + 1) * (b.length + 1) > maxCells)
    return [...a.map((line): Edit => ({ op: '-', line })), ...b.map((line): Edit => ({ op: '+', line }))];
  const width = b.length + 1;
  // lengths[i * width + j]: LCS length of a[i..] and b[j..].
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lengths[i * width + j] =
        a[i] === b[j]
          ? (lengths[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lengths[(i + 1) * width + j] ?? 0, lengths[i * width + j + 1] ?? 0);
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      edits.push({ op: ' ', line: a[i] ?? '' });
      i++;
      j++;
    } else if (
      i < a.length &&
      (j === b.length || (lengths[(i + 1) * width + j] ?? 0) >= (lengths[i * width + j + 1] ?? 0))
    )
      // Removals before additions, as `diff -u` prints them.
      edits.push({ op: '-', line: a[i++] ?? '' });
    else edits.push({ op: '+', line: b[j++] ?? '' });
  }
  return edits;
}

/** Groups edits into `@@` hunks, merging changes closer than twice the context. */
function hunks(edits: readonly Edit[], context: number): string[] {
  const changed = edits.flatMap((edit, index) => (edit.op === ' ' ? [] : [index]));
  const groups: [number, number][] = [];
  for (const index of changed) {
    const last = groups.at(-1);
    if (last && index - last[1] <= context * 2) last[1] = index;
    else groups.push([index, index]);
  }
  return groups.map(([first, last]) => {
    const from = Math.max(0, first - context);
    const to = Math.min(edits.length - 1, last + context);
    // Line numbers where the hunk starts in each text: count what precedes it.
    let lineA = 1;
    let lineB = 1;
    for (const edit of edits.slice(0, from)) {
      if (edit.op !== '+') lineA++;
      if (edit.op !== '-') lineB++;
    }
    const body = edits.slice(from, to + 1);
    const countA = body.filter((edit) => edit.op !== '+').length;
    const countB = body.filter((edit) => edit.op !== '-').length;
    const range = (line: number, count: number) => `${count === 0 ? line - 1 : line},${count}`;
    return `@@ -${range(lineA, countA)} +${range(lineB, countB)} @@\n${body.map((e) => `${e.op}${e.line}\n`).join('')}`;
  });
}
