import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CliError, ExitCode } from '../errors.js';

export interface InputFile {
  path: string;
  size: number;
}

const supportedExtensions = /\.(jsonl|ndjson|json|csv|tsv|log|txt)(\.gz)?$|\.gz$/i;

/** Every file named, and every supported file below each directory named, sorted by path within a directory. */
export async function expandInputs(inputs: readonly string[]): Promise<InputFile[]> {
  const files: InputFile[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    const path = resolve(input);
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new CliError(`no such file or directory: ${input}`, ExitCode.failure);
    }
    const found = info.isDirectory() ? await walk(path) : [{ path, size: info.size }];
    for (const file of found) {
      if (seen.has(file.path)) continue;
      seen.add(file.path);
      files.push(file);
    }
  }
  return files;
}

async function walk(dir: string): Promise<InputFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: InputFile[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (entry.isFile() && supportedExtensions.test(entry.name)) files.push({ path, size: (await stat(path)).size });
  }
  return files;
}

export interface FileFacts {
  sha256: string;
  /** false when a gzip file ends before its compressed stream does (an export cut short) */
  gzipComplete: boolean;
}

/** The file's content hash, and for gzip whether its stream is whole, from one read of its bytes. */
export async function inspectFile(path: string, gzip: boolean): Promise<FileFacts> {
  const hash = createHash('sha256');
  const gunzip = gzip ? createGunzip() : undefined;
  let gzipComplete = true;
  const drained = gunzip
    ? new Promise<void>((resolve) => {
        gunzip.on('data', () => undefined);
        gunzip.on('end', () => resolve());
        gunzip.on('error', () => {
          gzipComplete = false;
          resolve();
        });
      })
    : Promise.resolve();
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      hash.update(chunk as Buffer);
      if (gunzip && gzipComplete && !gunzip.write(chunk as Buffer)) await new Promise((r) => gunzip.once('drain', r));
    }
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`, ExitCode.failure, { cause: error });
  }
  gunzip?.end();
  await drained;
  return { sha256: hash.digest('hex'), gzipComplete };
}
