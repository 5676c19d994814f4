import type { ActionHandler, Connector } from '../../core/catalog/connector.js';
import { ActionFailure } from '../../core/errors.js';
import { sandboxActions } from './catalog.js';
import { SandboxFaultPlan, type SandboxFaults } from './faults.js';
import { SandboxWorld } from './sandbox-world.js';

export interface SandboxConnectorOptions {
  /** Faults injected from the start (validated: throws `SandboxFaultsError`); default none. */
  readonly faults?: SandboxFaults;
}

export interface SandboxConnector extends Connector {
  readonly world: SandboxWorld;
  /** The fault plan: `faults.set(...)` and `faults.clear()` change it while the connector runs. */
  readonly faults: SandboxFaultPlan;
}

/**
 * The `sandbox` connector: performs the sandbox catalog's actions on a SIMULATED world in memory.
 * Reads of a missing resource answer `exists: false`; writes to one fail (non-retryable), as a
 * real system would. Every call is counted in `world.calls`; `faults` injects failures, delays
 * and aborts (see faults.ts).
 */
export function sandboxConnector(
  world: SandboxWorld = new SandboxWorld(),
  options: SandboxConnectorOptions = {},
): SandboxConnector {
  const faults = new SandboxFaultPlan(options.faults);
  const text = (params: Record<string, unknown>, key: string): string => String(params[key]);
  const missing = (what: string) => new ActionFailure(`[SIMULATED] ${what} does not exist`, 'non-retryable');

  const bucketState = (bucket: string) => {
    const found = world.buckets.get(bucket);
    return { bucket, exists: found !== undefined, access: found?.access ?? 'private' };
  };
  const roleState = (database: string, role: string) => {
    const found = world.roles.get(`${database}/${role}`);
    return {
      database,
      role,
      exists: found !== undefined,
      login: found?.login ?? false,
      superuser: found?.superuser ?? false,
    };
  };
  const userState = (system: string, user: string) => {
    const found = world.users.get(`${system}/${user}`);
    return {
      system,
      user,
      exists: found !== undefined,
      enabled: found?.enabled ?? false,
      hasPassword: found?.hasPassword ?? false,
    };
  };

  // The simulation answers synchronously; handlers still return promises, as real ones do, and
  // the fault plan may delay, fail or abort them.
  const simulated: Record<string, (params: Record<string, unknown>) => unknown> = {
    'sandbox.bucket.get': (params) => bucketState(text(params, 'bucket')),
    'sandbox.bucket.list': () => ({ items: [...world.buckets.keys()].sort().map(bucketState) }),
    'sandbox.bucket.set-access': (params) => {
      if (!world.write('sandbox.bucket.set-access', params))
        throw missing(`bucket ${text(params, 'bucket')}`);
      return bucketState(text(params, 'bucket'));
    },
    'sandbox.role.get': (params) => roleState(text(params, 'database'), text(params, 'role')),
    'sandbox.role.set-login': (params) => {
      if (!world.write('sandbox.role.set-login', params))
        throw missing(`role ${text(params, 'role')} in ${text(params, 'database')}`);
      return roleState(text(params, 'database'), text(params, 'role'));
    },
    'sandbox.role.set-superuser': (params) => {
      if (!world.write('sandbox.role.set-superuser', params))
        throw missing(`role ${text(params, 'role')} in ${text(params, 'database')}`);
      return roleState(text(params, 'database'), text(params, 'role'));
    },
    'sandbox.user.get': (params) => userState(text(params, 'system'), text(params, 'user')),
    'sandbox.user.set-enabled': (params) => {
      if (!world.write('sandbox.user.set-enabled', params))
        throw missing(`user ${text(params, 'user')} on ${text(params, 'system')}`);
      return userState(text(params, 'system'), text(params, 'user'));
    },
    'sandbox.user.rotate-password': (params) => {
      if (!world.write('sandbox.user.rotate-password', params))
        throw missing(`user ${text(params, 'user')} on ${text(params, 'system')}`);
      return { system: text(params, 'system'), user: text(params, 'user'), rotated: true as const };
    },
  };
  const handlers: Record<string, ActionHandler> = {};
  for (const [id, perform] of Object.entries(simulated)) {
    const action = sandboxActions.find((a) => a.id === id);
    if (!action) throw new Error(`sandbox performs ${id}, which its catalog does not declare`);
    const { effect, resource } = action;
    handlers[id] = (params, { signal }) => {
      world.calls.set(id, (world.calls.get(id) ?? 0) + 1);
      return faults.perform({ action: id, effect, resource, params }, signal, () => perform(params));
    };
  }
  return { name: 'sandbox', handlers, world, faults };
}
