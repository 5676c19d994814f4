/**
 * The hosts a credential may reach, from its `allowHosts` setting: a comma-separated list of
 * `host` or `host:port` entries (`hooks.example.com,api.internal:8443`). Matching is exact and
 * case-insensitive; there are no wildcards, so a new subdomain is never reachable by accident.
 * An entry without a port allows only the scheme's default port (443 for https, 80 for http).
 * IPv6 literals are written in brackets: `[::1]:8080`.
 */
export interface AllowedHost {
  readonly host: string;
  /** Undefined: the URL's default port only. */
  readonly port: number | undefined;
}

const entryPattern = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::(\d{1,5}))?$/;

/**
 * Parses `allowHosts`; returns the entries, or the first entry that is not a host.
 * @example parseAllowHosts('hooks.example.com, api.internal:8443')
 * // { ok: true, hosts: [{ host: 'hooks.example.com', port: undefined }, { host: 'api.internal', port: 8443 }] }
 */
export function parseAllowHosts(
  text: string,
): { ok: true; hosts: AllowedHost[] } | { ok: false; entry: string } {
  const hosts: AllowedHost[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    const match = entryPattern.exec(entry);
    const port = match?.[2] === undefined ? undefined : Number(match[2]);
    if (!match?.[1] || (port !== undefined && (port < 1 || port > 65535)))
      return { ok: false, entry: raw.trim() };
    hosts.push({ host: match[1], port });
  }
  return hosts.length > 0 ? { ok: true, hosts } : { ok: false, entry: text };
}

/** The port a URL connects to, its scheme's default when it names none. */
export function effectivePort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** Whether `url` names an allowed host and port. */
export function isAllowed(url: URL, hosts: readonly AllowedHost[]): boolean {
  const host = url.hostname.toLowerCase();
  const port = effectivePort(url);
  const defaultPort = url.protocol === 'https:' ? 443 : 80;
  return hosts.some((allowed) => allowed.host === host && (allowed.port ?? defaultPort) === port);
}

/**
 * What an error message may say about a URL: scheme, host and port only. Paths and queries often
 * carry secrets (a Slack webhook's path is its key), so they never appear in messages.
 */
export function describeOrigin(url: URL): string {
  return `${url.protocol}//${url.host}`;
}
