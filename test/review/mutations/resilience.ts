import type { Mutation } from './mutation.js';

/** Known flaws for the `resilience/` rules. */
export const resilienceMutations: readonly Mutation[] = [];
