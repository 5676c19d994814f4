import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ResolvedCredential } from '../core/catalog/connector.js';
import type { Config } from '../core/model/config.js';
import { isSecretReference } from '../core/secrets.js';

/**
 * The resolver of `env:NAME` and `file:/path` references (spec/config.md). Errors name the
 * reference and the fix, never a value. A `file:` path is read from the config's folder when
 * relative; its content is trimmed (editors add a final newline).
 * @example secretResolver(process.env, '/etc/rectify')('env:AM_TOKEN')
 */
export function secretResolver(env: NodeJS.ProcessEnv, configDir: string): (reference: string) => string {
  return (reference) => {
    if (reference.startsWith('env:')) {
      const name = reference.slice(4);
      const value = env[name];
      if (value === undefined || value === '')
        throw new Error(`${reference}: the environment variable ${name} is not set; set it before starting`);
      return value;
    }
    if (reference.startsWith('file:')) {
      const path = reference.slice(5);
      const absolute = isAbsolute(path) ? path : resolve(configDir, path);
      try {
        const value = readFileSync(absolute, 'utf8').trim();
        // An empty secret would make an HMAC key anyone can compute: refused, as an unset env: is.
        if (value !== '') return value;
      } catch {
        throw new Error(`${reference}: the file cannot be read; check that it exists and is readable`);
      }
      throw new Error(`${reference}: the file is empty; write the secret into it`);
    }
    throw new Error(`"${reference.slice(0, 40)}" is not a secret reference; write env:NAME or file:/path`);
  };
}

/**
 * The config's credentials with their references resolved. A credential whose secret is missing
 * is left out and named in `problems`: the server still starts, and a run that needs the
 * credential fails saying it has none.
 * @example const { credentials, problems } = resolveCredentials(config, resolveSecret)
 */
export function resolveCredentials(
  config: Config,
  resolveSecret: (reference: string) => string,
): { credentials: Map<string, ResolvedCredential>; problems: string[] } {
  const credentials = new Map<string, ResolvedCredential>();
  const problems: string[] = [];
  for (const credential of config.credentials) {
    try {
      const settings: Record<string, string | number | boolean> = {};
      for (const [key, value] of Object.entries(credential.with ?? {}))
        settings[key] = typeof value === 'string' && isSecretReference(value) ? resolveSecret(value) : value;
      credentials.set(credential.name, {
        name: credential.name,
        connector: credential.connector,
        settings,
        scopes: credential.scopes,
      });
    } catch (error) {
      problems.push(
        `credential ${credential.name}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return { credentials, problems };
}
