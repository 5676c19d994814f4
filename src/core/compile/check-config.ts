import { literalSecretKind } from '../secrets.js';
import { builtInRoles } from '../types.js';
import type { ActionCatalog } from '../catalog/catalog.js';
import type { Config } from '../model/config.js';
import type { PathSegment } from '../loader/source-document.js';
import type { DiagnosticCollector } from './collector.js';

/** Cross-field checks of a schema-valid config: names unique, references resolved, no literal secrets. */
export function checkConfig(collector: DiagnosticCollector, config: Config, catalog: ActionCatalog): void {
  const unique = (items: readonly { name: string }[], section: string) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      if (seen.has(item.name))
        collector.add(
          [section, index, 'name'],
          'duplicate-name',
          `${section} \`${item.name}\` is defined twice`,
          'names must be unique within a section',
        );
      seen.add(item.name);
    });
  };
  unique(config.sources, 'sources');
  unique(config.credentials, 'credentials');
  unique(config.channels, 'channels');
  unique(config.access?.roles ?? [], 'roles');

  const credentialNames = new Set(config.credentials.map((c) => c.name));
  config.sources.forEach((source, index) => {
    if (source.type !== 'schedule') return;
    if (!credentialNames.has(source.credentials)) {
      collector.add(
        ['sources', index, 'credentials'],
        'unknown-credential',
        `credential \`${source.credentials}\` is not defined`,
        `define it under \`credentials\` or use one of: ${[...credentialNames].join(', ') || '(none)'}`,
      );
    }
    if (source.every === undefined && source.cron === undefined) {
      collector.add(
        ['sources', index],
        'missing-schedule',
        `schedule source \`${source.name}\` has neither \`every\` nor \`cron\``,
        'add `every: 5m` (or a cron expression)',
      );
    }
  });

  const roleNames = new Set<string>([...builtInRoles, ...(config.access?.roles ?? []).map((r) => r.name)]);
  (config.access?.bindings ?? []).forEach((binding, index) => {
    binding.roles.forEach((role, roleIndex) => {
      if (!roleNames.has(role)) {
        collector.add(
          ['access', 'bindings', index, 'roles', roleIndex],
          'unknown-role',
          `role \`${role}\` is not defined`,
          `built-in roles: ${builtInRoles.join(', ')}; or define it under access.roles`,
        );
      }
    });
  });

  const unknownAction = (path: PathSegment[], id: string) => {
    collector.unknownAction(path, id, catalog);
  };
  config.sources.forEach((source, index) => {
    if (source.type !== 'schedule') return;
    const scan = catalog.get(source.scan);
    if (!scan) unknownAction(['sources', index, 'scan'], source.scan);
    else if (scan.effect !== 'read') {
      collector.add(
        ['sources', index, 'scan'],
        'check-not-read',
        `\`${source.scan}\` changes things: a scan may only read`,
        'scan with a list or read action',
      );
    }
  });
  config.credentials.forEach((credential, index) => {
    if (!catalog.connectors().includes(credential.connector)) {
      collector.add(
        ['credentials', index, 'connector'],
        'unknown-connector',
        `no connector is named \`${credential.connector}\``,
        `connectors: ${catalog.connectors().join(', ')}`,
      );
      return;
    }
    credential.scopes.forEach((scope, scopeIndex) => {
      const action = catalog.get(scope);
      const path: PathSegment[] = ['credentials', index, 'scopes', scopeIndex];
      if (!action) unknownAction(path, scope);
      else if (action.connector !== credential.connector) {
        collector.add(
          path,
          'scope-wrong-connector',
          `\`${scope}\` belongs to the ${action.connector} connector, but this credential is for ${credential.connector}`,
          'a credential grants actions of its own connector only',
        );
      }
    });
  });

  findLiteralSecrets(collector, config, []);
}

/**
 * A secret written literally anywhere in the config is a load error (spec/config.md): values are
 * checked by their shape everywhere, and by their key's name in connection settings (`with`).
 */
function findLiteralSecrets(collector: DiagnosticCollector, value: unknown, path: PathSegment[]): void {
  if (typeof value === 'string') {
    const key = path[path.length - 1];
    const kind = literalSecretKind(path.includes('with') && typeof key === 'string' ? key : undefined, value);
    if (kind) {
      const where = collector.source.at(path, '', '', undefined).path;
      collector.add(
        path,
        'literal-secret',
        `\`${where}\` holds ${kind} written literally`,
        'put the secret in an environment variable or a file and write env:NAME or file:/path',
      );
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      findLiteralSecrets(collector, item, [...path, index]);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) findLiteralSecrets(collector, inner, [...path, key]);
  }
}
