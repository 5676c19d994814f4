import { Redis } from 'ioredis';
import type { ResolvedCredential } from '../../core/catalog/connector.js';
import { ActionFailure } from '../../core/errors.js';
import { redisTarget, type RedisTarget } from './redis-credential.js';
import { toRedisFailure } from './redis-errors.js';

interface ClientEntry {
  readonly url: string;
  readonly client: Redis;
  readonly ready: Promise<void>;
}

/** What a handler works with: the credential's connected client and whom it is logged in as. */
export interface RedisSession {
  readonly client: Redis;
  readonly target: RedisTarget;
}

/**
 * One client per credential, connected on first use and closed by `close()`. The client never
 * reconnects or queues commands on its own (the engine owns retries and its circuit breaker): a
 * dropped connection fails the calls under way `retryable`, and the next call connects afresh.
 */
export class RedisClients {
  private readonly clients = new Map<string, ClientEntry>();

  /**
   * Runs `work` with the credential's client. When `signal` aborts first, the call fails
   * `retryable` at once; the command may still complete on the server (every write action is
   * idempotent, so a retry is safe). `secrets` are cut out of any error message.
   */
  async use<T>(
    credential: ResolvedCredential | undefined,
    signal: AbortSignal,
    what: string,
    work: (session: RedisSession) => Promise<T>,
    secrets: readonly string[] = [],
  ): Promise<T> {
    const target = redisTarget(credential);
    const name = credential?.name ?? '';
    const abandoned = () =>
      new ActionFailure(`redis: ${what} was abandoned (step timeout or run cancelled)`, 'retryable');
    if (signal.aborted) throw abandoned();
    const task = (async () => {
      const client = await this.connected(name, target.url);
      return await work({ client, target });
    })();
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        reject(abandoned());
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      return await Promise.race([task, aborted]);
    } catch (error) {
      throw toRedisFailure(error, what, target.url, name, secrets);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
      task.catch(() => undefined); // an abandoned task's late failure is nobody's
    }
  }

  /** Disconnects every client. */
  async close(): Promise<void> {
    const entries = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(
      entries.map((e) =>
        e.client.quit().catch(() => {
          e.client.disconnect();
        }),
      ),
    );
  }

  private async connected(name: string, url: string): Promise<Redis> {
    let entry = this.clients.get(name);
    if (entry && (entry.url !== url || entry.client.status === 'end' || entry.client.status === 'close')) {
      entry.client.disconnect();
      this.clients.delete(name);
      entry = undefined;
    }
    if (!entry) {
      const client = new Redis(url, {
        lazyConnect: true,
        connectTimeout: 5_000,
        retryStrategy: () => null,
        reconnectOnError: () => false,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        autoResendUnfulfilledCommands: false,
        connectionName: 'rectify',
      });
      // ioredis reports why a connect failed (refused, WRONGPASS at AUTH) as an 'error' event and
      // rejects connect() only with "Connection is closed.": keep the event's error to classify.
      let cause: unknown;
      client.on('error', (error: unknown) => {
        cause ??= error;
      });
      const ready = client.connect().catch((error: unknown) => {
        throw cause ?? error;
      });
      const created: ClientEntry = { url, client, ready };
      entry = created;
      this.clients.set(name, created);
      created.ready.catch(() => {
        if (this.clients.get(name) === created) this.clients.delete(name);
        created.client.disconnect();
      });
    }
    await entry.ready;
    return entry.client;
  }
}
