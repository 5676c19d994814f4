import { scanAsSource } from './scan-as-source.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection, escapeId, type Connection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain, type AuditRecord } from '../../src/audit/audit-record.js';
import { mysqlConnector } from '../../src/connectors/mysql/mysql-connector.js';
import type { Connector, ResolvedCredential } from '../../src/core/catalog/connector.js';
import { harness, workflow, type Harness } from '../engine/helpers.js';
import { serviceAvailable } from '../helpers/services.js';

const run = await serviceAvailable('mariadb');
const exampleYaml = readFileSync(
  join(import.meta.dirname, '../../examples/workflows/mysql-lock-open-passwordless-account.yaml'),
  'utf8',
);
const random = () => Math.random().toString(36).slice(2, 10);
const account = (user: string, host = '%') => `${escapeId(user, true)}@${escapeId(host, true)}`;

/**
 * A real remediation through the engine: MariaDB holds a passwordless account open to any host;
 * the scan (mysql.account.list, as the mysql-scan source runs it) turns it into an event; the
 * example workflow locks it, verify reads it back, a failing later step compensates, and a person
 * rolls a finished run back. Accounts are `rfy_t_*`, created and dropped here.
 */
describe.runIf(run)('mysql-lock-open-passwordless-account against a real MariaDB', () => {
  let admin: Connection;
  const created: string[] = [];
  const locker = { user: `rfy_t_${random()}_l`, password: `pw-${random()}-Secret` };
  const scanner = { user: `rfy_t_${random()}_s`, password: `pw-${random()}-Secret` };
  const url = (who: { user: string; password: string }) =>
    `mysql://${who.user}:${who.password}@127.0.0.1:3306/`;
  // As examples/rectify.yaml declares them: one credential for the workflow, one for the scan.
  const credentials = new Map<string, ResolvedCredential>([
    [
      'mysql-account-locker',
      {
        name: 'mysql-account-locker',
        connector: 'mysql',
        settings: { url: url(locker) },
        scopes: ['mysql.account.get', 'mysql.account.lock', 'mysql.account.unlock'],
      },
    ],
  ]);
  const scannerCredential: ResolvedCredential = {
    name: 'mysql-scanner',
    connector: 'mysql',
    settings: { url: url(scanner) },
    scopes: ['mysql.account.list'],
  };
  const connectors: Connector[] = [];
  let h: Harness | undefined;

  async function start(yaml = exampleYaml): Promise<Harness> {
    const mysql = mysqlConnector();
    connectors.push(mysql);
    h = await harness([workflow(yaml)], {
      engine: { connectors: new Map([['mysql', mysql]]), credentials },
    });
    return h;
  }
  async function openAccount(): Promise<string> {
    const user = `rfy_t_${random()}`;
    await admin.query(`CREATE USER ${account(user)}`); // no password, any host: the finding
    created.push(account(user));
    return user;
  }
  /** The scan, as the mysql-scan source runs it: list, then one event per account. */
  async function scan(user: string, scanId: string) {
    const mysql = mysqlConnector();
    connectors.push(mysql);
    const { events } = await scanAsSource({
      connector: mysql,
      action: 'mysql.account.list',
      source: 'mysql-scan',
      credential: scannerCredential,
      scanId,
      now: Date.parse('2026-11-27T12:00:00Z'),
    });
    // Only this test's account: the server is shared with other tests, whose accounts stay theirs.
    return events.filter((e) => e.resource.user === user);
  }
  const locked = async (user: string) => {
    const [rows] = await admin.query<RowDataPacket[]>(`SHOW CREATE USER ${account(user)}`);
    return String(Object.values(rows[0] ?? {})[0]).includes('ACCOUNT LOCK');
  };
  const results = (audit: AuditRecord[], runId: string) =>
    audit
      .filter((r) => r.runId === runId && r.kind === 'action.result')
      .map(
        (r) => `${String(r.data.purpose)}:${String(r.data.action)}:${r.data.ok === true ? 'ok' : 'failed'}`,
      );

  beforeAll(async () => {
    admin = await createConnection('mysql://root@127.0.0.1:3306/');
    await admin.query(`CREATE USER ${account(locker.user)} IDENTIFIED BY ${admin.escape(locker.password)}`);
    await admin.query(`GRANT SELECT ON mysql.* TO ${account(locker.user)}`);
    await admin.query(`GRANT CREATE USER ON *.* TO ${account(locker.user)}`);
    await admin.query(`CREATE USER ${account(scanner.user)} IDENTIFIED BY ${admin.escape(scanner.password)}`);
    await admin.query(`GRANT SELECT ON mysql.* TO ${account(scanner.user)}`);
  });
  afterEach(async () => {
    await h?.engine.stop();
    h = undefined;
    for (const connector of connectors.splice(0)) await connector.close?.();
    for (const name of created.splice(0)) await admin.query(`DROP USER IF EXISTS ${name}`);
  });
  afterAll(async () => {
    await admin.query(`DROP USER IF EXISTS ${account(locker.user)}, ${account(scanner.user)}`);
    await admin.end();
  });

  it('locks the account the scan found, verifies it, audits every step; a rollback unlocks it', async () => {
    const user = await openAccount();
    const events = await scan(user, 'scan-1');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'mysql.account.get',
      resource: { user, host: '%' },
      data: { hasPassword: false, locked: false, openToAnyHost: true },
    });
    const engine = await start();
    const ingested = await engine.engine.ingest(events[0]);
    expect(ingested.status).toBe('accepted');
    await engine.drain();
    const [runRow] = await engine.runs();
    expect(runRow?.outcome).toBe('succeeded');
    expect(await locked(user)).toBe(true);
    expect(engine.errors).toEqual([]);
    const id = runRow?.id ?? '';
    expect(results(await engine.audit(), id)).toEqual([
      'corroborate:mysql.account.get:ok',
      'snapshot:mysql.account.get:ok',
      'step:mysql.account.lock:ok',
      'verify:mysql.account.get:ok',
    ]);

    await engine.engine.rollbackRun(id, 'user:bob');
    await engine.drain();
    expect((await engine.run(id)).outcome).toBe('rolled-back');
    expect(await locked(user)).toBe(false);
    const audit = await engine.audit();
    expect(
      audit.some((r) => r.runId === id && r.kind === 'run.rollback-requested' && r.data.by === 'user:bob'),
    ).toBe(true);
    expect(results(audit, id).at(-1)).toMatch(/:mysql\.account\.unlock:ok$/);
    expect(audit.filter((r) => r.runId === id && r.kind === 'run.finished').length).toBeGreaterThanOrEqual(2);
    expect(verifyChain(audit).ok).toBe(true);
    // No secret of either credential anywhere in the log.
    const log = JSON.stringify(audit);
    for (const secret of [locker.password, scanner.password]) expect(log).not.toContain(secret);
  });

  it('compensates: a later step that fails for real unlocks the account again', async () => {
    const user = await openAccount();
    // The example plus a second step that fails on the real server: the account on another host
    // does not exist (non-retryable), so the done lock is undone.
    const failing = exampleYaml.replace(
      '  verify:\n',
      [
        '    - id: lock-sibling',
        '      action: mysql.account.lock',
        '      with: { user: "${{ event.resource.user }}", host: "rfy-missing.invalid" }',
        '      timeout: 15s',
        '  verify:\n',
      ].join('\n'),
    );
    expect(failing).toContain('lock-sibling');
    const [event] = await scan(user, 'scan-2');
    const engine = await start(failing);
    await engine.engine.ingest(event);
    await engine.drain();
    const [runRow] = await engine.runs();
    expect(runRow?.outcome).toBe('compensated');
    expect(await locked(user)).toBe(false);
    const id = runRow?.id ?? '';
    const steps = results(await engine.audit(), id);
    expect(steps).toContain('step:mysql.account.lock:failed');
    expect(steps.at(-1)).toBe('compensate:mysql.account.unlock:ok');
    const failure = (await engine.audit()).find(
      (r) => r.runId === id && r.kind === 'action.result' && r.data.ok === false,
    );
    expect(failure?.data.failure).toBe('non-retryable');
    expect(String(failure?.data.error)).toMatch(/does not exist/);
    expect(verifyChain(await engine.audit()).ok).toBe(true);
  });

  it('skips, changing nothing, when a password was set between the scan and the live read', async () => {
    const user = await openAccount();
    const [event] = await scan(user, 'scan-3');
    await admin.query(`ALTER USER ${account(user)} IDENTIFIED BY 'set-meanwhile-1'`);
    const engine = await start();
    await engine.engine.ingest(event);
    await engine.drain();
    expect((await engine.runs())[0]?.outcome).toBe('skipped');
    expect(await locked(user)).toBe(false);
  });
});
