import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/audit-record.js';
import type { Connector, ResolvedCredential } from '../../src/core/catalog/connector.js';
import { scanAsSource } from './scan-as-source.js';
import { postgresConnector } from '../../src/connectors/postgres/postgres-connector.js';
import { auditVerifies, harness, workflow, type Harness } from '../engine/helpers.js';
import { adminClient, adminUrl, dropAll, uniqueName } from '../connectors/postgres/pg-fixture.js';
import { serviceAvailable } from '../helpers/services.js';

/**
 * Real remediations through the engine: a real misconfiguration on the shared PostgreSQL server is
 * found by the scan action, turned into events as the pg-scan source does, and the example
 * workflow (examples/workflows/*.yaml, only its database or role swapped for this test's own) fixes
 * it as a least-privilege credential; verify reads the live state; a forced failure compensates;
 * a rollback on demand restores the state; the audit log holds every step and verifies.
 */

const example = (name: string) =>
  readFileSync(new URL(`../../examples/workflows/${name}.yaml`, import.meta.url), 'utf8');
// Never used by trust auth, so never needed: present only to prove it appears nowhere.
const remediatorPassword = 'Remediator-secret-7Q';

interface SchemaItem {
  database: string;
  schema: string;
  publicPrivileges: string[];
}

/** The audit trail of one run, as `kind purpose action ok` lines, in order. */
function trail(records: AuditRecord[], runId: string): string[] {
  return records
    .filter((record) => record.runId === runId)
    .map((record) => {
      const data = record.data as { purpose?: string; action?: string; ok?: boolean; outcome?: string };
      if (record.kind === 'action.intent') return `intent ${data.purpose ?? ''} ${data.action ?? ''}`;
      if (record.kind === 'action.result')
        return `result ${data.purpose ?? ''} ${data.action ?? ''} ${data.ok === true ? 'ok' : 'failed'}`;
      if (record.kind === 'run.finished') return `finished ${data.outcome ?? ''}`;
      return record.kind;
    })
    .filter((line) => !line.startsWith('notification.'));
}

