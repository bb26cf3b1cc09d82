import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Database } from '../../src/db/database.js';
import { ingestFiles } from '../../src/ingest/ingest.js';
import { forEachPiece, LineCounter } from '../../src/ingest/files.js';
import { fixture, tempDir } from './helpers.js';
import { generateFleet } from '../../bench/generate.js';

/** Everything a run stored, as comparable rows. */
async function snapshot(db: Database) {
  return {
    messages: await db.all(`select station_id, received_at, direction, message_type, unique_id, action, payload::varchar as payload, line_no from messages order by line_no`),
    statuses: await db.all(`select station_id, connector_id, status, error_code, effective_at, line_no from status_notifications order by line_no`),
    rejects: await db.all(`select line_no, reason, raw from rejects order by line_no`),
    files: await db.all(`select lines, messages, status_notifications, duplicates, skipped_lines, rejected from files`),
  };
}

async function ingestWith(path: string, pieceBytes: number, tz = 'UTC') {
  const db = await Database.open(':memory:');
  try {
    const result = await ingestFiles(db, [path], { format: 'auto', tz, strict: false, config: { pieceBytes } });
    return { result: { ...result, files: [] }, stored: await snapshot(db) };
  } finally {
    db.close();
  }
}

describe('LineCounter', () => {
  it('counts lines and notes the empty ones, of spaces alone too, across chunk ends', () => {
    const counter = new LineCounter();
    // 1 {a}, 2 four spaces over two chunks, 3 {b}, 4 a space before a CRLF line end, 5 {c}, 6 "  x", 7 two spaces
    // without a line end
    for (const chunk of ['{a}\n  ', '  \n{b}\n', ' \r\n', '{c}\n ', ' x\n', '  ']) counter.push(Buffer.from(chunk));
    expect(counter.shape).toEqual({ lines: 7, longestLineBytes: 4, emptyLines: [2, 4, 7] });
    // the last line goes on: not empty after all
    counter.push(Buffer.from('{d}\n'));
    expect(counter.shape).toEqual({ lines: 7, longestLineBytes: 5, emptyLines: [2, 4] });
  });

  it('notes lines of tabs, vertical tabs, form feeds and spaces as empty, as DuckDB\'s JSON reader skips them', () => {
    const counter = new LineCounter();
    // 1 a tab, 2 {a}, 3 a space, a tab and a form feed, 4 a vertical tab then a CRLF line end, 5 "\tx", 6 a tab
    // without a line end
    for (const chunk of ['\t\n{a}\n \t', '\f\n\u000b\r\n\tx\n', '\t']) counter.push(Buffer.from(chunk));
    expect(counter.shape).toEqual({ lines: 6, longestLineBytes: 3, emptyLines: [1, 3, 4, 6] });
  });
});

