import { Severity } from '../../core/types.js';

/**
 * Severity words of other tools (Alertmanager's free-form `severity` label, Falco priorities,
 * Security Hub labels), case-insensitive, onto Rectify's five. Unknown words map to undefined:
 * the caller picks its default (medium, by policy).
 */
const words: Readonly<Record<string, Severity>> = {
  emergency: Severity.critical,
  alert: Severity.critical,
  critical: Severity.critical,
  page: Severity.critical,
  fatal: Severity.critical,
  error: Severity.high,
  major: Severity.high,
  high: Severity.high,
  warning: Severity.medium,
  warn: Severity.medium,
  minor: Severity.medium,
  medium: Severity.medium,
  notice: Severity.low,
  low: Severity.low,
  info: Severity.info,
  informational: Severity.info,
  notify: Severity.info,
  debug: Severity.info,
  none: Severity.info,
};

/**
 * @example severityOf('Warning') // 'medium'
 * @example severityOf('page') // 'critical'
 */
export function severityOf(word: unknown): Severity | undefined {
  return typeof word === 'string' ? words[word.trim().toLowerCase()] : undefined;
}
