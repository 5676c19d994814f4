/**
 * The SIMULATED systems behind the `sandbox` connector: buckets, database roles and users held
 * in memory. A world starts from a seed (what tests and examples declare) and records every
 * write and counts every call, so a test can assert what was changed, in which order, and how
 * many times each action was attempted.
 */
export interface SandboxBucket {
  access: 'public' | 'private';
}
export interface SandboxRole {
  login: boolean;
  superuser: boolean;
}
export interface SandboxUser {
  enabled: boolean;
  hasPassword: boolean;
  passwordVersion: number;
}

export interface SandboxSeed {
  readonly buckets?: Readonly<Record<string, SandboxBucket>>;
  /** Keyed `database/role`. */
  readonly roles?: Readonly<Record<string, SandboxRole>>;
  /** Keyed `system/user`. */
  readonly users?: Readonly<Record<string, Omit<SandboxUser, 'passwordVersion'>>>;
}

export interface SandboxWrite {
  readonly action: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export class SandboxWorld {
  readonly buckets = new Map<string, SandboxBucket>();
  readonly roles = new Map<string, SandboxRole>();
  readonly users = new Map<string, SandboxUser>();
  /** Every write performed, in order: what took effect. */
  readonly writes: SandboxWrite[] = [];
  /**
   * Calls made, by action id: every attempt that reached the connector, including those that
   * failed, were aborted or were refused by an injected fault. Compare with `writes` to tell
   * attempted from performed.
   */
  readonly calls = new Map<string, number>();

  constructor(seed: SandboxSeed = defaultSandboxSeed) {
    for (const [name, bucket] of Object.entries(seed.buckets ?? {})) this.buckets.set(name, { ...bucket });
    for (const [key, role] of Object.entries(seed.roles ?? {})) this.roles.set(key, { ...role });
    for (const [key, user] of Object.entries(seed.users ?? {}))
      this.users.set(key, { ...user, passwordVersion: 1 });
  }
}

/** What the quickstart starts from: one public bucket, one role that should not log in, one user without a password. */
export const defaultSandboxSeed: SandboxSeed = {
  buckets: {
    'demo-reports': { access: 'public' },
    'demo-exports': { access: 'private' },
    'demo-photos': { access: 'private' },
  },
  roles: {
    'analytics/etl_legacy': { login: true, superuser: false },
    'analytics/app': { login: true, superuser: false },
  },
  users: {
    'redis-main/default': { enabled: true, hasPassword: false },
    'redis-main/app': { enabled: true, hasPassword: true },
  },
};