describe('a file staged in pieces', () => {
  for (const name of ['jsonl-mixed.jsonl', 'frames.csv', 'status.csv', 'steve.log']) {
    it(`${name}: tiny pieces give exactly what the whole file gives (line numbers, rejects, duplicates)`, async () => {
      const whole = await ingestWith(fixture(name), 128 * 1024 * 1024, 'Europe/Berlin');
      // a few hundred bytes: a piece holds one or two lines, so every boundary case is crossed
      const pieces = await ingestWith(fixture(name), 300, 'Europe/Berlin');
      expect(pieces).toEqual(whole);
    });
  }

  it('a gzip file is cut into pieces while it is decompressed', async () => {
    const dir = tempDir();
    const gz = join(dir, 'mixed.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(fixture('jsonl-mixed.jsonl'))));
    const whole = await ingestWith(fixture('jsonl-mixed.jsonl'), 128 * 1024 * 1024, 'Europe/Berlin');
    const pieces = await ingestWith(gz, 300, 'Europe/Berlin');
    expect(pieces.stored.messages).toEqual(whole.stored.messages);
    expect(pieces.stored.rejects).toEqual(whole.stored.rejects);
    expect(pieces.stored.statuses).toEqual(whole.stored.statuses);
    expect(pieces.result).toMatchObject({ messages: 10, duplicates: 1, skipped_lines: 1, rejected: 6 });
  });
});

describe('a failure while a piece is staged', () => {
  // not a failure to read the file: a plain file's is not reported as one, a gzip file's is not taken for a stream cut short
  for (const gzip of [false, true]) {
    it(`${gzip ? 'gzip' : 'plain'}: reaches the caller as it was thrown, and no later piece is cut`, async () => {
      const dir = tempDir();
      const plain = fixture('jsonl-mixed.jsonl');
      const path = join(dir, gzip ? 'mixed.jsonl.gz' : 'mixed.jsonl');
      writeFileSync(path, gzip ? gzipSync(readFileSync(plain)) : readFileSync(plain));
      const seen: number[] = [];
      const failure = new Error('the database is full');
      const cutting = forEachPiece(path, { gzip, fixLineEnds: false, pieceBytes: 300, dir, hash: undefined }, async (_piece, lines) => {
        seen.push(lines.lines);
        if (seen.length === 2) throw failure;
      });
      await expect(cutting).rejects.toBe(failure);
      expect(seen.length).toBe(2);
    });
  }
});

describe('progress over a file staged in pieces', () => {
  it('moves through the file piece by piece, never backwards, and ends at its size', async () => {
    const dir = tempDir();
    const path = join(dir, 'fleet.jsonl');
    // about 3.3 MB in 1 MB pieces (a file is read in 1 MB chunks, so progress moves by up to 1 MB at a piece's end)
    await generateFleet({ messages: 18000, seed: 5, stations: 10, out: path });
    const reports: number[] = [];
    let total = 0;
    const db = await Database.open(':memory:');
    try {
      await ingestFiles(db, [path], {
        format: 'auto',
        tz: 'UTC',
        strict: false,
        config: { pieceBytes: 1024 * 1024 },
        onProgress: (done, of) => {
          reports.push(done);
          total = of;
        },
      });
    } finally {
      db.close();
    }
    expect(total).toBe(statSync(path).size);
    expect(reports.at(-1)).toBe(total);
    expect(reports.every((value, i) => i === 0 || value >= reports[i - 1]!)).toBe(true);
    // every third of the file is passed through, and nothing sits just short of the end while pieces remain
    for (const third of [0, 1, 2]) {
      expect(reports.filter((value) => value >= (third * total) / 3 && value < ((third + 1) * total) / 3).length).toBeGreaterThan(3);
    }
    expect(reports.filter((value) => value >= 0.99 * total && value < total).length).toBeLessThanOrEqual(3);
  });
});

describe('a file of a size never ingested, hashed while it is staged', () => {
  const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

  for (const [how, pieceBytes] of [
    ['read whole, while DuckDB reads it', 128 * 1024 * 1024],
    ['cut into pieces, while it is cut', 300],
  ] as const) {
    it(`${how}: stores its sha256, and the same file again is skipped`, async () => {
      const path = fixture('jsonl-mixed.jsonl');
      const db = await Database.open(':memory:');
      try {
        const options = { format: 'auto' as const, tz: 'UTC', strict: false, config: { pieceBytes } };
        const first = await ingestFiles(db, [path], options);
        expect(first).toMatchObject({ files_ingested: 1, messages: 10 });
        expect(await db.all('select sha256, size_bytes from files')).toEqual([{ sha256: sha256(path), size_bytes: statSync(path).size }]);
        const again = await ingestFiles(db, [path], options);
        expect(again).toMatchObject({ files_ingested: 0, files_skipped: 1, messages: 0 });
      } finally {
        db.close();
      }
    });
  }

  it('a gzip file cut into pieces: the sha256 of its compressed bytes, and the same file again is skipped', async () => {
    const gz = join(tempDir(), 'mixed.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(fixture('jsonl-mixed.jsonl'))));
    const db = await Database.open(':memory:');
    try {
      const options = { format: 'auto' as const, tz: 'UTC', strict: false, config: { pieceBytes: 300 } };
      expect(await ingestFiles(db, [gz], options)).toMatchObject({ files_ingested: 1, messages: 10 });
      expect(await db.all('select sha256, size_bytes from files')).toEqual([{ sha256: sha256(gz), size_bytes: statSync(gz).size }]);
      expect(await ingestFiles(db, [gz], options)).toMatchObject({ files_ingested: 0, files_skipped: 1, messages: 0 });
    } finally {
      db.close();
    }
  });

  it('a gzip stream that fails part way: every byte of the file is hashed, the lines before the failure are kept', async () => {
    const dir = tempDir();
    const plain = join(dir, 'fleet.jsonl');
    await generateFleet({ messages: 16000, seed: 3, stations: 10, out: plain });
    // stored (level 0) deflate blocks after a 10-byte header, each led by 5 bytes (type, length, its complement): the
    // second block's length check is broken, so decompression fails about 64 KB into a file that 64 MB of bytes no
    // decompressor reads make long (it is read in 1 MB chunks)
    const gzip = Buffer.from(gzipSync(readFileSync(plain), { level: 0 }));
    const firstBlockBytes = gzip.readUInt16LE(10 + 1);
    const secondBlock = 10 + 5 + firstBlockBytes;
    gzip[secondBlock + 3] = gzip[secondBlock + 3]! ^ 0xff;
    const gz = join(dir, 'fleet.jsonl.gz');
    writeFileSync(gz, Buffer.concat([gzip, Buffer.alloc(64 * 1024 * 1024, 7)]));
    const db = await Database.open(':memory:');
    try {
      const result = await ingestFiles(db, [gz], { format: 'auto', tz: 'UTC', strict: false, config: { pieceBytes: 16 * 1024 } });
      expect(result.files[0]?.note).toBe('gzip stream cut short: the last line is rejected');
      expect(await db.all('select sha256 from files')).toEqual([{ sha256: sha256(gz) }]);
      // the lines the decompressor gave before it failed (within the first block: what of it node's zlib had passed
      // on) are stored as lines 1, 2, ...; the one cut there is rejected
      const linesInFirstBlock = readFileSync(plain).subarray(0, firstBlockBytes).toString('latin1').split('\n').length - 1;
      expect(result.messages).toBeGreaterThan(0);
      expect(result.messages).toBeLessThanOrEqual(linesInFirstBlock);
      expect(result).toMatchObject({ rejected: 1, duplicates: 0 });
      expect(await db.all('select min(line_no) as first, max(line_no) as last, count(*) as n from messages')).toEqual([
        { first: 1, last: result.messages, n: result.messages },
      ]);
      expect(await db.all('select line_no, reason from rejects')).toEqual([{ line_no: result.messages + 1, reason: expect.stringContaining('gzip') }]);
    } finally {
      db.close();
    }
  });

  it('mixed line ends (LF, CRLF, a lone CR) cut while hashed give what the whole file gives', async () => {
    const dir = tempDir();
    const path = join(dir, 'mixed-ends.jsonl');
    const lines = readFileSync(fixture('jsonl-mixed.jsonl'), 'latin1').split('\n');
    if (lines.at(-1) === '') lines.pop();
    // LF for the first lines, then CRLF, and a lone CR inside one line's text
    const text = lines.map((line, i) => (i === 2 ? line.replace('"in"', '"in"\r') : line) + (i < 4 ? '\n' : '\r\n')).join('');
    writeFileSync(path, Buffer.from(text, 'latin1'));
    const whole = await ingestWith(path, 128 * 1024 * 1024);
    const pieces = await ingestWith(path, 300);
    expect(pieces).toEqual(whole);
    // line ends change nothing: the counts of the LF fixture itself
    expect(whole.result).toMatchObject({ messages: 10, duplicates: 1, skipped_lines: 1, rejected: 6 });
  });
});
