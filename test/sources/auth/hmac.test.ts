import { describe, expect, it } from 'vitest';
import { signDelivery } from '../../../src/sources/auth/hmac-signature.js';
import { ReplayCache } from '../../../src/sources/auth/replay-cache.js';
import { verifyBearer } from '../../../src/sources/auth/verify-bearer.js';
import { verifyHmac, type HmacCheck } from '../../../src/sources/auth/verify-hmac.js';

const now = Date.parse('2026-11-27T12:00:00Z');
const seconds = now / 1000;
const body = Buffer.from('{"id":"1"}');

function check(overrides: Partial<HmacCheck> = {}): HmacCheck {
  return {
    source: 'signed',
    secret: 's3cret-value',
    signatureHeader: 'X-Signature',
    signature: signDelivery('s3cret-value', seconds, body),
    timestamp: String(seconds),
    body,
    now,
    toleranceMs: 300_000,
    replays: new ReplayCache(),
    ...overrides,
  };
}

describe('HMAC verification', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256, as documented', () => {
    // echo -n '1795780800.{"id":"1"}' | openssl dgst -sha256 -hmac s3cret-value
    expect(signDelivery('s3cret-value', 1795780800, body)).toBe(
      'sha256=3f55f2becea8e35cbf45dd6ca98143d665316712ca7f19bf095a03adaed3a4ba',
    );
    expect(signDelivery('s3cret-value', '1795780800', body.toString())).toBe(
      signDelivery('s3cret-value', 1795780800, body),
    );
  });

  it('accepts a fresh, correct signature once, and refuses its replay', () => {
    const replays = new ReplayCache();
    expect(verifyHmac(check({ replays }))).toEqual({ ok: true });
    expect(verifyHmac(check({ replays }))).toMatchObject({ ok: false, reason: 'replayed' });
  });

  it('refuses a missing, stale, future or malformed timestamp, and a wrong signature', () => {
    expect(verifyHmac(check({ signature: undefined }))).toMatchObject({ reason: 'missing-signature' });
    expect(verifyHmac(check({ timestamp: undefined }))).toMatchObject({ reason: 'missing-timestamp' });
    expect(verifyHmac(check({ timestamp: '12.5' }))).toMatchObject({ reason: 'bad-timestamp' });
    const stale = seconds - 301;
    expect(
      verifyHmac(check({ timestamp: String(stale), signature: signDelivery('s3cret-value', stale, body) })),
    ).toMatchObject({ reason: 'stale-timestamp' });
    const future = seconds + 301;
    expect(
      verifyHmac(check({ timestamp: String(future), signature: signDelivery('s3cret-value', future, body) })),
    ).toMatchObject({ reason: 'stale-timestamp' });
    expect(verifyHmac(check({ signature: signDelivery('other', seconds, body) }))).toMatchObject({
      reason: 'bad-signature',
    });
    expect(verifyHmac(check({ body: Buffer.from('{"id":"2"}') }))).toMatchObject({ reason: 'bad-signature' });
  });

  it('never puts the secret or the signature in a message', () => {
    const signature = signDelivery('other', seconds, body);
    const verdict = verifyHmac(check({ signature }));
    expect(JSON.stringify(verdict)).not.toContain('s3cret-value');
    expect(JSON.stringify(verdict)).not.toContain(signature.slice(7));
  });
});

describe('bearer verification', () => {
  it('accepts the token, refuses a missing or wrong one', () => {
    expect(verifyBearer('Bearer tok-123', 'tok-123')).toEqual({ ok: true });
    expect(verifyBearer('bearer tok-123', 'tok-123')).toEqual({ ok: true });
    expect(verifyBearer(undefined, 'tok-123')).toMatchObject({ reason: 'missing-authorization' });
    expect(verifyBearer('Bearer tok-124', 'tok-123')).toMatchObject({ reason: 'bad-token' });
    expect(verifyBearer('Basic tok-123', 'tok-123')).toMatchObject({ reason: 'bad-token' });
  });
});

describe('replay cache', () => {
  it('forgets entries once expired, and holds at most its bound', () => {
    const cache = new ReplayCache(3);
    expect(cache.remember('a', now + 10, now)).toBe(true);
    expect(cache.remember('a', now + 10, now + 5)).toBe(false);
    expect(cache.remember('a', now + 30, now + 11)).toBe(true);
    for (const key of ['b', 'c', 'd', 'e']) cache.remember(key, now + 100, now);
    expect(cache.size).toBe(3);
  });
});
