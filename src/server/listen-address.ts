/**
 * Parses `host:port` (`127.0.0.1:7070`, `[::1]:7070`, `:7070` for every interface).
 * @example parseListen('127.0.0.1:7070') // { host: '127.0.0.1', port: 7070 }
 */
export function parseListen(text: string): { host: string; port: number } | { error: string } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port > 65535)
    return { error: `"${text}" is not host:port; write for example 127.0.0.1:7070 (port 0: any free port)` };
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}
