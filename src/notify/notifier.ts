import type { ChannelConfig } from '../core/model/config.js';
import { coerceError } from '../core/errors.js';
import { literalSecretKind } from '../core/secrets.js';
import { systemClock, type Clock } from '../engine/clock.js';
import type { NotificationRow } from '../store/notifications-store.js';
import type { Store } from '../store/store.js';
import { defaultRetryPolicy, nextAttemptAt, type RetryPolicy } from './backoff.js';
import { deliver, type ResolveSecret } from './channel-sender.js';
import { DeliveryError, scrubSecrets } from './delivery-error.js';
import { runLink } from './render-text.js';

export interface NotifierOptions {
  readonly store: Store;
  /** The config's `channels`. */
  readonly channels: readonly ChannelConfig[];
  readonly resolveSecret: ResolveSecret;
  readonly clock?: Clock;
  /** How often the outbox is looked at; default 1000 ms. */
  readonly pollMs?: number;
  /** Deliveries claimed (and sent concurrently) at a time; default 20. */
  readonly batchSize?: number;
  readonly retry?: RetryPolicy;
  /** Per request (HTTP, SMTP stages); default 10 s. */
  readonly timeoutMs?: number;
  /** The server's `publicUrl`: messages link to `<publicUrl>/v1/runs/<id>`. */
  readonly publicUrl?: string;
  /** Errors that are not a delivery's (the store is down): log them. */
  readonly onError?: (error: Error, context: string) => void;
  /** Told every attempt's result: metrics (`rectify_notifications_total`). */
  readonly onResult?: (channel: string, result: NotificationResult) => void;
}

/** `failed` will be tried again; `dead` will not. */
export type NotificationResult = 'delivered' | 'failed' | 'dead';

export interface Notifier {
  /** Delivers everything due by the clock now, retries included; resolves with how many were attempted. */
  drain(): Promise<number>;
  /** Stops polling and waits for the deliveries under way to be recorded. */
  stop(): Promise<void>;
}

/**
 * Starts the delivery worker of the notification outbox: every `pollMs` it claims the due
 * deliveries, sends each to its channel (Slack, signed webhook, email), and records the attempt
 * and an audit record (`notification.delivered` / `notification.failed`) in one transaction.
 * A failure is tried again with capped exponential backoff, up to `retry.maxAttempts`, then the
 * delivery is `dead`.
 *
 * Invariants: a delivery NEVER touches its run (it is sent outside any run's transaction and
 * writes only the outbox and the audit log), and no secret (webhook URL, HMAC secret, SMTP
 * password) reaches a stored error, an audit record or `onError`. Delivery is at least once: a
 * process that dies mid-send sends again after the claim's lease; webhook receivers dedupe on
 * `X-Rectify-Delivery`.
 * @example
 * const notifier = startNotifier({ store, channels: config.channels, resolveSecret, publicUrl })
 * // at shutdown
 * await notifier.stop()
 */
export function startNotifier(options: NotifierOptions): Notifier {
  const clock = options.clock ?? systemClock;
  const retry = options.retry ?? defaultRetryPolicy;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const batchSize = options.batchSize ?? 20;
  // Longer than one delivery can take (SMTP has three timed stages): never claimed twice while sending.
  const leaseMs = timeoutMs * 4;
  const channels = new Map(options.channels.map((c) => [c.name, c]));
  let stopped = false;
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  /** Work runs one round at a time: a poll never overlaps a drain. */
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work);
    chain = next.catch(() => undefined);
    return next;
  };

  const round = async (): Promise<number> => {
    const now = clock.now();
    const claimed = await options.store.transaction((tx) =>
      tx.notifications.claimDue(now, batchSize, leaseMs),
    );
    await Promise.all(claimed.map((n) => attempt(n)));
    return claimed.length;
  };

  const attempt = async (n: NotificationRow): Promise<void> => {
    const secrets: string[] = [];
    let failure: DeliveryError | undefined;
    try {
      const channel = channels.get(n.channel);
      if (!channel)
        throw new DeliveryError(
          `channel ${n.channel} is not configured: add it to channels in rectify.yaml, or fix the workflow's notify`,
          { retryable: false },
        );
      await deliver(channel, n, {
        resolveSecret: options.resolveSecret,
        link: runLink(options.publicUrl, n.runId),
        timeoutMs,
        now: clock.now(),
        secrets,
      });
    } catch (error) {
      failure =
        error instanceof DeliveryError
          ? error
          : new DeliveryError(coerceError(error).message, { retryable: true });
    }
    const at = clock.now();
    const attempts = n.attempts + 1;
    const error = failure && safeError(failure.message, secrets);
    const retryAt = failure?.retryable ? nextAttemptAt(retry, attempts, at, failure.retryAfterMs) : null;
    const result: NotificationResult = !failure ? 'delivered' : retryAt === null ? 'dead' : 'failed';
    try {
      await options.store.transaction(async (tx) => {
        await tx.notifications.recordAttempt(
          n.id,
          error === undefined ? { ok: true, at } : { ok: false, at, error, nextAttemptAt: retryAt },
        );
        await tx.appendAudit({
          at: new Date(at).toISOString(),
          kind: error === undefined ? 'notification.delivered' : 'notification.failed',
          runId: n.runId,
          data: {
            notification: n.id,
            channel: n.channel,
            workflow: n.workflow,
            outcome: n.outcome,
            attempt: attempts,
            ...(error === undefined
              ? {}
              : {
                  error,
                  final: retryAt === null,
                  retryAt: retryAt === null ? null : new Date(retryAt).toISOString(),
                }),
          },
        });
      });
    } catch (storeError) {
      // The claim's lease makes it due again: it will be sent (and recorded) once more.
      options.onError?.(coerceError(storeError), `recording notification ${n.id}`);
      return;
    }
    options.onResult?.(n.channel, result);
  };

  const poll = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      void serial(round)
        .catch((error: unknown) => options.onError?.(coerceError(error), 'notification outbox'))
        .finally(poll);
    }, options.pollMs ?? 1000);
    timer.unref();
  };
  poll();

  return {
    drain: () =>
      serial(async () => {
        let total = 0;
        // Each round moves what it claimed out of "due now" (delivered, dead, or retried later).
        for (let i = 0; i < 1000; i++) {
          const attempted = await round();
          if (attempted === 0) break;
          total += attempted;
        }
        return total;
      }),
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await chain;
    },
  };
}

/** The error as stored and audited: resolved secrets scrubbed, and withheld if it still looks like one. */
function safeError(message: string, secrets: readonly string[]): string {
  const scrubbed = scrubSecrets(message, secrets);
  const kind = literalSecretKind(undefined, scrubbed);
  return kind === undefined ? scrubbed : `delivery failed; the error text is withheld: it contained ${kind}`;
}
