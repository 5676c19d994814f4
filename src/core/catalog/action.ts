import type { z } from 'zod';
import type { ActionEffect } from '../types.js';

/** Kinds of injection sink a parameter can be (spec/review.md, injection/event-to-sensitive-param). */
export const SensitiveKind = {
  identifier: 'identifier',
  argv: 'argv',
  url: 'url',
  path: 'path',
  query: 'query',
} as const;
export type SensitiveKind = (typeof SensitiveKind)[keyof typeof SensitiveKind];

/**
 * How a write action is undone. `snapshot` is read before acting; `with` builds the inverse's
 * parameters from `params` (the original action's) and `snapshot` as `${{ }}` templates.
 */
export interface ActionInverse {
  readonly action: string;
  readonly snapshot?: { readonly action: string; readonly with: Readonly<Record<string, unknown>> };
  readonly with: Readonly<Record<string, unknown>>;
  /**
   * CEL over `params` and `snapshot`: the action changed something that needs undoing. False means
   * the state before was already what the action left (revoking a privilege that was never held),
   * so undoing would change the system instead of restoring it: the undo is skipped.
   */
  readonly when?: string;
}

/**
 * One action of the catalog, as data. The reviewer, the drills, the approval preview and the
 * engine all read this: it is the single source of truth about what an action does.
 */
export interface ActionDefinition {
  /** `<connector>.<resource>.<verb>` */
  readonly id: string;
  readonly connector: string;
  readonly title: string;
  readonly description: string;
  readonly effect: ActionEffect;
  /** Performing it twice with the same parameters has the same effect as once. */
  readonly idempotent: boolean;
  /** Usually takes seconds or more: steps using it should set `timeout`. */
  readonly slow: boolean;
  readonly input: z.ZodType;
  readonly output: z.ZodType;
  /** Parameters that are injection sinks, and of which kind. */
  readonly sensitive: Readonly<Record<string, SensitiveKind>>;
  /** Parameters that, together, name the resource acted on (blast radius, previews). */
  readonly resource: readonly string[];
  /** The scope a credential needs to perform it; by convention the action id. */
  readonly scope: string;
  /** How to undo it; reads have none and need none. */
  readonly inverse: ActionInverse | { readonly none: string } | undefined;
  /** True for the `sandbox` connector: a simulation, never a real system. */
  readonly simulated: boolean;
}

/** Fills the conventional defaults: scope = id, not slow, no sensitive parameters. */
export function defineAction(
  definition: Omit<
    ActionDefinition,
    'scope' | 'slow' | 'sensitive' | 'resource' | 'simulated' | 'connector'
  > &
    Partial<Pick<ActionDefinition, 'scope' | 'slow' | 'sensitive' | 'resource' | 'simulated'>>,
): ActionDefinition {
  const connector = definition.id.split('.')[0] ?? definition.id;
  return {
    scope: definition.id,
    slow: false,
    sensitive: {},
    resource: [],
    simulated: false,
    ...definition,
    connector,
  };
}

export function isWriteEffect(effect: ActionEffect): boolean {
  return effect === 'write' || effect === 'destructive';
}
