import { describe, expect, it } from 'vitest';
import { eventSchema } from '../../../src/core/model/event.js';
import { awsEventBridgeAdapter } from '../../../src/sources/adapters/aws-eventbridge.js';
import { delivery, exampleEvent, fixture, payloadError } from '../delivery.js';

/** "Security Hub Findings - Imported", as the AWS docs show it, around one ASFF finding. */
function imported(finding: unknown): Record<string, unknown> {
  return {
    version: '0',
    id: 'a7f3e1c2-0000-4000-8000-000000000001',
    'detail-type': 'Security Hub Findings - Imported',
    source: 'aws.securityhub',
    account: '111122223333',
    time: '2026-11-27T09:55:03Z',
    region: 'eu-west-1',
    resources: ['arn:aws:securityhub:eu-west-1::product/aws/securityhub/finding/x'],
    detail: { findings: [finding] },
  };
}

describe('aws-eventbridge adapter', () => {
  it('makes a Security Hub finding into the event the s3-block-public-bucket workflow expects', () => {
    const example = JSON.parse(exampleEvent('s3-block-public-bucket.json').toString()) as {
      data: { Id: string; UpdatedAt: string };
    };
    const [event, ...rest] = awsEventBridgeAdapter.adapt(
      delivery(imported(example.data), { source: 'aws-security-hub' }),
    );
    expect(rest).toHaveLength(0);
    // The same event, but a finding that fails again after a fix must be a new event: id + UpdatedAt.
    expect(event?.envelope).toEqual({ ...example, id: `${example.data.Id}:${example.data.UpdatedAt}` });
  });

  it('reads real ASFF findings (S3.8 failed, S3.2 passed) and a Custom Action event', () => {
    const failed = JSON.parse(fixture('aws-securityhub-s3.8-failed-finding-asff.json').toString()) as unknown;
    const [s38] = awsEventBridgeAdapter.adapt(delivery(imported(failed)));
    expect(s38?.envelope).toMatchObject({
      type: 'S3.8',
      severity: 'high',
      resource: { id: 'arn:aws:s3:::example', kind: 'AwsS3Bucket' },
    });
    const passed = JSON.parse(fixture('aws-securityhub-s3.2-passed-finding-asff.json').toString()) as unknown;
    const [s32] = awsEventBridgeAdapter.adapt(delivery(imported(passed)));
    expect(s32?.envelope).toMatchObject({
      type: 'S3.2',
      severity: 'info',
      data: { Compliance: { Status: 'PASSED' } },
    });
    const custom = awsEventBridgeAdapter.adapt(
      delivery(fixture('aws-securityhub-ec2.2-custom-action-event.json')),
    );
    expect(custom[0]?.envelope).toMatchObject({ type: 'EC2.2', resource: { kind: 'AwsEc2SecurityGroup' } });
    for (const event of [s38, s32, ...custom])
      expect(eventSchema.safeParse(event?.envelope).success).toBe(true);
  });

  it('reads any other EventBridge event: id, detail-type, first resource, detail', () => {
    const detail = JSON.parse(fixture('aws-guardduty-iam-recon-finding-detail.json').toString()) as unknown;
    const event = {
      version: '0',
      id: 'cd2d702e-ab31-411b-9344-793ce56b1bc7',
      'detail-type': 'GuardDuty Finding',
      source: 'aws.guardduty',
      account: '111122223333',
      time: '2026-11-27T09:55:03Z',
      region: 'us-east-1',
      resources: [],
      detail,
    };
    const [adapted] = awsEventBridgeAdapter.adapt(delivery(event));
    expect(eventSchema.safeParse(adapted?.envelope).success).toBe(true);
    expect(adapted?.envelope).toMatchObject({
      id: event.id,
      type: 'GuardDuty Finding',
      resource: { id: 'aws.guardduty/111122223333', kind: 'aws.guardduty' },
      data: detail,
    });
  });

  it('names the field at fault', () => {
    const finding = { Id: 'f-1', UpdatedAt: '2026-11-27T09:55:01Z', GeneratorId: 'g', Resources: [] };
    expect(payloadError(() => awsEventBridgeAdapter.adapt(delivery(imported(finding)))).field).toBe(
      '/detail/findings/0/Resources',
    );
    expect(payloadError(() => awsEventBridgeAdapter.adapt(delivery({ source: 'aws.s3' }))).field).toBe(
      '/detail',
    );
  });
});
