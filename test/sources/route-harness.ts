import type { LightMyRequestResponse } from 'fastify';
import { signDelivery } from '../../src/sources/auth/hmac-signature.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { canaries, loadConfig, serverHarness, type ServerHarness } from '../server/harness.js';

/** Sources of every kind the route tests need; secrets are the server harness's canaries. */
export const sourcesConfig = `
apiVersion: rectify.dev/v1
kind: Config
store: "sqlite::memory:"
sources:
  - { name: sandbox, type: webhook, format: generic, auth: { bearer: env:CANARY_SOURCE_TOKEN } }
  - { name: signed, type: webhook, format: generic, auth: { hmac: { secret: env:CANARY_HMAC_SECRET, tolerance: 5m } } }
  - { name: unset, type: webhook, format: generic, auth: { bearer: env:CANARY_NEVER_SET } }
  - { name: alertmanager, type: webhook, format: alertmanager, auth: { bearer: env:CANARY_SOURCE_TOKEN } }
  - { name: ce, type: webhook, format: cloudevents, auth: { bearer: env:CANARY_SOURCE_TOKEN } }
  - { name: hub, type: webhook, format: aws-eventbridge, auth: { bearer: env:CANARY_SOURCE_TOKEN } }
  - { name: falco, type: webhook, format: falco, auth: { bearer: env:CANARY_SOURCE_TOKEN } }
  - name: mapped
    type: webhook
    format: generic
    auth: { bearer: env:CANARY_SOURCE_TOKEN }
    mapping: { id: body.uid, type: '"thing.happened"', resource.id: body.thing }
credentials:
  - name: sandbox-remediator
    connector: sandbox
    with: { apiKey: env:CANARY_CRED_KEY }
    scopes: [sandbox.bucket.get, sandbox.bucket.set-access]
`;

export async function sourcesHarness(options: { bodyLimit?: number } = {}): Promise<ServerHarness> {
  return serverHarness({ config: loadConfig(sourcesConfig), ...options });
}

export const sourceToken = { authorization: `Bearer ${canaries.SOURCE_TOKEN}` };

/** What the store holds: a refused delivery must change nothing but the `source.rejected` count. */
export async function storeCounts(
  store: SqliteStore,
): Promise<{ events: number; runs: number; rejected: number; audit: number }> {
  return store.transaction(async (tx) => {
    let events = 0;
    while (await tx.getEvent(events + 1)) events++;
    const runs = (await tx.listRuns({ limit: 10_000 })).length;
    const audit = await tx.auditRecords(0, 100_000);
    return {
      events,
      runs,
      rejected: audit.filter((r) => r.kind === 'source.rejected').length,
      audit: audit.length,
    };
  });
}

/** The `source.rejected` records, newest last. */
export async function rejections(store: SqliteStore): Promise<Record<string, unknown>[]> {
  const audit = await store.transaction((tx) => tx.auditRecords(0, 100_000));
  return audit.filter((r) => r.kind === 'source.rejected').map((r) => r.data as Record<string, unknown>);
}

/** Headers of a delivery signed for the `signed` source at `unixSeconds`. */
export function signed(
  body: string,
  unixSeconds: number,
  secret: string = canaries.HMAC_SECRET,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-signature': signDelivery(secret, unixSeconds, body),
    'x-rectify-timestamp': String(unixSeconds),
  };
}

export function post(
  h: ServerHarness,
  source: string,
  payload: string | Buffer,
  headers: Record<string, string>,
): Promise<LightMyRequestResponse> {
  return h.app.inject({ method: 'POST', url: `/v1/sources/${source}/events`, headers, payload });
}
