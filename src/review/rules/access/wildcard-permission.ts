import { membersOf, selectsEverything } from '../../../core/access/permissions.js';
import { permissions } from '../../../core/types.js';
import type { Rule } from '../../rule.js';

/**
 * `access/wildcard-permission`: a role of the config grants `*`, or every permission one by one,
 * on every workflow. Reported at the role, whether or not anyone is bound to it yet.
 */
export const wildcardPermission: Rule = {
  meta: {
    id: 'access/wildcard-permission',
    title: 'Role grants every permission on every workflow',
    severity: 'high',
    confidence: 'high',
    description:
      'A custom role whose `allow` is `*`, or lists every permission, with no `workflows` selector (or an empty one) lets whoever is bound to it author, activate, approve, start, pause, delete and audit every workflow, and manage access itself (`access:admin`), so it can grant itself anything else. It defeats both least privilege and separation of duties, and a permission added in a later version of Rectify is granted silently. Roles should list the permissions a job needs, and be limited to the workflows of a system or an owner. The role is reported even when nobody is bound to it yet: the next binding would inherit it. The built-in `admin` role is not reported here (it cannot be redefined, and granting it is an explicit binding); access/approver-can-author reports each workflow an admin can both author and activate.',
    remediation: {
      summary:
        'List only the permissions the role needs, and add a `workflows` selector (labels or owner) that limits it to the workflows it is for.',
      before:
        'access:\n  roles:\n    - name: platform-team\n      allow: ["*"]\n  bindings:\n    - subject: team:platform\n      roles: [platform-team]',
      after:
        'access:\n  roles:\n    - name: platform-team\n      allow: [workflows:read, runs:read, runs:cancel, control:pause]\n      workflows: { labels: { system: redis } }\n  bindings:\n    - subject: team:platform\n      roles: [platform-team]',
    },
    references: [
      'spec/review.md',
      'spec/config.md',
      'https://owasp.org/Top10/A01_2021-Broken_Access_Control/',
      'https://cwe.mitre.org/data/definitions/269.html',
    ],
    messages: {
      star: 'role `{{role}}` grants `*` on every workflow ({{bound}})',
      all: 'role `{{role}}` grants every permission on every workflow ({{bound}})',
    },
  },
  checkConfig(context) {
    const { config } = context;
    (config.access?.roles ?? []).forEach((role, index) => {
      if (!selectsEverything(role.workflows)) return;
      const members = membersOf(config, role.name);
      const bound = members.length > 0 ? `bound to ${members.join(', ')}` : 'bound to nobody yet';
      const star = role.allow.indexOf('*');
      if (star !== -1) {
        context.report({
          messageId: 'star',
          data: { role: role.name, bound },
          path: ['access', 'roles', index, 'allow', star],
        });
      } else if (permissions.every((permission) => role.allow.includes(permission))) {
        context.report({
          messageId: 'all',
          data: { role: role.name, bound },
          path: ['access', 'roles', index, 'allow'],
        });
      }
    });
  },
};
