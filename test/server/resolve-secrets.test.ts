import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secretResolver } from '../../src/server/resolve-secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'rectify-secrets-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('secret references', () => {
  const resolve = secretResolver({ SET: 'value-1', EMPTY: '' }, dir);

  it('reads env: and file: (relative to the config folder, trimmed)', () => {
    writeFileSync(join(dir, 'token'), 'value-2\n');
    expect(resolve('env:SET')).toBe('value-1');
    expect(resolve('file:token')).toBe('value-2');
  });

  it('refuses an unset variable, an empty one and an empty file, naming the reference, never a value', () => {
    writeFileSync(join(dir, 'empty'), '\n');
    expect(() => resolve('env:UNSET')).toThrow('env:UNSET: the environment variable UNSET is not set');
    expect(() => resolve('env:EMPTY')).toThrow('env:EMPTY');
    // An empty HMAC key would be one anyone can compute.
    expect(() => resolve('file:empty')).toThrow('file:empty: the file is empty');
    expect(() => resolve('file:missing')).toThrow('file:missing: the file cannot be read');
  });
});
