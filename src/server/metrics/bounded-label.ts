/** What a label value becomes when it is not allowed: one series for all of them. */
export const otherLabel = 'other';

/** Label values look like names: config names, action ids, `<workflow>~shadow`. */
const namePattern = /^[A-Za-z0-9][A-Za-z0-9._~:-]{0,99}$/;

/**
 * Keeps a label's values bounded: every distinct value is a time series held forever by
 * Prometheus, so a value chosen by whoever sends an event (its `source`, an id) must never become
 * a label. With `allowed` (the config's source names, say), only those pass; without, only
 * name-like values pass, and at most `max` distinct ones. The rest are counted as `other`.
 * @example
 * const source = new BoundedLabel(100, () => ['alertmanager'])
 * source.value('alertmanager') // 'alertmanager'
 * source.value('attacker-chosen-123') // 'other'
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(
    private readonly max: number,
    private readonly allowed?: () => Iterable<string>,
  ) {}

  value(raw: string): string {
    if (this.allowed) {
      for (const name of this.allowed()) if (name === raw) return raw;
      return otherLabel;
    }
    if (!namePattern.test(raw)) return otherLabel;
    if (this.seen.has(raw)) return raw;
    if (this.seen.size >= this.max) return otherLabel;
    this.seen.add(raw);
    return raw;
  }
}
