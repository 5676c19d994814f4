import type { Mutation } from './mutation.js';

/** Known flaws for the `injection/` rules. */
export const injectionMutations: readonly Mutation[] = [];
