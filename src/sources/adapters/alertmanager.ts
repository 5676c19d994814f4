import { createHash } from 'node:crypto';
import { canonicalJson } from '../../audit/canonical-json.js';
import type { AdaptedEvent, FormatAdapter, SourceDelivery } from './adapter.js';
import { maxEventsPerDelivery } from './adapter.js';
import { acceptsJson } from './json-batch.js';
import { parseJsonBody } from './parse-json.js';
import { PayloadError, pointer } from './payload-error.js';
import { optionalString, requireObject, requireString, requireTime, type Path } from './read-fields.js';
import { severityOf } from './severity.js';

/** Labels that name what an alert is about, most specific first, with the resource kind each gives. */
const resourceLabels = [
  ['pod', 'k8s.pod'],
  ['deployment', 'k8s.deployment'],
  ['instance', 'host'],
  ['job', 'service'],
] as const;

/**
 * The `alertmanager` format: a Prometheus Alertmanager webhook (`webhook_config`, payload
 * version 4). One POST carries a group; each alert of `alerts[]` becomes one event:
 *
 * - `id`: `<fingerprint>:<startsAt>`, plus `:resolved` for a resolved alert, so its resolution is
 *   a new event and not a duplicate of the firing one (no fingerprint, on old Alertmanagers: a
 *   hash of the sorted labels);
 * - `type`: the `alertname` label; `data.status` says firing or resolved;
 * - `time`: `startsAt` (firing) or `endsAt` (resolved); `severity` from the `severity` label;
 * - `resource`: the first of the labels pod, deployment, instance, job (prefixed with the
 *   namespace when there is one), kind k8s.pod, k8s.deployment, host, service;
 * - `data`: the alert (status, labels, annotations, times, generatorURL, fingerprint).
 *
 * @example alertmanagerAdapter.adapt(delivery) // 2 alerts -> 2 events
 */
export const alertmanagerAdapter: FormatAdapter = {
  format: 'alertmanager',
  mediaTypes: ['application/json'],
  accepts: acceptsJson,
  adapt(delivery: SourceDelivery): AdaptedEvent[] {
    const body = requireObject(parseJsonBody(delivery.body), []);
    if (body.version !== undefined && body.version !== '4')
      throw new PayloadError('/version', 'must be "4": only Alertmanager webhook payload version 4 is read');
    const alerts = body.alerts;
    if (!Array.isArray(alerts)) throw new PayloadError('/alerts', 'must be an array of alerts');
    if (alerts.length === 0)
      throw new PayloadError('/alerts', 'is empty: a webhook carries at least one alert');
    if (alerts.length > maxEventsPerDelivery)
      throw new PayloadError(
        '/alerts',
        `has ${alerts.length} alerts; at most ${maxEventsPerDelivery} per request`,
      );
    const groupStatus = optionalString(body.status, ['status']);
    return alerts.map((alert: unknown, index) => adaptAlert(alert, ['alerts', index], groupStatus, delivery));
  },
};

function adaptAlert(
  value: unknown,
  path: Path,
  groupStatus: string | undefined,
  delivery: SourceDelivery,
): AdaptedEvent {
  const alert = requireObject(value, path);
  const labels = requireObject(alert.labels, [...path, 'labels']);
  const status = optionalString(alert.status, [...path, 'status']) ?? groupStatus;
  if (status !== 'firing' && status !== 'resolved')
    throw new PayloadError(pointer([...path, 'status']), 'must be "firing" or "resolved"');
  const type = requireString(labels.alertname, [...path, 'labels', 'alertname']);
  const startsAt = requireTime(alert.startsAt, [...path, 'startsAt']);
  const time = status === 'resolved' ? requireTime(alert.endsAt, [...path, 'endsAt']) : startsAt;
  const fingerprint =
    optionalString(alert.fingerprint, [...path, 'fingerprint']) ??
    createHash('sha256').update(canonicalJson(labels)).digest('hex').slice(0, 16);
  return {
    envelope: {
      id: `${fingerprint}:${startsAt}${status === 'resolved' ? ':resolved' : ''}`,
      source: delivery.source,
      type,
      time,
      severity: severityOf(labels.severity) ?? 'medium',
      resource: resourceOf(labels, path),
      data: { ...alert, status },
    },
    original: alert,
    at: pointer(path),
    verbatim: false,
  };
}

function resourceOf(labels: Record<string, unknown>, path: Path): { id: string; kind: string } {
  const namespace =
    typeof labels.namespace === 'string' && labels.namespace !== '' ? labels.namespace : undefined;
  for (const [label, kind] of resourceLabels) {
    const value = labels[label];
    if (typeof value === 'string' && value !== '')
      return { id: namespace && kind.startsWith('k8s.') ? `${namespace}/${value}` : value, kind };
  }
  throw new PayloadError(
    pointer([...path, 'labels']),
    'names no resource: give the alert a pod, deployment, instance or job label',
  );
}
