import type { ChannelConfig } from '../core/model/config.js';
import { isSecretReference } from '../core/secrets.js';
import type { NotificationRow } from '../store/notifications-store.js';
import { DeliveryError } from './delivery-error.js';
import { postBody } from './http-post.js';
import { sendEmail } from './send-email.js';
import { slackBlocks } from './slack-blocks.js';
import { signatureHeader, signWebhook, timestampHeader } from './webhook-signature.js';

/** Resolves a secret reference (`env:NAME`, `file:/path`); throws naming the reference, never the value. */
export type ResolveSecret = (reference: string) => string;

export interface DeliverOptions {
  readonly resolveSecret: ResolveSecret;
  readonly link: string | undefined;
  readonly timeoutMs: number;
  /** Unix time in ms, for the webhook's signature timestamp. */
  readonly now: number;
  /** Every secret value resolved for this delivery is added here, to scrub errors with. */
  readonly secrets: string[];
}

/**
 * Delivers one notification to its channel. Secrets are resolved now, for this delivery (a
 * rotated secret is used from the next attempt), and collected in `options.secrets`.
 * @example await deliver(channel, row, { resolveSecret, link, timeoutMs: 10_000, now: Date.now(), secrets: [] })
 */
export async function deliver(
  channel: ChannelConfig,
  notification: NotificationRow,
  options: DeliverOptions,
): Promise<void> {
  const secret = (reference: string, field: string): string => {
    let value: string;
    try {
      value = options.resolveSecret(reference);
    } catch {
      // Retryable: the variable or file may be fixed (and the process restarted) before the last attempt.
      throw new DeliveryError(
        `channel ${channel.name}: ${field} ${reference} could not be resolved; set it, or fix the reference in rectify.yaml`,
        { retryable: true },
      );
    }
    options.secrets.push(value);
    return value;
  };
  const { message } = notification;
  switch (channel.type) {
    case 'slack': {
      const url = secret(channel.url, 'url');
      await postBody(
        'slack',
        url,
        JSON.stringify(slackBlocks(message, options.link)),
        jsonType,
        options.timeoutMs,
      );
      return;
    }
    case 'webhook': {
      const url = isSecretReference(channel.url) ? secret(channel.url, 'url') : channel.url;
      const body = JSON.stringify({
        type: 'rectify.notification',
        id: notification.id,
        channel: channel.name,
        ...message,
        link: options.link ?? null,
      });
      const timestamp = Math.floor(options.now / 1000);
      const headers: Record<string, string> = {
        ...jsonType,
        // The same id on every attempt: a receiver drops the deliveries it has already seen.
        'X-Rectify-Delivery': String(notification.id),
        [timestampHeader]: String(timestamp),
      };
      if (channel.secret)
        headers[signatureHeader] = signWebhook(secret(channel.secret, 'secret'), timestamp, body);
      await postBody('webhook', url, body, headers, options.timeoutMs);
      return;
    }
    case 'email': {
      const password = channel.smtp.password ? secret(channel.smtp.password, 'smtp.password') : undefined;
      await sendEmail(channel, password, message, options.link, options.timeoutMs);
      return;
    }
  }
}

const jsonType = { 'content-type': 'application/json' };
