import type { FastifyServerOptions } from 'fastify';
import { isSecretReference } from '../core/secrets.js';

/** Where log lines go (pino writes one JSON line per call): a file, stdout, a test's buffer. */
export interface LogStream {
  write(line: string): void;
}

const censor = '[REDACTED]';
/** Rectify tokens anywhere in a log line: the reviewer's detector knows the same shape. */
const tokenPattern = /rfy_[A-Za-z0-9_-]{20,}/g;

/**
 * Every secret value the config refers to (`env:`/`file:` anywhere in it), resolved: the log
 * scrubber replaces them wherever they appear. A reference that does not resolve is skipped
 * (its source answers 503 and says so; there is no value to leak).
 * @example secretValuesOf(config, ctx.resolveSecret) // ['s3cr3t', 'postgres://u:pw@db/app']
 */
export function secretValuesOf(config: unknown, resolve: (reference: string) => string): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!isSecretReference(value)) return;
      try {
        const secret = resolve(value);
        // Very short values would blank out ordinary words; they are not worth a secret's name.
        if (secret.length >= 6) found.add(secret);
      } catch {
        // Unresolvable: nothing to hide.
      }
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(config);
  return [...found];
}

/**
 * Fastify's (pino's) logger options: structured JSON, authorization and signature headers and
 * secret-named fields redacted by path, request URLs without their query, and every line
 * scrubbed of the config's secret values and of anything shaped like a Rectify token, whatever
 * field or message it hides in.
 * @example Fastify({ logger: logOptions({ level: 'info', stream, secrets: () => values }) })
 */
export function logOptions(options: {
  readonly level?: string;
  readonly stream?: LogStream;
  readonly secrets: () => readonly string[];
}): NonNullable<Exclude<FastifyServerOptions['logger'], boolean>> {
  const scrub = (value: unknown, depth = 0): unknown => {
    if (typeof value === 'string') {
      let text = value.replace(tokenPattern, censor);
      for (const secret of options.secrets())
        if (text.includes(secret)) text = text.split(secret).join(censor);
      return text;
    }
    if (depth > 8 || value === null || typeof value !== 'object') return value;
    if (value instanceof Error)
      return { type: value.name, message: scrub(value.message), stack: scrub(value.stack ?? '') };
    if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
    // Objects with their own serialisation (the request, the reply) are left to pino's serializers.
    if (Object.getPrototypeOf(value) !== Object.prototype) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
  };
  return {
    level: options.level ?? 'info',
    ...(options.stream ? { stream: options.stream } : {}),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-signature"]',
        'req.headers["x-hub-signature-256"]',
        '*.authorization',
        '*.token',
        '*.secret',
        '*.password',
      ],
      censor,
    },
    serializers: {
      req: (request: { method: string; url: string; id?: string; ip?: string }) => ({
        method: request.method,
        url: request.url.split('?')[0],
        id: request.id,
      }),
    },
    hooks: {
      logMethod(this: unknown, args: unknown[], method: (...args: unknown[]) => void) {
        method.apply(
          this,
          args.map((arg) => scrub(arg)),
        );
      },
    },
  };
}
