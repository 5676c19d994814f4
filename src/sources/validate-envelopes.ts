import { eventSchema } from '../core/model/event.js';
import type { AdaptedEvent } from './adapters/adapter.js';
import { PayloadError, pointer } from './adapters/payload-error.js';

/**
 * Checks every adapted event against the envelope schema BEFORE anything is ingested: a delivery
 * is stored whole or not at all, never half a batch. The first invalid one throws PayloadError,
 * at its own field for a verbatim envelope (`/1/resource/id`), else at the item it came from.
 * @example assertEnvelopes(genericAdapter().adapt(delivery))
 */
export function assertEnvelopes(events: readonly AdaptedEvent[]): void {
  for (const event of events) {
    const parsed = eventSchema.safeParse(event.envelope);
    if (parsed.success) continue;
    const issue = parsed.error.issues[0];
    const path = (issue?.path ?? []).map((token) => (typeof token === 'symbol' ? String(token) : token));
    const message = issue?.message ?? 'not an event envelope';
    if (event.verbatim) throw new PayloadError(`${event.at}${pointer(path)}`, message);
    throw new PayloadError(
      event.at,
      `the event made from it is not a valid envelope: ${path.join('.') || 'event'}: ${message}`,
    );
  }
}
