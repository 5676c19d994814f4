import type { AdaptedEvent, FormatAdapter, SourceDelivery } from './adapter.js';
import { maxEventsPerDelivery } from './adapter.js';
import { acceptsJson } from './json-batch.js';
import { parseJsonBody } from './parse-json.js';
import { PayloadError, pointer } from './payload-error.js';
import { optionalString, requireObject, requireString, requireTime, type Path } from './read-fields.js';
import { severityOf } from './severity.js';

/**
 * The `aws-eventbridge` format: an EventBridge event as an API destination posts it
 * (`version`, `id`, `detail-type`, `source`, `account`, `time`, `region`, `resources`, `detail`).
 *
 * Security Hub (`source: aws.securityhub`, `detail.findings[]` of ASFF findings): one event per
 * finding. `id` is the finding's `Id` + `:` + its `UpdatedAt`, so a finding that fails again
 * after a fix is a new event; `type` its control (`ProductFields.ControlId`, e.g. `S3.2`, else
 * `Compliance.SecurityControlId`, else `GeneratorId`); `time` `UpdatedAt`; `severity`
 * `Severity.Label`; `resource` `Resources[0]` (`Id`, `Type`); `data` the finding (its
 * `Compliance.Status`, `RecordState` and `Workflow.Status` say whether it is still open).
 *
 * Any other EventBridge event: `id` the event id, `type` its `detail-type`, `resource.id` its
 * first `resources` ARN (else `<source>/<account>`), `data` its `detail`.
 * @example awsEventBridgeAdapter.adapt(delivery) // a Security Hub "Findings - Imported" event -> 1 event
 */
export const awsEventBridgeAdapter: FormatAdapter = {
  format: 'aws-eventbridge',
  mediaTypes: ['application/json'],
  accepts: acceptsJson,
  adapt(delivery: SourceDelivery): AdaptedEvent[] {
    const event = requireObject(parseJsonBody(delivery.body), []);
    const detail = requireObject(event.detail, ['detail']);
    const origin = requireString(event.source, ['source']);
    if (origin === 'aws.securityhub' && detail.findings !== undefined) {
      const findings = detail.findings;
      if (!Array.isArray(findings) || findings.length === 0)
        throw new PayloadError('/detail/findings', 'must be a non-empty array of findings');
      if (findings.length > maxEventsPerDelivery)
        throw new PayloadError('/detail/findings', `has more than ${maxEventsPerDelivery} findings`);
      const fallbackTime = optionalString(event.time, ['time']);
      return findings.map((finding: unknown, index) =>
        fromFinding(finding, ['detail', 'findings', index], fallbackTime, delivery),
      );
    }
    const resources = Array.isArray(event.resources) ? event.resources : [];
    const firstResource = typeof resources[0] === 'string' && resources[0] !== '' ? resources[0] : undefined;
    const account = optionalString(event.account, ['account']);
    return [
      {
        envelope: {
          id: requireString(event.id, ['id']),
          source: delivery.source,
          type: requireString(event['detail-type'], ['detail-type']),
          time: requireTime(event.time, ['time']),
          severity: severityOf(detail.severity) ?? 'medium',
          resource: { id: firstResource ?? `${origin}/${account ?? 'unknown-account'}`, kind: origin },
          data: detail,
        },
        original: event,
        at: '',
        verbatim: false,
      },
    ];
  },
};

function fromFinding(
  value: unknown,
  path: Path,
  fallbackTime: string | undefined,
  delivery: SourceDelivery,
): AdaptedEvent {
  const finding = requireObject(value, path);
  const at = (...tokens: (string | number)[]): Path => [...path, ...tokens];
  const id = requireString(finding.Id, at('Id'));
  const time = requireTime(finding.UpdatedAt ?? fallbackTime, at('UpdatedAt'));
  const productFields = finding.ProductFields;
  const compliance = finding.Compliance;
  const type =
    stringIn(productFields, 'ControlId') ??
    stringIn(compliance, 'SecurityControlId') ??
    requireString(finding.GeneratorId, at('GeneratorId'));
  const resources = finding.Resources;
  if (!Array.isArray(resources) || resources.length === 0)
    throw new PayloadError(
      pointer(at('Resources')),
      'must be a non-empty array: the finding names no resource',
    );
  const resource = requireObject(resources[0], at('Resources', 0));
  const severity = finding.Severity;
  return {
    envelope: {
      id: `${id}:${time}`,
      source: delivery.source,
      type,
      time,
      severity: severityOf(stringIn(severity, 'Label')) ?? 'medium',
      resource: {
        id: requireString(resource.Id, at('Resources', 0, 'Id')),
        kind: requireString(resource.Type, at('Resources', 0, 'Type')),
      },
      data: finding,
    },
    original: finding,
    at: pointer(path),
    verbatim: false,
  };
}

function stringIn(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const inner = (value as Record<string, unknown>)[key];
  return typeof inner === 'string' && inner !== '' ? inner : undefined;
}
