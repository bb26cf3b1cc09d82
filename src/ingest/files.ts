import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
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
  /**
   * true when line ends are mixed (LF and CRLF) or a carriage return stands alone: DuckDB's reader would take
   * each CR as a line end of its own, inventing lines, so such a file is read from a copy with LF line ends.
   */
  needsLineEndFix: boolean;
}

/**
 * Watches the line ends of a byte stream chunk by chunk. Chunks without a CR (every chunk of an LF file) cost one
 * native byte search; only chunks with a CR are looked at as text.
 */
class LineEndScan {
  private pendingCr = false;
  private crlf = false;
  private bareLf = false;
  private bareCr = false;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (!this.pendingCr && chunk.indexOf(13) === -1) {
      this.bareLf ||= chunk.indexOf(10) !== -1;
      return;
    }
    let text = (this.pendingCr ? '\r' : '') + chunk.toString('latin1');
    this.pendingCr = text.endsWith('\r');
    if (this.pendingCr) text = text.slice(0, -1);
    this.crlf ||= text.includes('\r\n');
    this.bareCr ||= /\r(?!\n)/.test(text);
    this.bareLf ||= /(^|[^\r])\n/.test(text);
  }

  get needsFix(): boolean {
    return this.bareCr || this.pendingCr || (this.crlf && this.bareLf);
  }
}

/** The file's content hash, and for gzip whether its stream is whole, from one read of its bytes. */
export async function inspectFile(path: string, gzip: boolean): Promise<FileFacts> {
  const hash = createHash('sha256');
  const lineEnds = new LineEndScan();
  const gunzip = gzip ? createGunzip() : undefined;
  let gzipComplete = true;
  const drained = gunzip
    ? new Promise<void>((resolve) => {
        gunzip.on('data', (chunk: Buffer) => lineEnds.push(chunk));
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
      if (!gunzip) lineEnds.push(chunk as Buffer);
      if (gunzip && gzipComplete && !gunzip.write(chunk as Buffer)) await new Promise((r) => gunzip.once('drain', r));
    }
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`, ExitCode.failure, { cause: error });
  }
  gunzip?.end();
  await drained;
  return { sha256: hash.digest('hex'), gzipComplete, needsLineEndFix: lineEnds.needsFix };
}

/**
 * A plain copy of the file with LF line ends: CRLF becomes LF and a lone CR, which no line-based export means as a
 * line end, becomes a space. Bytes are carried as latin1 so any encoding (broken UTF-8 too) passes through unchanged.
 */
export async function copyWithLfLineEnds(path: string, gzip: boolean, target: string): Promise<void> {
  const source = createReadStream(path, { highWaterMark: 1 << 20 });
  const input = gzip ? source.pipe(createGunzip()) : source;
  const output = createWriteStream(target);
  let pendingCr = false;
  const write = (text: string) => new Promise<void>((resolve, reject) => output.write(Buffer.from(text, 'latin1'), (e) => (e ? reject(e) : resolve())));
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let text: string = (pendingCr ? '\r' : '') + chunk.toString('latin1');
      pendingCr = text.endsWith('\r');
      if (pendingCr) text = text.slice(0, -1);
      await write(text.replace(/\r\n/g, '\n').replace(/\r/g, ' '));
    }
  } catch (error) {
    // a gzip stream cut short: keep what was read, as the direct read does
    if (!gzip) throw error;
  }
  if (pendingCr) await write(' ');
  await new Promise<void>((resolve, reject) => output.end((e?: Error | null) => (e ? reject(e) : resolve())));
}
