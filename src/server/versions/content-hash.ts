import { createHash } from 'node:crypto';

/**
 * The identity of a version's text: `sha256:<hex>` of its UTF-8 bytes, exactly as proposed (no
 * normalisation: a changed comment is a changed version, because reviewers read the text).
 * @example contentHash('apiVersion: rectify.dev/v1\n') // 'sha256:3f1c...'
 */
export function contentHash(content: string): string {
  return `sha256:${createHash('sha256').update(content, 'utf8').digest('hex')}`;
}
