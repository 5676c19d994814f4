import type { FormatAdapter, WebhookSource } from './adapter.js';
import { alertmanagerAdapter } from './alertmanager.js';
import { awsEventBridgeAdapter } from './aws-eventbridge.js';
import { cloudEventsAdapter } from './cloudevents.js';
import { compileMapping } from './event-mapping.js';
import { genericAdapter } from './generic.js';

/**
 * The adapter of a webhook source's `format`, or undefined for a format this build does not read
 * (falco, github, ocsf: the server answers 501). Compiles a generic source's `mapping`, and
 * throws `MappingError` naming the source and entry if it does not compile: call it at start.
 * @example adapterFor({ name: 'am', type: 'webhook', format: 'alertmanager' })?.format // 'alertmanager'
 */
export function adapterFor(source: WebhookSource): FormatAdapter | undefined {
  switch (source.format) {
    case 'generic':
      return genericAdapter(source.mapping ? compileMapping(source.name, source.mapping) : undefined);
    case 'alertmanager':
      return alertmanagerAdapter;
    case 'cloudevents':
      return cloudEventsAdapter;
    case 'aws-eventbridge':
      return awsEventBridgeAdapter;
    default:
      return undefined;
  }
}

/** Formats of the config this build has an adapter for. */
export const supportedFormats = ['generic', 'alertmanager', 'cloudevents', 'aws-eventbridge'] as const;
