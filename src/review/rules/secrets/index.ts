import type { Rule } from '../../rule.js';
import { literalSecret } from './literal-secret.js';

/** The `secrets/` rules. */
export const secretsRules: readonly Rule[] = [literalSecret];
