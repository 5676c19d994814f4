import type { NotificationMessage } from '../store/notifications-store.js';

/**
 * The link to a run in the API, when the server's `publicUrl` is known.
 * @example runLink('https://rectify.example/', 'run_1') // 'https://rectify.example/v1/runs/run_1'
 */
export function runLink(publicUrl: string | undefined, runId: string): string | undefined {
  if (!publicUrl) return undefined;
  return `${publicUrl.replace(/\/+$/, '')}/v1/runs/${encodeURIComponent(runId)}`;
}

/** One line: the subject of an email, Slack's `text` fallback. */
export function renderTitle(message: NotificationMessage): string {
  return `[rectify] ${message.workflow}: ${message.outcome}`;
}

/**
 * The plain text of a notification (email body; what the webhook's `text` carries).
 * @example renderText(message, 'https://rectify.example/v1/runs/run_1')
 */
export function renderText(message: NotificationMessage, link: string | undefined): string {
  return [
    `Workflow: ${message.workflow}`,
    `Outcome:  ${message.outcome}`,
    `Resource: ${message.resource}`,
    `Reason:   ${message.reason ?? '-'}`,
    `Steps:    ${message.stepsDone.length > 0 ? message.stepsDone.join(', ') : 'none'}`,
    `Run:      ${link ?? message.runId}`,
    `At:       ${message.at}`,
  ].join('\n');
}
