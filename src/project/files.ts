import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { loaderLimits } from '../core/loader/source-document.js';

export interface InputFile {
  /** As shown to the user: relative to the working directory when inside it. */
  readonly display: string;
  readonly absolute: string;
}

export interface Discovery {
  readonly files: InputFile[];
  /** Paths given that do not exist or cannot be read: each a message for the user. */
  readonly missing: string[];
}

const yamlFile = /\.ya?ml$/i;
const skippedDirectories = new Set(['node_modules', 'dist', 'coverage']);

/** Expands paths (files or folders, searched recursively) into the YAML files to read, sorted. */
export async function discoverYamlFiles(paths: readonly string[], cwd: string): Promise<Discovery> {
  const files = new Map<string, InputFile>();
  const missing: string[] = [];
  const add = (absolute: string) => files.set(absolute, { absolute, display: displayPath(absolute, cwd) });
  const walk = async (directory: string): Promise<void> => {
    const entries = await readdir(directory, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.') || skippedDirectories.has(entry.name)) continue;
      const full = join(directory, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && yamlFile.test(entry.name)) add(full);
    }
  };
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    try {
      const info = await stat(absolute);
      if (info.isDirectory()) await walk(absolute);
      else {
        add(absolute);
        // A workflow named on its own is reviewed with its tests, which stand beside it.
        const tests = absolute.replace(/\.(ya?ml)$/i, '.test.$1');
        if (tests !== absolute && !absolute.match(/\.test\.ya?ml$/i)) {
          const found = await stat(tests).then(
            (s) => s.isFile(),
            () => false,
          );
          if (found) add(tests);
        }
      }
    } catch (error) {
      missing.push(`${path}: ${describeFsError(error)}`);
    }
  }
  return { files: [...files.values()].sort((a, b) => a.display.localeCompare(b.display)), missing };
}

/** Reads a file as UTF-8 text, refusing files over the loader's size limit before reading them whole. */
export async function readText(file: InputFile): Promise<{ text: string } | { error: string }> {
  try {
    const info = await stat(file.absolute);
    if (info.size > loaderLimits.maxFileBytes)
      return { error: `file is larger than ${loaderLimits.maxFileBytes} bytes` };
    const buffer = await readFile(file.absolute);
    return { text: new TextDecoder('utf-8', { fatal: false }).decode(buffer) };
  } catch (error) {
    return { error: describeFsError(error) };
  }
}

export function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  return rel && !rel.startsWith('..') ? rel : absolute;
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder';
  return error instanceof Error ? error.message : String(error);
}
