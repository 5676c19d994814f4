import { overdueWorkflows } from '../versions/overdue.js';
import type { Store } from '../../store/store.js';

/** The state gauges read at scrape time, from one store transaction. */
export interface StateSnapshot {
  readonly pendingApprovals: number;
  readonly pausedWorkflows: number;
  readonly overdueReviews: number;
  readonly killSwitch: boolean;
}

export interface StateSource {
  readonly store: Store;
  /** Names of the active workflows (the engine's): which may be paused. */
  readonly workflows: () => readonly string[];
  /** The config's `killSwitch`: the value until the store has a setting. */
  readonly killSwitch: boolean;
}

/** The setting the engine keeps the kill switch in (src/engine/engine.ts). */
const killSwitchSetting = 'kill-switch';

/**
 * Reads the state the gauges show. One transaction for all four, so the gauges of one scrape
 * agree with each other.
 * @example const state = await readState({ store, workflows: () => ['close-bucket'], killSwitch: false }, Date.now())
 */
export function readState(source: StateSource, now: number): Promise<StateSnapshot> {
  return source.store.transaction(async (tx) => {
    // TODO(store): a count query; runs awaiting approval are few, so listing them is cheap today.
    const pending = await tx.listRuns({ status: 'awaiting_approval', limit: 1_000_000 });
    let paused = 0;
    for (const name of new Set(source.workflows())) if ((await tx.getPause(name)).paused) paused++;
    const setting = await tx.getSetting(killSwitchSetting);
    return {
      pendingApprovals: pending.length,
      pausedWorkflows: paused,
      overdueReviews: (await overdueWorkflows(tx, now)).length,
      killSwitch: setting === undefined ? source.killSwitch : setting === 'on',
    };
  });
}
