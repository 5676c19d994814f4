import type { Document } from 'yaml';

/**
 * A known flaw, applied to a clean project to check that its rule notices it (recall).
 * `apply` edits the parsed documents in place with the `yaml` Document API (setIn, deleteIn,
 * getIn, ...) and returns false when the flaw does not apply to this workflow (e.g. "drop the
 * retry" on a workflow without one). The result must still load: a mutation tests the review,
 * not the loader.
 */
export interface Mutation {
  /** The rule that must fire on the mutated project. */
  readonly rule: string;
  readonly name: string;
  apply(target: MutationTarget): boolean;
}

export interface MutationTarget {
  readonly workflow: Document;
  readonly config: Document;
  /** The workflow's WorkflowTest document, when it has one. */
  readonly tests: Document | undefined;
  /** Today as the review sees it (YYYY-MM-DD), for date flaws. */
  readonly today: string;
}
