import { createHash } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import type { ResolvedCredential } from '../../core/catalog/connector.js';
import { s3Settings, type S3Settings } from './s3-settings.js';

/** One S3 client per credential, created on first use and destroyed by `close()`. */
export class S3Clients {
  private readonly clients = new Map<
    string,
    { fingerprint: string; client: S3Client; settings: S3Settings }
  >();

  /**
   * The client for a credential (checked by `s3Settings`, which throws on bad settings). A
   * credential whose settings changed (a rotated key) gets a new client.
   */
  for(credential: ResolvedCredential | undefined): { client: S3Client; settings: S3Settings } {
    const settings = s3Settings(credential);
    const name = credential?.name ?? '';
    // A hash, so the map does not keep a second copy of the secret in a readable key.
    const fingerprint = createHash('sha256').update(JSON.stringify(settings)).digest('hex');
    const known = this.clients.get(name);
    if (known?.fingerprint === fingerprint) return known;
    known?.client.destroy();
    const client = new S3Client({
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
      // The engine retries (per the step's policy) and bounds each call: no hidden retries here.
      maxAttempts: 1,
    });
    const entry = { fingerprint, client, settings };
    this.clients.set(name, entry);
    return entry;
  }

  close(): void {
    for (const { client } of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
