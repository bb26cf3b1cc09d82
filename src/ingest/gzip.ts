import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip, createInflateRaw } from 'node:zlib';

/**
 * Whether a gzip stream failed where a member should start after a whole one: bytes after the gzip data (what
 * `gzip -d` ignores as "trailing garbage"). Node's gunzip reads any byte but NUL after a member as the start of the
 * next, and fails on the header check; zlib's own reading of a member fails with other messages.
 */
export function isTrailingDataError(error: unknown): boolean {
  return (error as { code?: string }).code === 'Z_DATA_ERROR' && (error as Error).message === 'incorrect header check';
}

/** The gzip member header flags that add fields after the fixed ten bytes (RFC 1952). */
const flags = { headerCrc: 2, extra: 4, name: 8, comment: 16 } as const;

/** Bytes of the member header at `offset`, or undefined when no gzip member header starts there. */
async function memberHeaderBytes(handle: FileHandle, offset: number): Promise<number | undefined> {
  const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, offset);
  const head = buffer.subarray(0, bytesRead);
  if (head.length < 10 || head[0] !== 0x1f || head[1] !== 0x8b || head[2] !== 8) return undefined;
  const flag = head[3]!;
  let at = 10;
  if (flag & flags.extra) {
    if (head.length < at + 2) return undefined;
    at += 2 + head.readUInt16LE(at);
  }
  for (const field of [flags.name, flags.comment]) {
    if (!(flag & field)) continue;
    const end = head.indexOf(0, at);
    if (end === -1) return undefined;
    at = end + 1;
  }
  if (flag & flags.headerCrc) at += 2;
  return at <= head.length ? at : undefined;
}

/** The compressed bytes of the deflate stream that starts at `start`, or undefined when it does not end whole. */
function deflateBytes(path: string, start: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const source = createReadStream(path, { start });
    const inflate = createInflateRaw();
    inflate.resume();
    // the stream ends where its deflate data does: what the engine took is its length
    inflate.on('end', () => {
      source.destroy();
      resolve(inflate.bytesWritten);
    });
    inflate.on('error', () => {
      source.destroy();
      resolve(undefined);
    });
    source.on('error', () => resolve(undefined));
    source.pipe(inflate);
  });
}

/**
 * Where the gzip data of a file ends: after its last whole member (and its eight-byte trailer). Called only for a
 * file whose gunzip failed on bytes after a member, so it decompresses that file once more.
 */
export async function gzipDataEnd(path: string): Promise<{ end: number; size: number }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    let end = 0;
    while (end < size) {
      const header = await memberHeaderBytes(handle, end);
      if (header === undefined) break;
      const deflate = await deflateBytes(path, end + header);
      if (deflate === undefined || end + header + deflate + 8 > size) break;
      end += header + deflate + 8;
    }
    return { end, size };
  } finally {
    await handle.close();
  }
}

/** The decompressed bytes of a file's gzip data (bytes 0 to `end`), from `skip` bytes in. */
export async function* gunzipRange(path: string, end: number, skip: number): AsyncGenerator<Buffer> {
  if (end === 0) return;
  let toSkip = skip;
  for await (const chunk of createReadStream(path, { end: end - 1 }).pipe(createGunzip()) as AsyncIterable<Buffer>) {
    if (toSkip >= chunk.length) {
      toSkip -= chunk.length;
      continue;
    }
    yield toSkip > 0 ? chunk.subarray(toSkip) : chunk;
    toSkip = 0;
  }
}
