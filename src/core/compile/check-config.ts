import { literalSecretKind } from '../secrets.js';
import { builtInRoles } from '../types.js';
import type { Config } from '../model/config.js';
import type { PathSegment } from '../loader/source-document.js';
import type { DiagnosticCollector } from './collector.js';

/** Cross-field checks of a schema-valid config: names unique, references resolved, no literal secrets. */
export function checkConfig(collector: DiagnosticCollector, config: Config): void {
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

  config.credentials.forEach((credential, index) => {
    for (const [key, value] of Object.entries(credential.with ?? {})) {
      const kind = literalSecretKind(key, value);
      const path: PathSegment[] = ['credentials', index, 'with', key];
      if (kind)
        collector.add(
          path,
          'literal-secret',
          `\`credentials[${index}].with.${key}\` holds ${kind} written literally`,
          'put the secret in an environment variable or a file and write env:NAME or file:/path',
        );
    }
  });
}
