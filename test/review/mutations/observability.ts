import type { Mutation } from './mutation.js';

/** Known flaws for the `observability/` rules. */
export const observabilityMutations: readonly Mutation[] = [];
