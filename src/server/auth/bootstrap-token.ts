import { membersOf } from '../../core/access/permissions.js';
import type { Config } from '../../core/model/config.js';
import type { Store } from '../../store/store.js';
import { issueToken } from './issue-token.js';
import { hashToken, looksLikeToken } from './token-secret.js';

const bootstrappedSetting = 'tokens.bootstrapped';

export type BootstrapResult =
  /** A new token was made: print `secret` once. */
  | { readonly kind: 'created'; readonly subject: string; readonly tokenId: string; readonly secret: string }
  /** RECTIFY_BOOTSTRAP_TOKEN was stored (or was already). Never print it. */
  | { readonly kind: 'from-env'; readonly subject: string; readonly tokenId: string }
  /** An earlier start made the bootstrap token: nothing to do (revoking it does not bring it back). */
  | { readonly kind: 'exists' };

/** The subject of the bootstrap token: the first subject the config binds to `admin`, else `user:admin`. */
export function bootstrapSubject(config: Config): string {
  return membersOf(config, 'admin')[0] ?? 'user:admin';
}

/**
 * First start: makes sure someone can administer the server. With `RECTIFY_BOOTSTRAP_TOKEN`,
 * that token (hash only) becomes a bootstrap admin token if the store does not know it yet (a
 * way back in for an operator who lost every admin token); without it, a new token is made on
 * the FIRST start only (the setting `tokens.bootstrapped`), so revoking it is final. A bootstrap token
 * holds the built-in `admin` role whatever the config binds (see access-check.ts).
 * Throws, naming the variable, when RECTIFY_BOOTSTRAP_TOKEN is not shaped like a token.
 * @example const result = await ensureBootstrapToken(store, config, Date.now(), process.env.RECTIFY_BOOTSTRAP_TOKEN)
 */
export async function ensureBootstrapToken(
  store: Store,
  config: Config,
  now: number,
  fromEnv: string | undefined,
): Promise<BootstrapResult> {
  const subject = bootstrapSubject(config);
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!looksLikeToken(fromEnv))
      throw new Error(
        'RECTIFY_BOOTSTRAP_TOKEN must look like a Rectify token: `rfy_` and 20 to 200 more characters of A-Z a-z 0-9 _ - (for example `rfy_` and the output of `openssl rand -hex 32`), or be unset to have one made',
      );
    return store.transaction(async (tx) => {
      await tx.setSetting(bootstrappedSetting, new Date(now).toISOString());
      const known = await tx.tokens.tokenByHash(hashToken(fromEnv));
      if (known) return { kind: 'from-env' as const, subject: known.subject, tokenId: known.id };
      const { token } = await issueToken(tx, {
        subject,
        by: 'env:RECTIFY_BOOTSTRAP_TOKEN',
        now,
        expiresAt: null,
        description: 'bootstrap admin (RECTIFY_BOOTSTRAP_TOKEN)',
        bootstrap: true,
        secret: fromEnv,
      });
      return { kind: 'from-env' as const, subject, tokenId: token.id };
    });
  }
  return store.transaction(async (tx) => {
    if ((await tx.getSetting(bootstrappedSetting)) !== undefined) return { kind: 'exists' as const };
    await tx.setSetting(bootstrappedSetting, new Date(now).toISOString());
    const { token, secret } = await issueToken(tx, {
      subject,
      by: 'rectify serve (first start)',
      now,
      expiresAt: null,
      description: 'bootstrap admin (first start)',
      bootstrap: true,
    });
    return { kind: 'created' as const, subject, tokenId: token.id, secret };
  });
}
