import type { NotificationMessage } from '../store/notifications-store.js';
import { renderTitle } from './render-text.js';

/** Slack's limits: a header's text, a section field's text. Longer text is cut, never refused. */
const headerMax = 150;
const fieldMax = 2000;

const outcomeIcon: Partial<Record<NotificationMessage['outcome'], string>> = {
  succeeded: ':white_check_mark:',
  failed: ':x:',
  compensated: ':leftwards_arrow_with_hook:',
  unverified: ':warning:',
  needs_attention: ':rotating_light:',
  awaiting_approval: ':raised_hand:',
  paused: ':double_vertical_bar:',
};

/**
 * Slack message (Block Kit) for a notification: a header with the workflow and the outcome,
 * a section with the resource, reason and steps as fields, a context line with the run (linked
 * when `link` is known) and the time; `text` is the fallback for notifications and old clients.
 *
 * Resource ids and reasons come from events, which an attacker may shape: they are escaped
 * (`&`, `<`, `>`) so that they cannot add links or mentions to the message.
 * @example slackBlocks(message, 'https://rectify.example/v1/runs/run_1').blocks[0] // { type: 'header', ... }
 */
export function slackBlocks(message: NotificationMessage, link: string | undefined): SlackMessage {
  const steps =
    message.stepsDone.length > 0 ? message.stepsDone.map((s) => `\`${escape(s)}\``).join(', ') : 'none';
  const run = link ? `<${link}|${escape(message.runId)}>` : `\`${escape(message.runId)}\``;
  return {
    text: renderTitle(message),
    blocks: [
      {
        type: 'header',
        text: {
          type: 'plain_text',
          text: cut(
            `${outcomeIcon[message.outcome] ?? ''} ${message.workflow}: ${message.outcome}`.trim(),
            headerMax,
          ),
          emoji: true,
        },
      },
      {
        type: 'section',
        fields: [
          field(`*Resource*\n\`${escape(message.resource)}\``),
          field(`*Reason*\n${message.reason === null ? '-' : escape(message.reason)}`),
          field(`*Steps done*\n${steps}`),
        ],
      },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `Run ${run} · ${escape(message.at)} · Rectify` }],
      },
    ],
  };
}

export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

const field = (text: string) => ({ type: 'mrkdwn', text: cut(text, fieldMax) });

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Slack's escaping of mrkdwn control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
