import { describe, expect, it } from 'vitest';
import { describeOrigin, isAllowed, parseAllowHosts } from '../../../src/connectors/http/allow-list.js';

describe('allowHosts', () => {
  it('parses hosts and host:port, trimming and lowercasing', () => {
    expect(parseAllowHosts(' Hooks.Example.com , api.internal:8443,[::1]:9000')).toEqual({
      ok: true,
      hosts: [
        { host: 'hooks.example.com', port: undefined },
        { host: 'api.internal', port: 8443 },
        { host: '[::1]', port: 9000 },
      ],
    });
  });

  it.each(['*.example.com', 'https://hooks.example.com', 'host/path', 'host:99999', 'a b', ''])(
    'rejects %j, naming the entry',
    (text) => {
      expect(parseAllowHosts(text).ok).toBe(false);
    },
  );

  it('matches host and port exactly; an entry without a port allows only the default port', () => {
    const parsed = parseAllowHosts('hooks.example.com,api.internal:8443');
    if (!parsed.ok) throw new Error('parse');
    const allowed = (url: string) => isAllowed(new URL(url), parsed.hosts);
    expect(allowed('https://hooks.example.com/x')).toBe(true);
    expect(allowed('http://hooks.example.com/x')).toBe(true);
    expect(allowed('https://HOOKS.example.com:443/x')).toBe(true);
    expect(allowed('https://hooks.example.com:8443/x')).toBe(false);
    expect(allowed('https://evil.hooks.example.com/x')).toBe(false);
    expect(allowed('https://hooks.example.com.evil.net/x')).toBe(false);
    expect(allowed('https://api.internal:8443/')).toBe(true);
    expect(allowed('https://api.internal/')).toBe(false);
  });

  it('describes an origin without path or query (they may hold secrets)', () => {
    expect(describeOrigin(new URL('https://hooks.slack.com/services/T0/B0/secretpart?token=abc'))).toBe(
      'https://hooks.slack.com',
    );
  });
});
