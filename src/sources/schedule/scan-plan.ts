import type { ActionDefinition } from '../../core/catalog/action.js';
import type { ActionCatalog } from '../../core/catalog/catalog.js';
import type { ActionHandler, Connector, ResolvedCredential } from '../../core/catalog/connector.js';
import type { SourceConfig } from '../../core/model/config.js';
import { resourceKeyFields, scanEventType } from './scan-events.js';
import { scanSchedule, type ScanSchedule } from './scan-schedule.js';

export type ScheduleSourceConfig = Extract<SourceConfig, { type: 'schedule' }>;

/** A schedule source, checked and ready to scan. */
export interface PlannedScan {
  readonly source: string;
  readonly action: ActionDefinition;
  readonly handler: ActionHandler;
  readonly credential: ResolvedCredential;
  readonly params: Record<string, unknown>;
  readonly keyFields: readonly string[];
  /** The type of its events (scan-events.ts). */
  readonly eventType: string;
  readonly schedule: ScanSchedule;
}

/** Thrown by `startScanner` when a source cannot be scanned; lists every problem found. */
export class ScanConfigError extends Error {
  override readonly name = 'ScanConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`cannot start the scanner:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Checks every schedule source before the first scan, so a mistake fails at start, not on the
 * first tick at 3 a.m.: the action is a read of the catalog, its connector is available, the
 * credential exists, belongs to that connector and has the action in its scopes, `with` is valid
 * input, and the schedule parses. Throws a `ScanConfigError` naming `sources.<name>.<field>`.
 */
export function planScans(
  sources: readonly ScheduleSourceConfig[],
  dependencies: {
    readonly catalog: ActionCatalog;
    readonly connectors: ReadonlyMap<string, Connector>;
    readonly credentials: ReadonlyMap<string, ResolvedCredential>;
    readonly anchor: number;
  },
): PlannedScan[] {
  const problems: string[] = [];
  const planned: PlannedScan[] = [];
  for (const source of sources) {
    const at = (field: string) => `sources.${source.name}.${field}`;
    const before = problems.length;
    const action = dependencies.catalog.get(source.scan);
    if (!action) {
      const suggestion = dependencies.catalog.suggest(source.scan);
      problems.push(
        `${at('scan')}: unknown action ${source.scan}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
      );
    } else if (action.effect !== 'read') {
      problems.push(
        `${at('scan')}: ${action.id} is a ${action.effect} action; a scan may only read (use a list or read action)`,
      );
    }
    const handler = action ? dependencies.connectors.get(action.connector)?.handlers[action.id] : undefined;
    if (action && !handler)
      problems.push(
        `${at('scan')}: the ${action.connector} connector is not available in this process, so ${action.id} cannot run`,
      );
    const credential = dependencies.credentials.get(source.credentials);
    if (!credential)
      problems.push(
        `${at('credentials')}: no credential named ${source.credentials} (is it in \`credentials\`, and its secrets resolvable?)`,
      );
    else if (action && credential.connector !== action.connector)
      problems.push(
        `${at('credentials')}: ${credential.name} is a ${credential.connector} credential; ${action.id} needs a ${action.connector} one`,
      );
    else if (action && !credential.scopes.includes(action.scope))
      problems.push(
        `${at('credentials')}: ${credential.name} lacks the scope ${action.scope}: add it to the credential's \`scopes\``,
      );
    let params: unknown = source.with ?? {};
    if (action) {
      const input = action.input.safeParse(params);
      if (input.success) params = input.data;
      else {
        const issue = input.error.issues[0];
        problems.push(`${at(['with', ...(issue?.path ?? [])].join('.'))}: ${issue?.message ?? 'invalid'}`);
      }
    }
    let schedule: ScanSchedule | undefined;
    try {
      schedule = scanSchedule(source, dependencies.anchor);
    } catch (error) {
      problems.push(`sources.${source.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (problems.length === before && action && handler && credential && schedule) {
      const keyFields = resourceKeyFields(dependencies.catalog, action.id);
      planned.push({
        source: source.name,
        action,
        handler,
        credential,
        params: params as Record<string, unknown>,
        keyFields,
        eventType: scanEventType(dependencies.catalog, action.id, keyFields),
        schedule,
      });
    }
  }
  const names = sources.map((s) => s.name);
  for (const [index, name] of names.entries())
    if (names.indexOf(name) !== index) problems.push(`sources.${name}: two sources have this name`);
  if (problems.length > 0) throw new ScanConfigError(problems);
  return planned;
}
