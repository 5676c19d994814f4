import {
  boundSubjects,
  firstBinding,
  membersOf,
  rolePermissions,
  subjectAccess,
  type AccessTarget,
  type SubjectAccess,
} from '../../../core/access/permissions.js';
import { Permission } from '../../../core/types.js';
import type { Rule } from '../../rule.js';

const gatekeeping = [Permission.workflowsActivate, Permission.runsApprove] as const;

/** "author (workflows:propose), secops-oncall (runs:approve)": the roles that give the conflict. */
function rolesOf(access: SubjectAccess, relevant: readonly Permission[]): string {
  return access.grants
    .map((grant) => ({ role: grant.role, held: relevant.filter((p) => grant.permissions.has(p)) }))
    .filter((grant) => grant.held.length > 0)
    .map((grant) => `${grant.role}: ${grant.held.join(', ')}`)
    .join('; ');
}

/**
 * `access/approver-can-author`: one subject may both write a version of this workflow
 * (`workflows:propose`) and let it act (`workflows:activate`, `runs:approve`, or being one of its
 * approvers). Resolves bindings to roles (built-in roles from core/access/built-in-roles.ts, custom
 * roles by their `workflows` selector, `*`) on this workflow's owner and labels.
 */
export const approverCanAuthor: Rule = {
  meta: {
    id: 'access/approver-can-author',
    title: 'The same subject may author and approve or activate the workflow',
    severity: 'high',
    confidence: 'medium',
    description:
      "Separation of duties: whoever writes a version of a workflow (`workflows:propose`) should not be the one who lets it act, by activating a version (`workflows:activate`) or approving a run (`runs:approve`, or being named in `spec.approval.approvers`). The rule resolves each subject's bindings to roles on THIS workflow: custom roles apply when their `workflows` selector matches its labels and owner, `*` grants everything, and built-in roles are read as two ladders from `viewer` (reads): `responder` adds runs:approve and `operator` adds runs:start, runs:cancel and control:pause on top of responder; `author` adds only workflows:propose and `reviewer` only workflows:activate and workflows:rollback, side by side, so author and reviewer are separate duties; `admin` holds everything. It reports each offending subject once: a `user:` approver who can propose, an approver `role:` that grants propose itself, a member of an approver role who can propose, or any bound subject who holds propose together with activate or approve. The server's per-version and per-run checks (never one's own version or run) compare identities; they do not stop a person who proposes through one subject (say `service:ci`) and activates as another, which only separated roles prevent. Confidence is medium: the config cannot tell which people are in a `team:` subject or which person stands behind a service, so links between subjects are not seen.",
    remediation: {
      summary:
        'Give authoring (workflows:propose) and approving or activating (runs:approve, workflows:activate, approvers) to different subjects, and name approvers who cannot propose.',
      before:
        'access:\n  bindings:\n    - subject: user:alice\n      roles: [author, reviewer] # writes versions and activates them\n    - subject: user:bob\n      roles: [responder]',
      after:
        'access:\n  bindings:\n    - subject: user:alice\n      roles: [author]\n    - subject: user:bob\n      roles: [reviewer, responder] # reviews and activates, never authors',
    },
    references: [
      'spec/review.md',
      'spec/config.md',
      'https://csrc.nist.gov/glossary/term/separation_of_duty',
      'https://cwe.mitre.org/data/definitions/654.html',
    ],
    messages: {
      approver:
        'approver `{{subject}}` may also propose versions of workflow {{workflow}} ({{roles}}): the same subject writes and approves it',
      approverRole:
        'approver `{{subject}}` itself grants workflows:propose on workflow {{workflow}}: each of its members ({{members}}) may write and approve it',
      approverMember:
        '`{{subject}}`, a member of approver `{{approver}}`, may also propose versions of workflow {{workflow}} ({{roles}})',
      binding:
        '`{{subject}}` may propose versions of workflow {{workflow}} and also {{gate}} ({{roles}}): no separation of duties',
    },
    needsConfig: true,
  },
  checkWorkflow(context) {
    const { workflow, config } = context;
    if (!config) return;
    const target: AccessTarget = {
      owner: workflow.workflow.metadata.owner,
      labels: workflow.workflow.metadata.labels,
    };
    const propose: readonly Permission[] = [Permission.workflowsPropose];
    const reported = new Set<string>();
    const access = new Map<string, SubjectAccess>();
    const accessOf = (subject: string): SubjectAccess => {
      const known = access.get(subject) ?? subjectAccess(config, subject, target);
      access.set(subject, known);
      return known;
    };

    (workflow.approval?.approvers ?? []).forEach((approver, index) => {
      const path = ['spec', 'approval', 'approvers', index];
      if (approver.startsWith('user:')) {
        const subject = accessOf(approver);
        if (!subject.permissions.has(Permission.workflowsPropose) || reported.has(approver)) return;
        reported.add(approver);
        context.report({
          messageId: 'approver',
          data: { subject: approver, workflow: workflow.name, roles: rolesOf(subject, propose) },
          path,
        });
        return;
      }
      const role = approver.slice('role:'.length);
      const members = membersOf(config, role);
      if (rolePermissions(config, role, target)?.has(Permission.workflowsPropose)) {
        if (reported.has(approver)) return;
        reported.add(approver);
        for (const member of members) reported.add(member);
        context.report({
          messageId: 'approverRole',
          data: {
            subject: approver,
            workflow: workflow.name,
            members: members.length > 0 ? members.join(', ') : 'none bound yet',
          },
          path,
        });
        return;
      }
      for (const member of members) {
        const subject = accessOf(member);
        if (!subject.permissions.has(Permission.workflowsPropose) || reported.has(member)) continue;
        reported.add(member);
        context.report({
          messageId: 'approverMember',
          data: { subject: member, approver, workflow: workflow.name, roles: rolesOf(subject, propose) },
          path,
        });
      }
    });

    for (const member of boundSubjects(config)) {
      if (reported.has(member)) continue;
      const subject = accessOf(member);
      if (!subject.permissions.has(Permission.workflowsPropose)) continue;
      const gates = gatekeeping.filter((permission) => subject.permissions.has(permission));
      if (gates.length === 0) continue;
      reported.add(member);
      context.report({
        messageId: 'binding',
        data: {
          subject: member,
          workflow: workflow.name,
          gate: gates
            .map((permission) =>
              permission === Permission.runsApprove ? 'approve its runs' : 'activate them',
            )
            .join(' and '),
          roles: rolesOf(subject, [Permission.workflowsPropose, ...gates]),
        },
        path: ['access', 'bindings', firstBinding(config, member), 'subject'],
        in: 'config',
      });
    }
  },
};
