import type { Rule } from '../../rule.js';
import { scopeUses } from './scope-uses.js';

/**
 * `access/credential-over-scoped`: the workflow's credential grants scopes that none of its steps,
 * checks, rollbacks or rollback snapshots use. Reads the scopes from the catalog, never names.
 */
export const credentialOverScoped: Rule = {
  meta: {
    id: 'access/credential-over-scoped',
    title: 'Credential grants more than the workflow uses',
    severity: 'medium',
    confidence: 'high',
    description:
      "A workflow acts with the scopes of its credential, so the credential should grant exactly the actions the workflow performs: its steps, its corroborate and verify checks, its rollbacks (a custom `rollback.action`, or the catalog inverse together with the snapshot read the inverse restores from). Every other scope is power the workflow never needs but would have if something went wrong: a mistaken new version, a template that reaches an unexpected resource, a compromised engine. A credential shared with other workflows or with a scan source shows up here too, since each user then holds the others' scopes: give each workflow its own credential. The finding is placed on the extra scope in the config. Medium severity: the extra scope is not used by this workflow, so it takes a second flaw to misuse it; confidence is high because scopes and uses are both read from the catalog. (A workflow that names no credential, or one that is not in the config, is reported by access/credential-under-scoped.)",
    remediation: {
      summary:
        'Remove the scopes the workflow does not use from its credential, or give the workflow a credential of its own.',
      before:
        '# rectify.yaml\ncredentials:\n  - name: sandbox-remediator\n    connector: sandbox\n    scopes: [sandbox.bucket.get, sandbox.bucket.set-access, sandbox.role.set-superuser]\n# workflow: corroborate and verify read sandbox.bucket.get; its one step runs sandbox.bucket.set-access',
      after:
        '# rectify.yaml\ncredentials:\n  - name: sandbox-remediator\n    connector: sandbox\n    scopes: [sandbox.bucket.get, sandbox.bucket.set-access]',
    },
    references: [
      'spec/review.md',
      'spec/config.md',
      'https://owasp.org/Top10/A01_2021-Broken_Access_Control/',
      'https://csrc.nist.gov/glossary/term/least_privilege',
    ],
    messages: {
      extraScope:
        'credential `{{credential}}` grants `{{scope}}` ({{effect}}), which workflow {{workflow}} never uses in a step, check or rollback',
    },
    needsConfig: true,
  },
  checkWorkflow(context) {
    const { workflow, config, catalog } = context;
    const name = workflow.workflow.spec.credentials;
    if (!config || name === undefined) return;
    const index = config.credentials.findIndex((credential) => credential.name === name);
    const credential = config.credentials[index];
    if (!credential) return;
    const needed = new Set(scopeUses(workflow, catalog).map((use) => use.scope));
    const seen = new Set<string>();
    credential.scopes.forEach((scope, scopeIndex) => {
      if (needed.has(scope) || seen.has(scope)) return;
      seen.add(scope);
      const effect = (catalog.get(scope) ?? catalog.list().find((action) => action.scope === scope))?.effect;
      context.report({
        messageId: 'extraScope',
        data: {
          credential: credential.name,
          scope,
          effect: effect === undefined ? 'not in the catalog' : effect,
          workflow: workflow.name,
        },
        path: ['credentials', index, 'scopes', scopeIndex],
        in: 'config',
      });
    });
  },
};
