/**
 * A credential of the config, ready to use: its secret references (`env:`, `file:`) already
 * resolved. Connectors receive it with every call and MUST NOT put any of its settings in an
 * error message, a log line or an output (they hold passwords and tokens).
 */
export interface ResolvedCredential {
  readonly name: string;
  readonly connector: string;
  /** The credential's `with`, secrets resolved: `{ url: 'postgres://remediator:pw@db/app' }`. */
  readonly settings: Readonly<Record<string, string | number | boolean>>;
  /** Action ids this credential may perform; the engine checks them before every call. */
  readonly scopes: readonly string[];
}

/** What a connector implementation offers the engine: one handler per catalog action it performs. */
export interface ActionCallContext {
  /** Aborted when the step's timeout passes or the run is cancelled. */
  readonly signal: AbortSignal;
  /**
   * The workflow's (or scan source's) credential. Absent only for connectors that need none (the
   * sandbox); a real connector called without one fails `non-retryable`.
   */
  readonly credential?: ResolvedCredential;
}

/**
 * Performs one action. Receives parameters already validated against the action's input schema;
 * returns its output, or throws an `ActionFailure` saying whether a retry could help
 * (`retryable`), could not (`non-retryable`), or the credential was refused (`credentials`).
 */
export type ActionHandler = (params: Record<string, unknown>, context: ActionCallContext) => Promise<unknown>;

export interface Connector {
  readonly name: string;
  readonly handlers: Readonly<Record<string, ActionHandler>>;
  /** Releases connections and pools (one per credential); the engine calls it on stop. */
  close?(): Promise<void>;
}
