import { scanAsSource } from './scan-as-source.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain, type AuditRecord } from '../../src/audit/audit-record.js';
import { redisConnector } from '../../src/connectors/redis/redis-connector.js';
import type { Connector, ResolvedCredential } from '../../src/core/catalog/connector.js';
import { harness, workflow, type Harness } from '../engine/helpers.js';
import { serviceAvailable } from '../helpers/services.js';

const run = await serviceAvailable('redis');
const exampleYaml = readFileSync(
  join(import.meta.dirname, '../../examples/workflows/redis-disable-nopass-default.yaml'),
  'utf8',
);
const random = () => Math.random().toString(36).slice(2, 10);

/**
 * A real remediation through the engine: Redis holds an ACL user that accepts any password and
 * may run everything; the scan (redis.acl.list, as the redis-scan source runs it) turns it into an
 * event; the example workflow, once on-call approves, turns the user off; verify reads it back; a
 * failing later step compensates; a person rolls a finished run back.
 *
 * The Redis of this machine is shared: NEVER the `default` user or the server's config here. The
 * connector logs in as an ACL user of its own (as examples/rectify.yaml says), and every user is
 * `rfy_t_*`, created and deleted here.
 */
describe.runIf(run)('redis-disable-nopass-default against a real Redis', () => {
  let admin: Redis;
  const users: string[] = [];
  const remediator = { user: `rfy_t_${random()}_r`, password: `pw-${random()}-Secret` };
  const scanner = { user: `rfy_t_${random()}_s`, password: `pw-${random()}-Secret` };
  const url = (who: { user: string; password: string }) =>
    `redis://${who.user}:${who.password}@127.0.0.1:6379`;
  const credentials = new Map<string, ResolvedCredential>([
    [
      'redis-acl-remediator',
      {
        name: 'redis-acl-remediator',
        connector: 'redis',
        settings: { url: url(remediator) },
        scopes: ['redis.acl.user', 'redis.config.protected-mode', 'redis.acl.set-enabled'],
      },
    ],
  ]);
  const scannerCredential: ResolvedCredential = {
    name: 'redis-scanner',
    connector: 'redis',
    settings: { url: url(scanner) },
    scopes: ['redis.acl.list'],
  };
  const connectors: Connector[] = [];
  let h: Harness | undefined;

  async function start(yaml = exampleYaml): Promise<Harness> {
    const redis = redisConnector();
    connectors.push(redis);
    h = await harness([workflow(yaml)], { engine: { connectors: new Map([['redis', redis]]), credentials } });
    return h;
  }
  async function openUser(): Promise<string> {
    const user = `rfy_t_${random()}`;
    users.push(user);
    await admin.call('ACL', 'SETUSER', user, 'on', 'nopass', '~*', '&*', '+@all'); // the finding
    return user;
  }
  async function scan(user: string, scanId: string) {
    const redis = redisConnector();
    connectors.push(redis);
    const { events } = await scanAsSource({
      connector: redis,
      action: 'redis.acl.list',
      source: 'redis-scan',
      credential: scannerCredential,
      scanId,
      now: Date.parse('2026-11-27T12:00:00Z'),
    });
    // Only this test's user: `default` and other tests' users are never acted on from here.
    return events.filter((e) => e.resource.user === user);
  }
  const enabled = async (user: string) => {
    const reply = (await admin.call('ACL', 'GETUSER', user)) as unknown[];
    return (reply[1] as string[]).includes('on');
  };
  const results = (audit: AuditRecord[], runId: string) =>
    audit
      .filter((r) => r.runId === runId && r.kind === 'action.result')
      .map(
        (r) => `${String(r.data.purpose)}:${String(r.data.action)}:${r.data.ok === true ? 'ok' : 'failed'}`,
      );

  /** Ingests, waits for approval, approves as platform on-call, and drives the run to its end. */
  async function approveAndDrain(engine: Harness, event: unknown): Promise<string> {
    await engine.engine.ingest(event);
    // Not drain(): it would move the clock past the approval's 30 m deadline.
    await engine.engine.idle();
    const [waiting] = await engine.runs();
    expect(waiting?.status).toBe('awaiting_approval');
    const id = waiting?.id ?? '';
    expect(await engine.engine.decide(id, 'approve', 'user:erin')).toBe(true);
    await engine.drain();
    return id;
  }

  beforeAll(async () => {
    admin = new Redis({ host: '127.0.0.1', port: 6379 });
    const connect = ['+@connection', '+info'];
    await admin.call(
      'ACL',
      'SETUSER',
      remediator.user,
      'reset',
      'on',
      `>${remediator.password}`,
      ...connect,
      '+acl|getuser',
      '+acl|setuser',
      '+config|get',
    );
    await admin.call(
      'ACL',
      'SETUSER',
      scanner.user,
      'reset',
      'on',
      `>${scanner.password}`,
      ...connect,
      '+acl|users',
      '+acl|getuser',
    );
  });
  afterEach(async () => {
    await h?.engine.stop();
    h = undefined;
    for (const connector of connectors.splice(0)) await connector.close?.();
    const created = users.splice(0);
    if (created.length > 0) await admin.call('ACL', 'DELUSER', ...created);
  });
  afterAll(async () => {
    await admin.call('ACL', 'DELUSER', remediator.user, scanner.user);
    admin.disconnect();
  });

  it('turns off the user the scan found after approval, verifies it, audits every step; a rollback turns it on', async () => {
    const user = await openUser();
    const events = await scan(user, 'scan-1');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'redis.acl.user',
      resource: { user },
      data: { enabled: true, nopass: true, allCommands: true, passwordCount: 0 },
    });
    const engine = await start();
    const id = await approveAndDrain(engine, events[0]);
    expect((await engine.run(id)).outcome).toBe('succeeded');
    expect(await enabled(user)).toBe(false);
    expect(engine.errors).toEqual([]);
    expect(results(await engine.audit(), id)).toEqual([
      'corroborate:redis.acl.user:ok',
      'corroborate:redis.config.protected-mode:ok',
      'snapshot:redis.acl.user:ok',
      'step:redis.acl.set-enabled:ok',
      'verify:redis.acl.user:ok',
    ]);

    await engine.engine.rollbackRun(id, 'user:bob');
    await engine.drain();
    expect((await engine.run(id)).outcome).toBe('rolled-back');
    expect(await enabled(user)).toBe(true);
    const audit = await engine.audit();
    expect(
      audit.some((r) => r.runId === id && r.kind === 'approval.granted' && r.data.by === 'user:erin'),
    ).toBe(true);
    expect(audit.some((r) => r.runId === id && r.kind === 'run.rollback-requested')).toBe(true);
    expect(results(audit, id).at(-1)).toMatch(/:redis\.acl\.set-enabled:ok$/);
    const undo = audit.filter((r) => r.runId === id && r.kind === 'action.intent').at(-1);
    expect(undo?.data).toMatchObject({ action: 'redis.acl.set-enabled', params: { user, enabled: true } });
    expect(verifyChain(audit).ok).toBe(true);
    const log = JSON.stringify(audit);
    for (const secret of [remediator.password, scanner.password]) expect(log).not.toContain(secret);
  });

  it('compensates: a later step that fails for real turns the user on again', async () => {
    const user = await openUser();
    const failing = exampleYaml.replace(
      '  verify:\n',
      [
        '    - id: disable-companion',
        '      action: redis.acl.set-enabled',
        '      with: { user: "${{ event.resource.user }}_missing", enabled: false }',
        '      timeout: 10s',
        '  verify:\n',
      ].join('\n'),
    );
    expect(failing).toContain('disable-companion');
    const [event] = await scan(user, 'scan-2');
    const engine = await start(failing);
    const id = await approveAndDrain(engine, event);
    expect((await engine.run(id)).outcome).toBe('compensated');
    expect(await enabled(user)).toBe(true);
    const steps = results(await engine.audit(), id);
    expect(steps).toContain('step:redis.acl.set-enabled:failed');
    expect(steps.at(-1)).toBe('compensate:redis.acl.set-enabled:ok');
    expect(await admin.call('ACL', 'GETUSER', `${user}_missing`)).toBeNull();
    expect(verifyChain(await engine.audit()).ok).toBe(true);
  });

  it('changes nothing when on-call rejects', async () => {
    const user = await openUser();
    const [event] = await scan(user, 'scan-3');
    const engine = await start();
    await engine.engine.ingest(event);
    await engine.engine.idle();
    const [waiting] = await engine.runs();
    expect(waiting?.status).toBe('awaiting_approval');
    expect(await engine.engine.decide(waiting?.id ?? '', 'reject', 'user:erin')).toBe(true);
    await engine.drain();
    expect((await engine.runs())[0]?.outcome).toBe('rejected');
    expect(await enabled(user)).toBe(true);
  });
});
