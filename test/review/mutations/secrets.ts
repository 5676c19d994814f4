import type { Mutation } from './mutation.js';

/** Known flaws for the `secrets/` rules. */
export const secretsMutations: readonly Mutation[] = [];
