import type { Rule } from '../../rule.js';
import { noNotify } from './no-notify.js';
import { noVerify } from './no-verify.js';
import { unknownChannel } from './unknown-channel.js';

/** The `observability/` rules. */
export const observabilityRules: readonly Rule[] = [noNotify, noVerify, unknownChannel];
