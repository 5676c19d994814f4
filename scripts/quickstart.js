#!/usr/bin/env node
// `npm start`: the quickstart. Serves the bundled examples (examples/rectify.yaml and its
// workflows) on the embedded SQLite store, with every remediation that could run here acting on
// the SIMULATED sandbox connector. The sandbox source authenticates its senders with a bearer
// token read from examples/.rectify/sandbox-source.token (a `file:` reference of the config);
// this script creates that file once, with a random token, so that `rectify events send` can
// read the same reference. Nothing else is set up: the other sources and credentials name
// environment variables, and the server says which are missing.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// RECTIFY_EXAMPLES_DIR: serve a copy of examples/ instead (the end-to-end test does).
const examples = process.env.RECTIFY_EXAMPLES_DIR ?? join(root, 'examples');
const tokenFile = join(examples, '.rectify', 'sandbox-source.token');
if (!existsSync(tokenFile)) {
  mkdirSync(dirname(tokenFile), { recursive: true });
  writeFileSync(tokenFile, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
}

process.stderr.write(`Rectify quickstart: serving examples/ (SIMULATED sandbox for the demo workflow).
In another terminal, once it is up:
  npx rectify events send examples/events/sandbox-public-bucket.json --config examples/rectify.yaml
  npx rectify runs show <run id printed above> --config examples/rectify.yaml
  npx rectify audit verify --config examples/rectify.yaml
The warnings below name the environment variables the other (real) sources and credentials need.

`);

const child = spawn(
  process.execPath,
  // Arguments after `npm start --` go to `rectify serve` (e.g. `--listen 127.0.0.1:8080`).
  [
    join(root, 'bin', 'rectify.js'),
    'serve',
    '--config',
    join(examples, 'rectify.yaml'),
    '--log-level',
    'error',
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', cwd: root },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
