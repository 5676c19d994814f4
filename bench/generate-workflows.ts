/**
 * Generated workflows for benchmarks: realistic size and shape (match, dedupe, corroborate,
 * limits, approval, two steps with templates, verify, notify), each one different.
 */
export function generateWorkflowYaml(index: number): string {
  const bucket = `bucket-${index}`;
  return `apiVersion: rectify.dev/v1
kind: Workflow
metadata:
  name: generated-${index}
  owner: team:bench-${index % 7}
  description: Generated workflow ${index} for benchmarks.
  reviewBy: 2027-03-01
  labels: { env: prod, shard: "${index % 10}" }
spec:
  mode: enforce
  credentials: sandbox-${index % 5}
  trigger:
    source: scanner-${index % 3}
    types: [sandbox.bucket.public, sandbox.bucket.changed]
    match: >-
      event.resource.bucket in ["${bucket}", "${bucket}-logs"] &&
      event.data.access == "public" && event.severity in ["high", "critical"]
    dedupe: { key: event.resource.id, window: 1h }
    settle: 5s
  corroborate:
    - check: sandbox.bucket.get
      with: { bucket: "\${{ event.resource.bucket }}" }
      expect: result.access == "public" && result.exists
  exempt:
    - when: event.resource.tags["exempt"] == "yes"
      reason: benchmark exemption ${index}
      owner: team:bench
      until: 2027-01-31
  limits:
    concurrency: 1
    rate: { max: ${(index % 9) + 1}, per: 1h }
    blastRadius: { max: 5, per: 24h }
    onExceeded: pause
  approval:
    when: event.resource.bucket.startsWith("prod-")
    approvers: [role:secops-oncall]
    timeout: 30m
    onTimeout: abort
  steps:
    - id: close
      action: sandbox.bucket.set-access
      with:
        bucket: \${{ event.resource.bucket }}
        access: private
      timeout: 20s
      retry: { attempts: 3, backoff: exponential, initial: 1s, max: 10s }
    - id: confirm
      action: sandbox.bucket.get
      if: steps.close.output.access == "private"
      with: { bucket: "\${{ steps.close.output.bucket }}" }
  verify:
    check: sandbox.bucket.get
    with: { bucket: "\${{ event.resource.bucket }}" }
    expect: result.access == "private"
    after: 5s
  notify:
    - channel: slack-secops
      on: [succeeded, failed, compensated, paused]
  onFailure: compensate
`;
}
