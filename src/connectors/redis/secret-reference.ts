import { readFile } from 'node:fs/promises';
import { ActionFailure } from '../../core/errors.js';

/**
 * The value of a secret reference given as an action parameter: `env:NAME` reads the environment
 * of the Rectify process, `file:/path` a file (one trailing newline dropped, as `echo` writes).
 * Failures name the reference, never a value. An empty secret is refused: as a Redis password it
 * would let in anyone who sends an empty one.
 * @example await resolveSecretReference('env:CACHE_APP_PASSWORD') // the variable's value
 */
export async function resolveSecretReference(reference: string): Promise<string> {
  let value: string | undefined;
  if (reference.startsWith('env:')) {
    value = process.env[reference.slice('env:'.length)];
    if (value === undefined)
      throw new ActionFailure(
        `secret reference ${reference}: the variable is not set in Rectify's environment`,
        'non-retryable',
      );
  } else if (reference.startsWith('file:')) {
    try {
      value = (await readFile(reference.slice('file:'.length), 'utf8')).replace(/\r?\n$/, '');
    } catch {
      throw new ActionFailure(
        `secret reference ${reference}: the file cannot be read by Rectify`,
        'non-retryable',
      );
    }
  } else {
    throw new ActionFailure(
      `secret reference "${reference}" is neither env:NAME nor file:/path`,
      'non-retryable',
    );
  }
  if (value === '')
    throw new ActionFailure(
      `secret reference ${reference} is empty: set a non-empty password`,
      'non-retryable',
    );
  return value;
}
