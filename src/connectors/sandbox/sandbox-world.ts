import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';

/**
 * The SIMULATED systems behind the `sandbox` connector: buckets, database roles and users held
 * in memory. A world starts from a seed (what tests and examples declare) and records every
 * write and counts every call, so a test can assert what was changed, in which order, and how
 * many times each action was attempted. With a journal it outlives its process: see
 * `SandboxWorldOptions.journal`.
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

export interface SandboxWorldOptions {
  /**
   * A file that lets the world outlive its process (crash tests, drills that persist their
   * world). Every write is appended to it, one JSON line, and fsynced BEFORE it takes effect in
   * memory, so "performed" means "in the journal" even when the process is SIGKILLed. A world
   * opened on an existing journal replays its writes onto the seed (give the same seed every
   * time); `writes` then holds them too. A torn last line (an OS crash mid-append) is dropped:
   * that write never took effect. `calls` is not journaled: it counts this process's calls.
   */
  readonly journal?: string;
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

  /** The journal file, when the world has one. */
  readonly journal: string | undefined;
  #journalFd: number | undefined;

  constructor(seed: SandboxSeed = defaultSandboxSeed, options: SandboxWorldOptions = {}) {
    for (const [name, bucket] of Object.entries(seed.buckets ?? {})) this.buckets.set(name, { ...bucket });
    for (const [key, role] of Object.entries(seed.roles ?? {})) this.roles.set(key, { ...role });
    for (const [key, user] of Object.entries(seed.users ?? {}))
      this.users.set(key, { ...user, passwordVersion: 1 });
    this.journal = options.journal;
    if (options.journal === undefined) return;
    for (const write of readJournal(options.journal)) {
      const apply = writeEffects[write.action]?.(this, write.params);
      if (!apply)
        throw new Error(
          `[SIMULATED] the sandbox journal ${options.journal} does not fit the seed: ${write.action} ${JSON.stringify(write.params)}`,
        );
      apply();
      this.writes.push(write);
    }
    this.#journalFd = openSync(options.journal, 'a');
  }

  /**
   * Performs a write action on the simulated state: journaled (and fsynced) first when the world
   * has a journal, then applied and recorded in `writes`. False, changing nothing, when the
   * resource it writes does not exist.
   */
  write(action: string, params: Readonly<Record<string, unknown>>): boolean {
    const effect = writeEffects[action];
    if (!effect) throw new Error(`[SIMULATED] ${action} is not a sandbox write`);
    const apply = effect(this, params);
    if (!apply) return false;
    const write: SandboxWrite = { action, params: { ...params } };
    if (this.journal !== undefined) {
      if (this.#journalFd === undefined)
        throw new Error(`[SIMULATED] the sandbox journal ${this.journal} is closed`);
      writeSync(this.#journalFd, `${JSON.stringify(write)}\n`);
      fsyncSync(this.#journalFd);
    }
    apply();
    this.writes.push(write);
    return true;
  }

  /** Closes the journal, if any; the world takes no write after this. */
  close(): void {
    if (this.#journalFd !== undefined) closeSync(this.#journalFd);
    this.#journalFd = undefined;
  }
}

type Params = Readonly<Record<string, unknown>>;

/** What each write action does to the world: the change to make, or undefined when its resource does not exist. */
const writeEffects: Readonly<
  Record<string, (world: SandboxWorld, params: Params) => (() => void) | undefined>
> = {
  'sandbox.bucket.set-access': (world, params) => {
    const bucket = world.buckets.get(String(params.bucket));
    return (
      bucket &&
      (() => {
        bucket.access = params.access === 'public' ? 'public' : 'private';
      })
    );
  },
  'sandbox.role.set-login': (world, params) => {
    const role = world.roles.get(`${String(params.database)}/${String(params.role)}`);
    return (
      role &&
      (() => {
        role.login = params.login === true;
      })
    );
  },
  'sandbox.role.set-superuser': (world, params) => {
    const role = world.roles.get(`${String(params.database)}/${String(params.role)}`);
    return (
      role &&
      (() => {
        role.superuser = params.superuser === true;
      })
    );
  },
  'sandbox.user.set-enabled': (world, params) => {
    const user = world.users.get(`${String(params.system)}/${String(params.user)}`);
    return (
      user &&
      (() => {
        user.enabled = params.enabled === true;
      })
    );
  },
  'sandbox.user.rotate-password': (world, params) => {
    const user = world.users.get(`${String(params.system)}/${String(params.user)}`);
    return (
      user &&
      (() => {
        user.hasPassword = true;
        user.passwordVersion += 1;
      })
    );
  },
};

/** The writes in a journal file (none when it does not exist); a torn last line is cut off. */
function readJournal(path: string): SandboxWrite[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  if (complete.length < text.length) truncateSync(path, Buffer.byteLength(complete));
  return complete
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as SandboxWrite);
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
