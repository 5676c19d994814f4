import type { Rule } from '../../rule.js';
import { noDedupe } from './no-dedupe.js';
import { noMatchCondition } from './no-match-condition.js';
import { singleSignalDestructive } from './single-signal-destructive.js';
import { tautologicalMatch } from './tautological-match.js';
import { unauthenticatedSource } from './unauthenticated-source.js';
import { unknownSource } from './unknown-source.js';
import { wildcardTypes } from './wildcard-types.js';

/** The `trigger/` rules. */
export const triggerRules: readonly Rule[] = [
  wildcardTypes,
  noMatchCondition,
  singleSignalDestructive,
  unauthenticatedSource,
  noDedupe,
  unknownSource,
  tautologicalMatch,
];
