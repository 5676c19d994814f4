/** What a connector implementation offers the engine: one handler per catalog action it performs. */
export interface ActionCallContext {
  /** Aborted when the step's timeout passes or the run is cancelled. */
  readonly signal: AbortSignal;
}

/**
 * Performs one action. Receives parameters already validated against the action's input schema;
 * returns its output, or throws an `ActionFailure` saying whether a retry could help.
 */
export type ActionHandler = (params: Record<string, unknown>, context: ActionCallContext) => Promise<unknown>;

export interface Connector {
  readonly name: string;
  readonly handlers: Readonly<Record<string, ActionHandler>>;
}
