/**
 * Errors that carry data, as Temporal's ApplicationFailure does: the engine decides on retries
 * from `kind`, never from a message.
 */
export const FailureKind = {
  /** Worth trying again (a timeout, a dropped connection, a 503). */
  retryable: 'retryable',
  /** Trying again would fail the same way (bad parameters, a missing resource). */
  nonRetryable: 'non-retryable',
  /** Authentication failed: an expired password or token. Not retried; a person must act. */
  credentials: 'credentials',
} as const;
export type FailureKind = (typeof FailureKind)[keyof typeof FailureKind];

export class ActionFailure extends Error {
  override readonly name = 'ActionFailure';
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly details: {
      readonly nextRetryDelayMs?: number;
      readonly cause?: unknown;
      /**
       * The request may have reached the system and taken effect (a timeout or a connection cut
       * after sending): the engine treats it as a step timeout — retried only when the action is
       * idempotent, otherwise the run needs attention. Never guessed as "not done".
       */
      readonly outcomeUnknown?: boolean;
    } = {},
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.kind === FailureKind.retryable;
  }
}

/** Turns anything thrown into an Error, at catch boundaries. */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  if (typeof thrown === 'string') return new Error(thrown);
  try {
    return new Error(JSON.stringify(thrown));
  } catch {
    return new Error(String(thrown));
  }
}
