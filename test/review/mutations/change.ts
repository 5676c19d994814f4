import type { Mutation } from './mutation.js';

/** Known flaws for the `change/` rules. */
export const changeMutations: readonly Mutation[] = [];
