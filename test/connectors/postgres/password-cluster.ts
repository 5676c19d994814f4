import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private PostgreSQL cluster with scram-sha-256 password authentication, for the tests that need
 * a server to refuse a password (the shared server trusts every local connection, so a wrong or
 * expired password would pass there). Started from the same installed binaries, on a free port,
 * in a temporary folder; `stop()` removes it. As root it runs as the `postgres` OS user (initdb
 * refuses root).
 */
export interface PasswordCluster {
  readonly port: number;
  /** The superuser's password (user `postgres`). */
  readonly password: string;
  stop(): void;
}

function binDir(): string {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(a) - Number(b))
    : [];
  const latest = versions.at(-1);
  if (!latest)
    throw new Error('initdb not found under /usr/lib/postgresql: set PG_BINDIR to the PostgreSQL bin folder');
  return join(root, latest, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

export async function startPasswordCluster(): Promise<PasswordCluster> {
  const bin = binDir();
  const folder = mkdtempSync(join(tmpdir(), 'rectify-pgpw-'));
  const asRoot = process.getuid?.() === 0;
  const run = (file: string, args: string[]) => {
    const command = asRoot ? 'runuser' : file;
    const argv = asRoot ? ['-u', 'postgres', '--', file, ...args] : args;
    execFileSync(command, argv, { stdio: 'pipe' });
  };
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(folder, 'pw'), password);
  if (asRoot) {
    const ids = execFileSync('id', ['-u', 'postgres']).toString().trim();
    const gid = execFileSync('id', ['-g', 'postgres']).toString().trim();
    chownSync(folder, Number(ids), Number(gid));
    chownSync(join(folder, 'pw'), Number(ids), Number(gid));
  }
  const data = join(folder, 'data');
  run(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=scram-sha-256',
    `--pwfile=${join(folder, 'pw')}`,
    '-N',
  ]);
  const port = await freePort();
  const options = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=20`;
  run(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-w', '-l', join(folder, 'log'), 'start']);
  return {
    port,
    password,
    stop() {
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}
