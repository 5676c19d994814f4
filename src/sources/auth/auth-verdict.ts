/** Why a delivery was not authenticated: recorded in the audit log (never the secret or signature). */
export const AuthFailure = {
  missingAuthorization: 'missing-authorization',
  badToken: 'bad-token',
  missingSignature: 'missing-signature',
  missingTimestamp: 'missing-timestamp',
  badTimestamp: 'bad-timestamp',
  staleTimestamp: 'stale-timestamp',
  badSignature: 'bad-signature',
  replayed: 'replayed',
} as const;
export type AuthFailure = (typeof AuthFailure)[keyof typeof AuthFailure];

export type AuthVerdict =
  { readonly ok: true } | { readonly ok: false; readonly reason: AuthFailure; readonly detail: string };

export const authenticated: AuthVerdict = { ok: true };

export function rejected(reason: AuthFailure, detail: string): AuthVerdict {
  return { ok: false, reason, detail };
}
