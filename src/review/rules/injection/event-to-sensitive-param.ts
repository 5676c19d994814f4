import { formatYamlPath, injectionFlows, type Flow, type Sink } from '../../analysis/taint.js';
import type { Rule } from '../../rule.js';

/**
 * `injection/event-to-sensitive-param`: an event field flows, unchecked, into a parameter the
 * catalog marks sensitive. The data flow is src/review/analysis/taint.ts; what clears a flow is
 * src/review/analysis/constraints.ts. Reads the catalog's `sensitive` map, never action names.
 *
 * Cleared flows produce no finding (a rule's severity is fixed, and a pinned workflow must review
 * clean). A finding's `evidence.cleared` lists the flows into the same parameter that were cleared,
 * each with the constraint that cleared it; `injectionFlows()` gives every flow, cleared or not.
 */
export const eventToSensitiveParam: Rule = {
  meta: {
    id: 'injection/event-to-sensitive-param',
    title: 'Unchecked event field reaches a sensitive parameter',
    severity: 'high',
    confidence: 'medium',
    description:
      'Whoever can send or shape an event chooses the text of its fields. When that text reaches a parameter the catalog marks sensitive (an identifier, a command argument, a URL, a path or a query), the sender chooses which role, bucket, host or file the workflow acts on with the workflow\'s credentials: `PUBLIC` or `%` as a role or host, `../` in a path, an internal address as a URL. Connectors bind and escape values, so this is not string pasting, but only the workflow can say which values are legitimate. The rule follows each event field into `with` of steps, custom rollbacks, corroborate checks and verify: directly, inside a longer string, through expressions (`event.x + "-logs"`, `event.l[0]`, `string(event.x)`) and through earlier steps\' outputs (`steps.a.output...` carries every event field of step `a`\'s parameters). Values that cannot carry text (`size(event.x)`, `event.x == "a"`, numbers, timestamps) do not count. A flow is cleared by a constraint that pins the original field and must hold before the parameter is used: in `match` (or a corroborate `expect`, for steps and verify; a step\'s own `if`, for that step), `event.f in ["a", "b"]`, `event.f == "a"`, or `event.f.matches("^...$")` anchored at both ends that lets the sender choose only characters harmless for the kind (`[A-Za-z0-9_.-]` for identifiers; no `.` for paths, URLs and queries; no leading `-` for arguments). A constraint under `||`, `!` or one branch of `?:` does not clear. Confidence is medium: the analysis over-approximates (a step output may not echo its inputs).',
    remediation: {
      summary:
        'Pin the field in `match` before it reaches the parameter: `in [...]` with the literal values it may take, `== "..."`, or `matches("^[a-z0-9-]+$")` anchored at both ends allowing only the characters the parameter needs.',
      before: [
        'trigger:',
        '  source: scanner',
        '  types: [sandbox.bucket.public]',
        '  match: event.data.access == "public"',
        'steps:',
        '  - id: close',
        '    action: sandbox.bucket.set-access',
        '    with:',
        '      bucket: ${{ event.resource.bucket }}',
        '      access: private',
      ].join('\n'),
      after: [
        'trigger:',
        '  source: scanner',
        '  types: [sandbox.bucket.public]',
        '  match: >-',
        '    event.data.access == "public" &&',
        "    event.resource.bucket.matches('^demo-[a-z0-9-]{1,40}$')",
        'steps:',
        '  - id: close',
        '    action: sandbox.bucket.set-access',
        '    with:',
        '      bucket: ${{ event.resource.bucket }}',
        '      access: private',
      ].join('\n'),
    },
    references: [
      'spec/review.md',
      'spec/workflow.md#expressions-and-templates',
      'https://owasp.org/Top10/A03_2021-Injection/',
      'https://cwe.mitre.org/data/definitions/20.html',
    ],
    messages: {
      flow: '{{field}} reaches the {{kind}} parameter `{{sink}}` of {{action}} in {{where}}{{via}} with no constraint pinning it{{note}}',
    },
  },
  checkWorkflow(context) {
    const flows = injectionFlows(context.workflow);
    const seen = new Set<string>();
    for (const flow of flows) {
      if (flow.clearedBy) continue;
      const key = `${formatYamlPath(flow.sink.path)}\u0000${flow.field}\u0000${flow.via.join('\u0000')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const [miss] = flow.nearMisses;
      context.report({
        messageId: 'flow',
        data: {
          field: flow.field,
          kind: flow.sink.kind,
          sink: flow.sink.param,
          action: flow.sink.action.id,
          where: where(flow.sink),
          via: flow.via.length > 0 ? ` through ${flow.via.join(' and ')}` : '',
          note: miss ? `; \`${miss.constraint}\` does not: ${miss.reason}` : '',
        },
        path: flow.sink.path,
        evidence: {
          field: flow.field,
          sink: flow.sink.param,
          kind: flow.sink.kind,
          action: flow.sink.action.id,
          via: flow.via,
          place: flow.sink.place,
          template: flow.sink.template,
          notPinnedBy: flow.nearMisses,
          cleared: clearedBeside(flow, flows),
        },
      });
    }
  },
};

function where(sink: Sink): string {
  switch (sink.place) {
    case 'step':
      return `step \`${sink.owner}\``;
    case 'rollback':
      return `the rollback of step \`${sink.owner}\``;
    case 'corroborate':
      return `corroborate check ${Number(sink.owner) + 1}`;
    case 'verify':
      return 'verify';
  }
}

/** The flows into the same parameter that a constraint cleared, with the constraint. */
function clearedBeside(flow: Flow, flows: readonly Flow[]): Record<string, unknown>[] {
  const path = formatYamlPath(flow.sink.path);
  return flows
    .filter((other) => other.clearedBy && formatYamlPath(other.sink.path) === path)
    .map((other) => ({
      field: other.field,
      via: other.via,
      clearedBy: other.clearedBy?.constraint,
      at: formatYamlPath(other.clearedBy?.path ?? []),
    }));
}
