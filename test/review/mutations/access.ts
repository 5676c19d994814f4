import type { Mutation } from './mutation.js';

/** Known flaws for the `access/` rules. */
export const accessMutations: readonly Mutation[] = [];
