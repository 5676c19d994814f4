import type { FailureKind } from '../core/errors.js';

export interface CircuitBreakerOptions {
  /** Consecutive dependency failures that open the circuit. Default 5. */
  readonly threshold?: number;
  /** How long an open circuit refuses calls before letting one trial call through. Default 30 s. */
  readonly cooldownMs?: number;
}

/** Failures that say the dependency (or its login) is unwell; a refused request does not count. */
const countsAgainstDependency = (failure: FailureKind | 'timeout'): boolean => failure !== 'non-retryable';

interface Circuit {
  failures: number;
  openUntil: number;
  /** A trial call is under way in the half-open state: others still wait. */
  probing: boolean;
  lastFailure: string;
}

/**
 * One circuit breaker per credential, so a database that is down (or a password that expired) is
 * not hammered by every run and retry at once. Closed: calls pass. After `threshold` consecutive
 * failures (retryable, timeout, credentials): open, calls are refused at once for `cooldownMs`.
 * Then half-open: one trial call passes; its success closes the circuit, its failure opens it again.
 * @example
 * const refusal = breakers.admit('pg-remediator', now) // undefined, or why the call is refused
 */
export class CircuitBreakers {
  private readonly circuits = new Map<string, Circuit>();
  private readonly threshold: number;
  private readonly cooldownMs: number;

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = options.threshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 30_000;
  }

  /** Undefined when the call may go ahead; otherwise why not (for the step's failure message). */
  admit(key: string, now: number): string | undefined {
    const circuit = this.circuits.get(key);
    if (!circuit || circuit.failures < this.threshold) return undefined;
    if (now < circuit.openUntil || circuit.probing)
      return `circuit open for credential ${key}: ${circuit.failures} failures in a row (last: ${circuit.lastFailure}); calls resume after ${new Date(circuit.openUntil).toISOString()}`;
    circuit.probing = true;
    return undefined;
  }

  succeeded(key: string): void {
    this.circuits.delete(key);
  }

  failed(key: string, failure: FailureKind | 'timeout', message: string, now: number): void {
    if (!countsAgainstDependency(failure)) {
      // The dependency answered (it refused this request): it is up. A trial call ends here too.
      const circuit = this.circuits.get(key);
      if (circuit) circuit.probing = false;
      return;
    }
    const circuit = this.circuits.get(key) ?? { failures: 0, openUntil: 0, probing: false, lastFailure: '' };
    circuit.failures += 1;
    circuit.lastFailure = message.length > 200 ? `${message.slice(0, 200)}…` : message;
    circuit.probing = false;
    if (circuit.failures >= this.threshold) circuit.openUntil = now + this.cooldownMs;
    this.circuits.set(key, circuit);
  }

  /** For metrics and the API: credentials whose circuit is open now. */
  open(now: number): string[] {
    return [...this.circuits.entries()]
      .filter(([, c]) => c.failures >= this.threshold && now < c.openUntil)
      .map(([key]) => key);
  }
}
