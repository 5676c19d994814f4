import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../../src/connectors/catalog.js';
import { eventSchema } from '../../../src/core/model/event.js';
import {
  resourceKeyFields,
  scanEventId,
  scanEventType,
  scanEvents,
} from '../../../src/sources/schedule/scan-events.js';

const catalog = defaultCatalog();
const now = Date.parse('2026-11-27T12:00:00Z');

describe('resource keys from the catalog', () => {
  it.each([
    ['postgres.schema.list', ['database', 'schema']],
    ['postgres.schema.privileges', ['database', 'schema']],
    ['postgres.role.list', ['role']],
    ['postgres.session.list', ['pid']],
    ['mysql.account.list', ['user', 'host']],
    ['redis.acl.list', ['user']],
    ['s3.bucket.list', ['bucket']],
  ])('%s -> %j', (action, fields) => {
    expect(resourceKeyFields(catalog, action)).toEqual(fields);
  });
});

describe('event types: the read of one item', () => {
  it.each([
    ['postgres.schema.list', 'postgres.schema.privileges'],
    ['postgres.role.list', 'postgres.role.get'],
    ['mysql.account.list', 'mysql.account.get'],
    ['redis.acl.list', 'redis.acl.user'],
    // No single read of one bucket returns a listed bucket's fields: the list's own id.
    ['s3.bucket.list', 's3.bucket.list'],
    ['sandbox.bucket.list', 'sandbox.bucket.get'],
    // A read scan of one resource is its own type.
    ['postgres.schema.privileges', 'postgres.schema.privileges'],
  ])('%s -> %s', (action, type) => {
    expect(scanEventType(catalog, action, resourceKeyFields(catalog, action))).toBe(type);
  });
});

describe('scan output -> events', () => {
  const base = {
    source: 'pg-scan',
    credential: 'pg-scanner',
    scanId: 'pg-scan@2026-11-27T12:00:00.000Z',
    now,
  };

  it('makes one event per item: key fields in resource, the item as data, valid envelopes', () => {
    const item = {
      database: 'analytics',
      schema: 'public',
      exists: true,
      owner: 'pg_database_owner',
      publicPrivileges: ['USAGE', 'CREATE'],
      grantees: {},
    };
    const result = scanEvents({
      ...base,
      action: 'postgres.schema.list',
      type: 'postgres.schema.privileges',
      params: { database: 'analytics' },
      output: { items: [item, { ...item, schema: 'sales', publicPrivileges: ['USAGE'] }] },
      keyFields: ['database', 'schema'],
    });
    expect(result.items).toBe(2);
    expect(result.skipped).toEqual([]);
    const [first, second] = result.events;
    expect(first).toEqual({
      id: scanEventId('pg-scan', 'postgres://pg-scanner/schema/analytics/public', base.scanId),
      source: 'pg-scan',
      type: 'postgres.schema.privileges',
      time: '2026-11-27T12:00:00.000Z',
      severity: 'info',
      resource: {
        id: 'postgres://pg-scanner/schema/analytics/public',
        kind: 'postgres.schema',
        database: 'analytics',
        schema: 'public',
      },
      data: item,
    });
    expect(second?.resource.id).toBe('postgres://pg-scanner/schema/analytics/sales');
    for (const event of result.events) expect(eventSchema.safeParse(event).success).toBe(true);
  });

  it('takes a key field from the scan `with` when the item lacks it, and URL-encodes key values', () => {
    const result = scanEvents({
      ...base,
      action: 'mysql.account.list',
      type: 'mysql.account.get',
      credential: 'mysql scanner',
      params: {},
      output: {
        items: [{ user: 'app/ro', host: '%', hasPassword: false, locked: false, openToAnyHost: true }],
      },
      keyFields: ['user', 'host'],
    });
    expect(result.events[0]?.resource.id).toBe('mysql://mysql%20scanner/account/app%2Fro/%25');
    const fromParams = scanEvents({
      ...base,
      action: 'http.request.get',
      type: 'http.request.get',
      params: { url: 'https://status.example/x' },
      output: { status: 200, headers: {}, body: 'ok' },
      keyFields: ['url'],
    });
    expect(fromParams.items).toBe(1);
    expect(fromParams.events[0]?.resource).toMatchObject({
      url: 'https://status.example/x',
      kind: 'http.request',
    });
  });

  it('skips and counts items that name no resource, never guessing one', () => {
    const result = scanEvents({
      ...base,
      action: 'redis.acl.list',
      type: 'redis.acl.user',
      params: {},
      output: {
        items: [{ user: 'default', nopass: true }, { nopass: true }, 'junk', { user: { nested: 1 } }],
      },
      keyFields: ['user'],
    });
    expect(result.events.map((e) => e.resource.id)).toEqual(['redis://pg-scanner/acl/default']);
    expect(result.skipped).toEqual([
      { index: 1, reason: "no `user` (a resource key field) in the item or the scan's `with`" },
      { index: 2, reason: 'the item is not an object' },
      { index: 3, reason: "no `user` (a resource key field) in the item or the scan's `with`" },
    ]);
  });

  it('derives event ids from (source, resource, scan): same scan same id, next scan a new one', () => {
    const a = scanEventId('s', 'r', 'scan-1');
    expect(scanEventId('s', 'r', 'scan-1')).toBe(a);
    expect(scanEventId('s', 'r', 'scan-2')).not.toBe(a);
    expect(scanEventId('s', 'r2', 'scan-1')).not.toBe(a);
    expect(scanEventId('s2', 'r', 'scan-1')).not.toBe(a);
  });
});
