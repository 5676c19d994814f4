import type { ActionCatalog } from '../core/catalog/catalog.js';
import type { CliIo } from './io.js';

/** What every command receives: where to write, the catalog, and where to put its exit code. */
export interface CommandContext {
  readonly io: CliIo;
  readonly catalog: ActionCatalog;
  setExitCode(code: number): void;
}

/** `--format` values every reading command accepts. */
export const outputFormats = ['text', 'json'] as const;
export type OutputFormat = (typeof outputFormats)[number];
