/** Calendar dates as users write them: `YYYY-MM-DD`, validated as real days. */
export const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Returns the UTC midnight of the date in ms since the epoch, or undefined when it is not a real date. */
export function parseDate(text: string): number | undefined {
  const match = datePattern.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    return undefined;
  }
  return ms;
}

/** The end of the given day (exclusive), UTC: a date `until` holds through the whole of that day. */
export function endOfDate(text: string): number | undefined {
  const start = parseDate(text);
  return start === undefined ? undefined : start + 86_400_000;
}
