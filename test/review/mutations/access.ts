import { isMap, isScalar, isSeq, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { builtInRolePermissions, isBuiltInRole } from '../../../src/core/access/built-in-roles.js';
import type { ActionDefinition } from '../../../src/core/catalog/action.js';
import { catalog } from '../harness.js';
import type { Mutation } from './mutation.js';
import { sampleParams } from './sample-params.js';

/** The config entry of the workflow's credential, with its connector and scopes. */
function credentialOf(
  workflow: Document,
  config: Document,
): { entry: YAMLMap; connector: string; scopes: YAMLSeq } | undefined {
  const name = workflow.getIn(['spec', 'credentials']);
  const credentials = config.get('credentials');
  if (typeof name !== 'string' || !isSeq(credentials)) return undefined;
  for (const entry of credentials.items) {
    if (!isMap(entry) || entry.get('name') !== name) continue;
    const connector = entry.get('connector');
    const scopes = entry.get('scopes');
    if (typeof connector !== 'string' || !isSeq(scopes)) return undefined;
    return { entry, connector, scopes };
  }
  return undefined;
}

function scopeValues(scopes: YAMLSeq): string[] {
  return scopes.items.map((item) => (isScalar(item) ? String(item.value) : String(item)));
}

/** Removes a scope from the credential, keeping at least one (the schema needs one). */
function removeScope(scopes: YAMLSeq, scope: string): boolean {
  const values = scopeValues(scopes);
  const index = values.indexOf(scope);
  if (index === -1 || values.length < 2) return false;
  scopes.delete(index);
  return true;
}

/** A destructive action of the workflow's connector when there is one, else any destructive action. */
function destructiveFor(workflow: Document): ActionDefinition | undefined {
  const first = workflow.getIn(['spec', 'steps', 0, 'action']);
  const connector = typeof first === 'string' ? first.split('.')[0] : undefined;
  const destructive = catalog.list().filter((action) => action.effect === 'destructive');
  return destructive.find((action) => action.connector === connector) ?? destructive[0];
}

function addDestructiveStep(workflow: Document): boolean {
  const steps = workflow.getIn(['spec', 'steps']);
  const action = destructiveFor(workflow);
  if (!isSeq(steps) || !action) return false;
  steps.add(workflow.createNode({ id: 'destroy-extra', action: action.id, with: sampleParams(action) }));
  const max = workflow.getIn(['spec', 'limits', 'blastRadius', 'max']);
  if (typeof max === 'number' && max <= 1) workflow.setIn(['spec', 'limits', 'blastRadius', 'max'], 5);
  return true;
}

/** Roles (built-in or in the config) that grant workflows:propose with no `workflows` selector. */
function proposingRoles(config: Document): Set<string> {
  const roles = new Set<string>(
    Object.entries(builtInRolePermissions)
      .filter(([, granted]) => granted.includes('workflows:propose'))
      .map(([name]) => name),
  );
  const custom = config.getIn(['access', 'roles']);
  if (isSeq(custom)) {
    for (const role of custom.items) {
      if (!isMap(role) || role.has('workflows')) continue;
      const allow = role.get('allow');
      const values = isSeq(allow) ? scopeValues(allow) : [];
      if (values.includes('workflows:propose') || values.includes('*')) roles.add(String(role.get('name')));
    }
  }
  return roles;
}

function addApprover(workflow: Document, approver: string): void {
  const approvers = workflow.getIn(['spec', 'approval', 'approvers']);
  if (isSeq(approvers)) {
    approvers.add(workflow.createNode(approver));
    return;
  }
  workflow.setIn(
    ['spec', 'approval'],
    workflow.createNode({ when: 'always', approvers: [approver], timeout: '30m', onTimeout: 'abort' }),
  );
}

function bindings(config: Document): YAMLSeq {
  const existing = config.getIn(['access', 'bindings']);
  if (isSeq(existing)) return existing;
  config.setIn(['access', 'bindings'], config.createNode([]));
  return config.getIn(['access', 'bindings']) as YAMLSeq;
}

/** Known flaws for the `access/` rules. */
export const accessMutations: readonly Mutation[] = [
  {
    rule: 'access/credential-over-scoped',
    name: 'grant the credential a write action of its connector that the workflow never runs',
    apply: ({ workflow, config }) => {
      const credential = credentialOf(workflow, config);
      if (!credential) return false;
      const granted = scopeValues(credential.scopes);
      const extra = catalog
        .list()
        .filter((action) => action.connector === credential.connector && !granted.includes(action.scope))
        .sort((a, b) => Number(a.effect === 'read') - Number(b.effect === 'read'))[0];
      if (!extra) return false;
      credential.scopes.add(config.createNode(extra.scope));
      return true;
    },
  },
  {
    rule: 'access/credential-over-scoped',
    name: 'share the credential with a scan source of its connector (add the scan action)',
    apply: ({ workflow, config }) => {
      const credential = credentialOf(workflow, config);
      const sources = config.get('sources');
      if (!credential || !isSeq(sources)) return false;
      const granted = scopeValues(credential.scopes);
      for (const source of sources.items) {
        if (!isMap(source) || source.get('type') !== 'schedule') continue;
        const scan = catalog.get(String(source.get('scan')));
        if (!scan || scan.connector !== credential.connector || granted.includes(scan.scope)) continue;
        credential.scopes.add(config.createNode(scan.scope));
        return true;
      }
      return false;
    },
  },
  {
    rule: 'access/credential-under-scoped',
    name: "remove the first step's scope from the credential",
    apply: ({ workflow, config }) => {
      const credential = credentialOf(workflow, config);
      const action = catalog.get(String(workflow.getIn(['spec', 'steps', 0, 'action'])));
      return !!credential && !!action && removeScope(credential.scopes, action.scope);
    },
  },
  {
    rule: 'access/credential-under-scoped',
    name: 'remove the scope of the verify check (also the rollback snapshot) from the credential',
    apply: ({ workflow, config }) => {
      const credential = credentialOf(workflow, config);
      const action = catalog.get(String(workflow.getIn(['spec', 'verify', 'check'])));
      return !!credential && !!action && removeScope(credential.scopes, action.scope);
    },
  },
  {
    rule: 'access/credential-under-scoped',
    name: 'name no credential',
    apply: ({ workflow }) => workflow.deleteIn(['spec', 'credentials']),
  },
  {
    rule: 'access/credential-under-scoped',
    name: 'misspell the credential',
    apply: ({ workflow }) => {
      const name = workflow.getIn(['spec', 'credentials']);
      if (typeof name !== 'string') return false;
      workflow.setIn(['spec', 'credentials'], `${name}x`);
      return true;
    },
  },
  {
    rule: 'access/wildcard-permission',
    name: 'add a role that allows `*` on every workflow',
    apply: ({ config }) => {
      const roles = config.getIn(['access', 'roles']);
      const role = config.createNode({ name: 'everything', allow: ['*'] });
      if (isSeq(roles)) roles.add(role);
      else config.setIn(['access', 'roles'], config.createNode([role]));
      bindings(config).add(config.createNode({ subject: 'user:mallory', roles: ['everything'] }));
      return true;
    },
  },
  {
    rule: 'access/wildcard-permission',
    name: 'widen the first custom role to `*` and drop its selector',
    apply: ({ config }) => {
      const role = config.getIn(['access', 'roles', 0]);
      if (!isMap(role)) return false;
      role.set('allow', config.createNode(['*']));
      role.delete('workflows');
      return true;
    },
  },
  {
    rule: 'access/approver-can-author',
    name: 'bind a subject to author and reviewer',
    apply: ({ config }) => {
      bindings(config).add(config.createNode({ subject: 'user:mallory', roles: ['author', 'reviewer'] }));
      return true;
    },
  },
  {
    rule: 'access/approver-can-author',
    name: 'name a user who can propose as an approver',
    apply: ({ workflow, config }) => {
      const proposing = proposingRoles(config);
      const existing = config.getIn(['access', 'bindings']);
      const author = isSeq(existing)
        ? existing.items.find((binding): binding is YAMLMap => {
            if (!isMap(binding)) return false;
            const roles = binding.get('roles');
            return (
              String(binding.get('subject')).startsWith('user:') &&
              isSeq(roles) &&
              scopeValues(roles).some((role) => proposing.has(role))
            );
          })
        : undefined;
      if (!author) return false;
      addApprover(workflow, String(author.get('subject')));
      return true;
    },
  },
  {
    rule: 'access/approver-can-author',
    name: 'let the approver role propose too',
    apply: ({ workflow, config }) => {
      const approvers = workflow.getIn(['spec', 'approval', 'approvers']);
      const roles = config.getIn(['access', 'roles']);
      if (!isSeq(approvers) || !isSeq(roles)) return false;
      for (const approver of scopeValues(approvers)) {
        if (!approver.startsWith('role:') || isBuiltInRole(approver.slice(5))) continue;
        const role = roles.items.find((r): r is YAMLMap => isMap(r) && r.get('name') === approver.slice(5));
        const allow = role?.get('allow');
        if (!isSeq(allow)) continue;
        allow.add(config.createNode('workflows:propose'));
        return true;
      }
      return false;
    },
  },
  {
    rule: 'access/no-approval-destructive',
    name: 'add a destructive step and no approval',
    apply: ({ workflow }) => {
      workflow.deleteIn(['spec', 'approval']);
      return addDestructiveStep(workflow);
    },
  },
  {
    rule: 'access/no-approval-destructive',
    name: 'add a destructive step and turn the approval off (`when: never`)',
    apply: ({ workflow }) => {
      if (!workflow.hasIn(['spec', 'approval'])) return false;
      workflow.setIn(['spec', 'approval', 'when'], 'never');
      return addDestructiveStep(workflow);
    },
  },
  {
    rule: 'access/approval-timeout-proceeds',
    name: 'let the approval proceed on timeout',
    apply: ({ workflow }) => {
      const when = workflow.getIn(['spec', 'approval', 'when']);
      if (workflow.hasIn(['spec', 'approval']) && when !== undefined && when !== 'never') {
        workflow.setIn(['spec', 'approval', 'onTimeout'], 'proceed');
        return true;
      }
      workflow.setIn(
        ['spec', 'approval'],
        workflow.createNode({
          when: 'always',
          approvers: ['role:secops-oncall'],
          timeout: '30m',
          onTimeout: 'proceed',
        }),
      );
      return true;
    },
  },
];
