import type { StoreTransaction } from '../../store/store.js';
import type { ActivationRow, VersionRow, WorkflowRow } from '../../store/versions-store.js';
import { HttpError } from '../http-error.js';
import { isReviewOverdue } from './overdue.js';

/** A workflow as GET /v1/workflows lists it. */
export interface WorkflowSummary {
  readonly name: string;
  readonly status: WorkflowRow['status'];
  readonly activeVersion: number | null;
  readonly latestVersion: number;
  /** Of the active version, else of the latest. */
  readonly owner: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly mode: string;
  readonly reviewBy: string;
  /** `reviewBy` has passed (never for a retired workflow: it does not run). */
  readonly overdueReview: boolean;
  readonly updatedAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A version without its text: what lists show. */
export function versionJson(version: VersionRow, workflow: WorkflowRow): Record<string, unknown> {
  return {
    version: version.version,
    contentHash: version.contentHash,
    author: version.author,
    createdAt: iso(version.createdAt),
    mode: version.mode,
    owner: version.owner,
    labels: version.labels,
    reviewBy: version.reviewBy,
    active: workflow.status === 'active' && workflow.activeVersion === version.version,
    review: version.review,
  };
}

function summaryOf(workflow: WorkflowRow, shown: VersionRow, latest: number, now: number): WorkflowSummary {
  return {
    name: workflow.name,
    status: workflow.status,
    activeVersion: workflow.status === 'active' ? workflow.activeVersion : null,
    latestVersion: latest,
    owner: shown.owner,
    labels: shown.labels,
    mode: shown.mode,
    reviewBy: shown.reviewBy,
    overdueReview: workflow.status !== 'retired' && isReviewOverdue(shown.reviewBy, now),
    updatedAt: iso(workflow.updatedAt),
  };
}

/** Every workflow with its state, by name. */
export async function listWorkflowSummaries(tx: StoreTransaction, now: number): Promise<WorkflowSummary[]> {
  const summaries: WorkflowSummary[] = [];
  for (const workflow of await tx.versions.listWorkflows()) {
    const versions = await tx.versions.listVersions(workflow.name);
    const latest = versions.at(-1);
    if (!latest) continue;
    const shown = versions.find((v) => v.version === workflow.activeVersion) ?? latest;
    summaries.push(summaryOf(workflow, shown, latest.version, now));
  }
  return summaries;
}

/** One workflow: its summary, every version (without text) and its activation history. */
export async function workflowDetail(
  tx: StoreTransaction,
  name: string,
  now: number,
): Promise<WorkflowSummary & { versions: Record<string, unknown>[]; history: Record<string, unknown>[] }> {
  const workflow = await tx.versions.getWorkflow(name);
  const versions = await tx.versions.listVersions(name);
  const latest = versions.at(-1);
  if (!workflow || !latest) throw notFound(name);
  const shown = versions.find((v) => v.version === workflow.activeVersion) ?? latest;
  return {
    ...summaryOf(workflow, shown, latest.version, now),
    versions: versions.map((version) => versionJson(version, workflow)),
    history: (await tx.versions.listActivations(name)).map(activationJson),
  };
}

/** One version with its text. */
export async function versionDetail(
  tx: StoreTransaction,
  name: string,
  number: number,
): Promise<Record<string, unknown>> {
  const workflow = await tx.versions.getWorkflow(name);
  if (!workflow) throw notFound(name);
  const version = await tx.versions.getVersion(name, number);
  if (!version) throw versionNotFound(name, number);
  return {
    workflow: name,
    ...versionJson(version, workflow),
    content: version.content,
    tests: version.tests,
  };
}

function activationJson(row: ActivationRow): Record<string, unknown> {
  return { kind: row.kind, version: row.version, by: row.by, at: iso(row.at) };
}

export function notFound(name: string): HttpError {
  return new HttpError(404, 'Not Found', `no workflow named ${name}`, {
    hint: 'GET /v1/workflows lists them',
  });
}

export function versionNotFound(name: string, number: number): HttpError {
  return new HttpError(404, 'Not Found', `workflow ${name} has no version ${number}`, {
    hint: `GET /v1/workflows/${name} lists its versions`,
  });
}
