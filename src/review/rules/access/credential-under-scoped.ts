import { didYouMean } from '../../../core/did-you-mean.js';
import type { Rule } from '../../rule.js';
import { listed, scopeUses, usesByScope } from './scope-uses.js';

/**
 * `access/credential-under-scoped`: something the workflow does needs a scope its credential does
 * not grant, so it would fail at run time (a failed rollback leaves a change half undone). Also a
 * workflow with no credential, one the config does not define, and a credential of another
 * connector than the action's.
 */
export const credentialUnderScoped: Rule = {
  meta: {
    id: 'access/credential-under-scoped',
    title: 'Credential lacks a scope the workflow needs',
    severity: 'high',
    confidence: 'high',
    description:
      "Every action a workflow performs (its steps, its corroborate and verify checks, its rollbacks, and the snapshot read a catalog inverse restores from) needs its catalog scope in the workflow's credential. A missing scope does not show until run time, and then at the worst moment: a check that cannot read skips every run, a step fails half-way, or a compensation cannot undo what was done. The rule also reports a credential of another connector than the action's, a credential that is not in the config, and a workflow that names no credential at all: a workflow must act as a named, scoped credential, so that what it may do is written down and reviewed (it is reported here, rather than as over-scoped, because nothing then grants the scopes the workflow needs). High severity and confidence: the catalog says exactly which scope each use needs.",
    remediation: {
      summary:
        "Add the missing scope to the workflow's credential (or name the credential that has it); every scope is an action id of the credential's connector.",
      before:
        '# rectify.yaml\ncredentials:\n  - name: sandbox-remediator\n    connector: sandbox\n    scopes: [sandbox.bucket.set-access]\n# workflow: corroborate and verify read sandbox.bucket.get, and the rollback of set-access\n# snapshots the bucket with sandbox.bucket.get first',
      after:
        '# rectify.yaml\ncredentials:\n  - name: sandbox-remediator\n    connector: sandbox\n    scopes: [sandbox.bucket.get, sandbox.bucket.set-access]',
    },
    references: ['spec/review.md', 'spec/config.md', 'spec/workflow.md'],
    messages: {
      noCredential:
        'workflow {{workflow}} names no credential, yet it needs {{scopes}}: set `spec.credentials` to a credential of the config that grants them',
      unknownCredential: 'credential `{{credential}}` is not in the config{{suggestion}}',
      wrongConnector:
        '`{{scope}}`, needed by {{uses}}, is an action of the {{connector}} connector, but credential `{{credential}}` is for {{credentialConnector}}',
      missingScope:
        'credential `{{credential}}` lacks `{{scope}}`, needed by {{uses}}: it would fail at run time',
    },
    needsConfig: true,
  },
  checkWorkflow(context) {
    const { workflow, config, catalog } = context;
    if (!config) return;
    const uses = scopeUses(workflow, catalog);
    const grouped = usesByScope(uses);
    const name = workflow.workflow.spec.credentials;
    if (name === undefined) {
      context.report({
        messageId: 'noCredential',
        data: { workflow: workflow.name, scopes: listed([...grouped.keys()].map((scope) => `\`${scope}\``)) },
        path: ['spec', 'credentials'],
      });
      return;
    }
    const credential = config.credentials.find((c) => c.name === name);
    if (!credential) {
      const names = config.credentials.map((c) => c.name);
      const close = didYouMean(name, names);
      context.report({
        messageId: 'unknownCredential',
        data: {
          credential: name,
          suggestion: close
            ? `; did you mean \`${close}\`?`
            : names.length > 0
              ? `; credentials: ${names.join(', ')}`
              : ' (it defines no credential)',
        },
        path: ['spec', 'credentials'],
      });
      return;
    }
    const granted = new Set(credential.scopes);
    for (const [scope, scopeGroup] of grouped) {
      const first = scopeGroup[0];
      if (!first) continue;
      const where = listed([...new Set(scopeGroup.map((use) => use.what))]);
      if (first.action.connector !== credential.connector) {
        context.report({
          messageId: 'wrongConnector',
          data: {
            uses: where,
            scope,
            connector: first.action.connector,
            credential: credential.name,
            credentialConnector: credential.connector,
          },
          path: first.path,
        });
      } else if (!granted.has(scope)) {
        context.report({
          messageId: 'missingScope',
          data: { credential: credential.name, scope, uses: where },
          path: first.path,
        });
      }
    }
  },
};
