import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../../core/loader/diagnostic.js';
import { discoverYamlFiles, readText } from '../../project/files.js';
import { activateVersion } from './activate.js';
import { publishActive, type PublishResult } from './publish-active.js';
import { proposeVersion } from './propose.js';
import { loadProposal } from './review-proposal.js';
import type { VersionDeps } from './version-deps.js';

/** What start-up did with one file of the workflows folder. */
export interface SyncedFile {
  readonly file: string;
  readonly workflow?: string;
  /**
   * `unchanged`: the active (or latest proposed) version has this text. `proposed`: a new version
   * waits for a reviewer. `activated`: first start, review passed. `blocked`: first start, review
   * has blocking findings (proposed, not active). `invalid`: does not load (nothing stored).
   */
  readonly outcome: 'unchanged' | 'proposed' | 'activated' | 'blocked' | 'invalid';
  readonly version?: number;
  readonly blocking?: number;
  readonly diagnostics?: readonly Diagnostic[];
}

/** The author of versions read from the workflows folder at start-up. */
export const filesSubject = 'system:files';

/**
 * Loads the config's workflows folder at server start, then hands the engine the active set.
 *
 * Each workflow file (`*.test.yaml` beside it is its tests) whose text is not already the
 * latest version is proposed, authored by `subject`. At the FIRST start (no workflow in the
 * store) the server also activates each one whose review has no blocking finding: the folder is
 * the reviewed source (GitOps: it passed `rectify review` in CI and was merged by someone other
 * than its author), and without this nothing would ever run. That review is the one `rectify
 * review` runs (no version history yet). After the first start, changed files are only
 * proposed; a person activates them (`rectify workflows activate`), and `rectify apply` is the
 * usual way in. Files removed from the folder are not retired: retiring is explicit.
 * @example const { files } = await syncWorkflowsFolder(ctx, resolve(ctx.configDir, ctx.config.workflows), filesSubject)
 */
export async function syncWorkflowsFolder(
  deps: VersionDeps,
  dir: string,
  subject: string = filesSubject,
): Promise<{ files: SyncedFile[]; firstStart: boolean; publish: PublishResult }> {
  const folder = resolve(dir);
  const firstStart = (await deps.store.transaction((tx) => tx.versions.listWorkflows())).length === 0;
  const discovery = await discoverYamlFiles([folder], dirname(folder));
  const byPath = new Map(discovery.files.map((file) => [file.absolute, file]));
  const files: SyncedFile[] = [];
  for (const file of discovery.files) {
    if (/\.test\.ya?ml$/i.test(file.absolute)) continue;
    const read = await readText(file);
    if ('error' in read) {
      files.push({
        file: file.display,
        outcome: 'invalid',
        diagnostics: [unreadable(file.display, read.error)],
      });
      continue;
    }
    const testsFile = byPath.get(file.absolute.replace(/\.(ya?ml)$/i, '.test.$1'));
    const testsRead = testsFile ? await readText(testsFile) : undefined;
    const input = {
      content: read.text,
      file: file.display,
      tests: testsRead && 'text' in testsRead ? testsRead.text : undefined,
    };
    const loaded = loadProposal(input, deps.catalog);
    if (!loaded.ok) {
      files.push({ file: file.display, outcome: 'invalid', diagnostics: loaded.diagnostics });
      continue;
    }
    const proposed = await proposeVersion(deps, loaded, input, subject, { withoutHistory: firstStart });
    const { version } = proposed;
    const base = {
      file: file.display,
      workflow: version.workflow,
      version: version.version,
      blocking: version.review.blocking,
    };
    if (proposed.kind === 'unchanged') files.push({ ...base, outcome: 'unchanged' });
    else if (!firstStart) files.push({ ...base, outcome: 'proposed' });
    else if (version.review.blocking > 0) files.push({ ...base, outcome: 'blocked' });
    else {
      await activateVersion(deps, version.workflow, version.version, subject, 'activate', {
        bootstrap: true,
      });
      files.push({ ...base, outcome: 'activated' });
    }
  }
  return { files, firstStart, publish: await publishActive(deps) };
}

function unreadable(file: string, error: string): Diagnostic {
  return {
    code: 'unreadable',
    message: error,
    file,
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    path: '(document)',
    severity: 'error',
  };
}
