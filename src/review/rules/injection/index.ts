import type { Rule } from '../../rule.js';
import { eventToSensitiveParam } from './event-to-sensitive-param.js';
import { untrustedFieldInMatchOnly } from './untrusted-field-in-match-only.js';

/** The `injection/` rules. */
export const injectionRules: readonly Rule[] = [eventToSensitiveParam, untrustedFieldInMatchOnly];
