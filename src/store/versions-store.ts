/**
 * Workflow versions: proposals, reviews, activation, rollback (change control).
 * Reached through `tx.versions` of a store transaction, so its writes commit with the audit records
 * and state changes of the same transaction.
 *
 * Invariant: a version, once inserted, is never updated or deleted (the SQLite store enforces it
 * with triggers). What changes is the workflow row (which version is active) and the append-only
 * list of activations.
 */
export interface VersionQueries {
  getWorkflow(name: string): Promise<WorkflowRow | undefined>;
  /** Every workflow that has at least one version, by name. */
  listWorkflows(): Promise<WorkflowRow[]>;
  /** Creates the workflow row on its first version (status `proposed`), or changes its state. */
  saveWorkflow(row: WorkflowRow): Promise<void>;

  insertVersion(row: VersionRow): Promise<void>;
  getVersion(workflow: string, version: number): Promise<VersionRow | undefined>;
  latestVersion(workflow: string): Promise<VersionRow | undefined>;
  /** Every version of a workflow, oldest first. */
  listVersions(workflow: string): Promise<VersionRow[]>;
  /** The active version of every workflow whose status is `active`, by workflow name. */
  activeVersions(): Promise<VersionRow[]>;

  recordActivation(row: ActivationRow): Promise<void>;
  /** Activations, rollbacks and retirements of a workflow, oldest first. */
  listActivations(workflow: string): Promise<ActivationRow[]>;
}

/** Where a workflow is: proposed (never active), active (its `activeVersion` runs), retired. */
export const WorkflowStatus = {
  proposed: 'proposed',
  active: 'active',
  retired: 'retired',
} as const;
export type WorkflowStatus = (typeof WorkflowStatus)[keyof typeof WorkflowStatus];

export interface WorkflowRow {
  readonly name: string;
  readonly status: WorkflowStatus;
  /** Null unless `status` is `active`. */
  readonly activeVersion: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** The review the server ran on a version when it was proposed. */
export interface StoredReview {
  /** `YYYY-MM-DD` the review ran as of. */
  readonly today: string;
  readonly blocking: number;
  readonly findings: readonly ReviewFindingSummary[];
  /** Rules that could not run, by id. */
  readonly notRun: readonly string[];
}

export interface ReviewFindingSummary {
  readonly ruleId: string;
  readonly severity: string;
  readonly confidence: string;
  readonly message: string;
  /** The workflow's file as proposed, its tests, or the server's config. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly blocking: boolean;
  readonly suppressed: boolean;
}

/** One immutable version of a workflow. */
export interface VersionRow {
  readonly workflow: string;
  /** 1, 2, 3 ... per workflow. */
  readonly version: number;
  /** The YAML text as proposed. */
  readonly content: string;
  /** `sha256:<hex>` of `content` (UTF-8). */
  readonly contentHash: string;
  /** The WorkflowTest YAML reviewed with it, when one was sent. */
  readonly tests: string | null;
  readonly author: string;
  readonly createdAt: number;
  readonly mode: string;
  readonly owner: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `metadata.reviewBy`, `YYYY-MM-DD`. */
  readonly reviewBy: string;
  readonly review: StoredReview;
}

export const ActivationKind = {
  activate: 'activate',
  rollback: 'rollback',
  retire: 'retire',
} as const;
export type ActivationKind = (typeof ActivationKind)[keyof typeof ActivationKind];

export interface ActivationRow {
  readonly workflow: string;
  /** The version made active; null for `retire`. */
  readonly version: number | null;
  readonly kind: ActivationKind;
  readonly by: string;
  readonly at: number;
}
