/**
 * The engine declines a person's request, with a reason code the server maps onto HTTP
 * (`separation-of-duties` -> 403; the others -> 409).
 */
export class EngineRefusal extends Error {
  override readonly name = 'EngineRefusal';
  constructor(
    readonly code:
      | 'separation-of-duties'
      | 'not-waiting'
      | 'not-found'
      | 'finished'
      | 'not-rollbackable'
      | 'no-such-workflow'
      | 'kill-switch',
    message: string,
  ) {
    super(message);
  }
}
