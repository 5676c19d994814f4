import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../../src/connectors/catalog.js';
import { postgresConnector } from '../../../src/connectors/postgres/postgres-connector.js';
import type { ResolvedCredential } from '../../../src/core/catalog/connector.js';
import { loadDocument } from '../../../src/core/loader/load-document.js';
import { Engine } from '../../../src/engine/engine.js';
import { startScanner, type Scanner } from '../../../src/sources/schedule/scanner.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { serviceAvailable } from '../../helpers/services.js';

/**
 * A scan of a REAL PostgreSQL through the postgres connector: a database whose schema `public`
 * grants CREATE to PUBLIC becomes an event, ingested by an engine whose workflow matches it.
 */
describe.runIf(await serviceAvailable('postgres'))('schedule scan of PostgreSQL', () => {
  const adminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `rectify_scan_${randomBytes(4).toString('hex')}`;
  const connector = postgresConnector();
  const credential: ResolvedCredential = {
    name: 'pg-scanner',
    connector: 'postgres',
    settings: { url: adminUrl },
    scopes: ['postgres.schema.list'],
  };
  let admin: pg.Client;
  let store: SqliteStore;
  let engine: Engine;
  let scanner: Scanner;

  // Matches what the scan reports; executes nothing (ingest only): the runs are what is asserted.
  const workflow = loadDocument(
    'scan-test.yaml',
    `apiVersion: rectify.dev/v1
kind: Workflow
metadata: { name: scan-public-create, owner: team:test, description: Test., reviewBy: 2027-01-01 }
spec:
  mode: dry-run
  credentials: pg-scanner
  trigger:
    source: pg-scan
    types: [postgres.schema.privileges]
    match: event.resource.schema == "public" && "CREATE" in event.data.publicPrivileges
  steps:
    - id: revoke
      action: postgres.schema.revoke
      with: { database: "\${{ event.resource.database }}", schema: public, privilege: CREATE, from: PUBLIC }
`,
    { catalog: defaultCatalog() },
  );

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const inDb = new pg.Client({ connectionString: adminUrl.replace(/\/postgres$/, `/${database}`) });
    await inDb.connect();
    await inDb.query('GRANT CREATE ON SCHEMA public TO PUBLIC');
    await inDb.query('CREATE SCHEMA reports');
    await inDb.end();
    if (workflow.document?.kind !== 'Workflow') throw new Error(JSON.stringify(workflow.diagnostics));
    store = SqliteStore.open(':memory:');
    engine = await Engine.start({
      store,
      workflows: [workflow.document.workflow],
      connectors: new Map(),
      executeRuns: false,
    });
    scanner = startScanner({
      sources: [
        {
          name: 'pg-scan',
          type: 'schedule',
          every: '15m',
          scan: 'postgres.schema.list',
          with: { database },
          credentials: 'pg-scanner',
        },
      ],
      connectors: new Map([['postgres', connector]]),
      credentials: new Map([['pg-scanner', credential]]),
      store,
      sink: (events) => engine.ingestBatch(events),
      scheduled: false,
    });
  });

  afterAll(async () => {
    await scanner.stop();
    await connector.close?.();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    await store.close();
  });

  it('emits one event per schema; the public schema with CREATE for PUBLIC starts a run', async () => {
    const result = await scanner.runNow('pg-scan');
    expect(result).toMatchObject({ status: 'succeeded', items: 2, events: 2, skippedItems: 0 });

    const events = await store.transaction(async (tx) => [await tx.getEvent(1), await tx.getEvent(2)]);
    const byId = new Map(events.map((e) => [e?.envelope.resource.id, e?.envelope]));
    const publicEvent = byId.get(`postgres://pg-scanner/schema/${database}/public`);
    expect(publicEvent).toMatchObject({
      source: 'pg-scan',
      type: 'postgres.schema.privileges',
      resource: { kind: 'postgres.schema', database, schema: 'public' },
      data: { database, schema: 'public', exists: true },
    });
    expect(publicEvent?.data.publicPrivileges).toContain('CREATE');
    const reports = byId.get(`postgres://pg-scanner/schema/${database}/reports`);
    expect(reports?.data.publicPrivileges).toEqual([]);

    const runs = await store.transaction((tx) => tx.listRuns({}));
    expect(runs.map((r) => [r.workflow, r.resourceKey])).toEqual([
      ['scan-public-create', `postgres://pg-scanner/schema/${database}/public`],
    ]);

    const audit = await store.transaction((tx) => tx.auditRecords(0, 100));
    expect(audit.filter((r) => r.kind.startsWith('scan.')).map((r) => r.kind)).toEqual([
      'scan.started',
      'scan.finished',
    ]);
    expect(JSON.stringify(audit)).not.toContain(adminUrl);
  });
});