describe.runIf(await serviceAvailable('postgres'))('postgres remediation through the engine', () => {
  let admin: pg.Client;
  const databases: string[] = [];
  const roles: string[] = [];
  const connectors: Connector[] = [];
  const harnesses: Harness[] = [];

  beforeAll(async () => {
    admin = await adminClient();
  });

  afterEach(async () => {
    for (const h of harnesses.splice(0)) {
      await h.engine.stop();
      expect(await auditVerifies(h)).toBe(true);
      expect(h.errors).toEqual([]);
      // No secret reached the store: not in runs, attempts or the audit log.
      const runs = await h.runs();
      const attempts = await Promise.all(runs.map((run) => h.attempts(run.id)));
      expect(JSON.stringify([runs, attempts, await h.audit()])).not.toContain(remediatorPassword);
    }
    for (const connector of connectors.splice(0)) await connector.close?.();
  });

  afterAll(async () => {
    await dropAll(admin, databases, roles);
    await admin.end();
  });

  /** A fresh database whose owner is the remediator, with CREATE on public granted to PUBLIC. */
  async function misconfiguredDatabase() {
    const database = uniqueName('analytics');
    const remediator = uniqueName('remediator');
    const probe = uniqueName('probe');
    databases.push(database);
    roles.push(remediator, probe);
    await admin.query(`CREATE ROLE ${remediator} LOGIN`);
    await admin.query(`CREATE ROLE ${probe} NOLOGIN`);
    await admin.query(`CREATE DATABASE ${database} OWNER ${remediator}`);
    const inDb = await adminClient(database);
    try {
      await inDb.query('GRANT CREATE ON SCHEMA public TO PUBLIC');
      await inDb.query('CREATE SCHEMA reports');
    } finally {
      await inDb.end();
    }
    const publicMayCreate = async () => {
      const client = await adminClient(database);
      try {
        const { rows } = await client.query<{ ok: boolean }>(
          `SELECT has_schema_privilege($1, 'public', 'CREATE') AS ok`,
          [probe],
        );
        return rows[0]?.ok;
      } finally {
        await client.end();
      }
    };
    // As examples/rectify.yaml: the workflow's credential has exactly the scopes its steps,
    // checks, snapshots and undo use; the scanner may only list.
    const url = `postgres://${remediator}:${remediatorPassword}@127.0.0.1:5432/postgres`;
    const credentials = new Map<string, ResolvedCredential>([
      [
        'pg-schema-remediator',
        {
          name: 'pg-schema-remediator',
          connector: 'postgres',
          settings: { url },
          scopes: ['postgres.schema.privileges', 'postgres.schema.revoke', 'postgres.schema.grant'],
        },
      ],
      [
        'pg-scanner',
        { name: 'pg-scanner', connector: 'postgres', settings: { url }, scopes: ['postgres.schema.list'] },
      ],
    ]);
    const scanner = credentials.get('pg-scanner');
    if (!scanner) throw new Error('no scanner credential');
    return { database, credentials, scanner, publicMayCreate };
  }

  async function start(yaml: string, credentials: ReadonlyMap<string, ResolvedCredential>) {
    const connector = postgresConnector();
    connectors.push(connector);
    const h = await harness([workflow(yaml)], {
      engine: { connectors: new Map([['postgres', connector]]), credentials },
    });
    harnesses.push(h);
    return { h, connector };
  }

  /** Scans the database as the pg-scan source does (examples/rectify.yaml) and ingests the findings. */
  async function scan(h: Harness, connector: Connector, database: string, credential: ResolvedCredential) {
    const { events, skipped, output } = await scanAsSource({
      connector,
      action: 'postgres.schema.list',
      params: { database },
      source: 'pg-scan',
      credential,
      scanId: `scan-${h.clock.now()}`,
      now: h.clock.now(),
    });
    expect(skipped).toEqual([]);
    // One scanned item reads as one `postgres.schema.privileges` result: the workflow's trigger type.
    expect(events.map((event) => event.type)).toEqual(events.map(() => 'postgres.schema.privileges'));
    await h.engine.ingestBatch(events);
    return { items: (output as { items: SchemaItem[] }).items };
  }

  /** The one run the test made. */
  async function onlyRun(h: Harness) {
    const runs = await h.runs();
    expect(runs).toHaveLength(1);
    const [run] = runs;
    if (!run) throw new Error('no run');
    return run;
  }

  it('revokes CREATE on public from PUBLIC found by a scan, verifies it, and rolls it back on demand', async () => {
    const { database, credentials, scanner, publicMayCreate } = await misconfiguredDatabase();
    const yaml = example('pg-revoke-public-create').replaceAll('analytics', database);
    const { h, connector } = await start(yaml, credentials);
    expect(await publicMayCreate()).toBe(true);

    const { items } = await scan(h, connector, database, scanner);
    expect(items.map((item) => [item.schema, item.publicPrivileges])).toEqual([
      ['public', ['USAGE', 'CREATE']],
      ['reports', []],
    ]);
    await h.drain(); // settle 30 s, then corroborate, act, verify after 5 s
    const run = await onlyRun(h); // only public matched
    expect(run).toMatchObject({ status: 'done', outcome: 'succeeded' });
    expect(await publicMayCreate()).toBe(false);

    const records = await h.audit();
    expect(trail(records, run.id)).toEqual(
      expect.arrayContaining([
        'intent corroborate postgres.schema.privileges',
        'result corroborate postgres.schema.privileges ok',
        'intent snapshot postgres.schema.privileges',
        'result snapshot postgres.schema.privileges ok',
        'intent step postgres.schema.revoke',
        'result step postgres.schema.revoke ok',
        'intent verify postgres.schema.privileges',
        'result verify postgres.schema.privileges ok',
        'finished succeeded',
      ]),
    );
    const step = (await h.attempts(run.id)).find((a) => a.purpose === 'step');
    expect(step).toMatchObject({
      action: 'postgres.schema.revoke',
      params: { database, schema: 'public', privilege: 'CREATE', from: 'PUBLIC' },
      result: { ok: true, output: { publicPrivileges: ['USAGE'] } },
    });

    // A scan now finds nothing to act on.
    h.clock.advance(2 * 60 * 60_000);
    await scan(h, connector, database, scanner);
    await h.drain();
    expect(await h.runs()).toHaveLength(1);

    await h.engine.rollbackRun(run.id, 'user:dana');
    await h.drain();
    expect(await h.run(run.id)).toMatchObject({ outcome: 'rolled-back' });
    expect(await publicMayCreate()).toBe(true);
    const after = trail(await h.audit(), run.id);
    expect(after.slice(after.indexOf('run.rollback-requested'))).toEqual([
      'run.rollback-requested',
      'intent compensate postgres.schema.grant',
      'result compensate postgres.schema.grant ok',
      'finished rolled-back',
    ]);
  });

  it('compensates the revoke when a later step fails for real', async () => {
    const { database, credentials, scanner, publicMayCreate } = await misconfiguredDatabase();
    // The example with a second step that the server refuses: a grant to a role that does not exist.
    const yaml = example('pg-revoke-public-create')
      .replaceAll('analytics', database)
      .replace(
        '  verify:\n',
        `    - id: forced-failure
      action: postgres.schema.grant
      with: { database: ${database}, schema: public, privilege: USAGE, to: rt_no_such_role }
  verify:\n`,
      );
    const { h, connector } = await start(yaml, credentials);
    await scan(h, connector, database, scanner);
    await h.drain();
    const run = await onlyRun(h);
    expect(run).toMatchObject({ status: 'done', outcome: 'compensated' });
    expect(run?.reason).toMatch(/role "rt_no_such_role" does not exist \[SQLSTATE 42704\]/);
    expect(await publicMayCreate()).toBe(true);
    const lines = trail(await h.audit(), run.id);
    expect(lines).toEqual(
      expect.arrayContaining([
        'result step postgres.schema.revoke ok',
        'result step postgres.schema.grant failed',
        'intent compensate postgres.schema.grant',
        'result compensate postgres.schema.grant ok',
        'finished compensated',
      ]),
    );
    // Failed non-retryable: attempted once, never retried.
    const grants = (await h.attempts(run.id)).filter(
      (a) => a.purpose === 'step' && a.action === 'postgres.schema.grant',
    );
    expect(grants).toHaveLength(1);
  });

  it('locks a leaked role after approval (it can no longer log in) and unlocks it on rollback', async () => {
    const leaked = uniqueName('etl_loader');
    const locker = uniqueName('locker');
    roles.push(leaked, locker);
    await admin.query(`CREATE ROLE ${leaked} LOGIN`);
    await admin.query(`CREATE ROLE ${locker} LOGIN CREATEROLE`);
    const credentials = new Map<string, ResolvedCredential>([
      [
        'pg-role-locker',
        {
          name: 'pg-role-locker',
          connector: 'postgres',
          settings: { url: `postgres://${locker}:${remediatorPassword}@127.0.0.1:5432/postgres` },
          scopes: ['postgres.role.get', 'postgres.role.set-login'],
        },
      ],
    ]);
    const { h } = await start(example('pg-lock-leaked-role'), credentials);
    const canLogIn = async () => {
      const client = new pg.Client({ connectionString: adminUrl('postgres', leaked) });
      try {
        await client.connect();
        return true;
      } catch (error) {
        expect((error as { code?: string }).code).toBe('28000'); // role is not permitted to log in
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    };
    expect(await canLogIn()).toBe(true);

    const event = JSON.parse(
      readFileSync(new URL('../../examples/events/pg-lock-leaked-role.json', import.meta.url), 'utf8'),
    ) as { resource: Record<string, unknown> };
    event.resource.role = leaked;
    event.resource.id = `postgres://pg-prod-1/role/${leaked}`;
    await h.engine.ingest(event);
    await h.engine.idle();
    const waiting = await onlyRun(h);
    expect(waiting).toMatchObject({ status: 'awaiting_approval' });
    expect(await canLogIn()).toBe(true); // nothing changes before a person approves

    expect(await h.engine.decide(waiting.id, 'approve', 'user:dana')).toBe(true);
    await h.drain();
    expect(await h.run(waiting.id)).toMatchObject({ outcome: 'succeeded' });
    expect(await canLogIn()).toBe(false);
    expect(trail(await h.audit(), waiting.id)).toEqual(
      expect.arrayContaining([
        'approval.requested',
        'approval.granted',
        'result snapshot postgres.role.get ok',
        'result step postgres.role.set-login ok',
        'result verify postgres.role.get ok',
        'finished succeeded',
      ]),
    );

    await h.engine.rollbackRun(waiting.id, 'user:dana');
    await h.drain();
    expect(await h.run(waiting.id)).toMatchObject({ outcome: 'rolled-back' });
    expect(await canLogIn()).toBe(true);
  });
});
