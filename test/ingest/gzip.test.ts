import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Database } from '../../src/db/database.js';
import { ingestTraced, query, runCli, tempDir } from './helpers.js';

const heartbeat = (i: number) => JSON.stringify({ timestamp: `2026-03-02T10:00:${String(i % 60).padStart(2, '0')}Z`, chargeBoxId: 'CP-1', direction: 'in', message: [2, `h${i}`, 'Heartbeat', {}] }) + '\n';
const heartbeats = (n: number, from = 1) => Array.from({ length: n }, (_, i) => heartbeat(from + i)).join('');

/**
 * A gzip of `text` in stored (level 0) deflate blocks: after its 10-byte header and the 5 bytes that lead the one
 * block, the text itself, so a file cut `bytes` into the text decompresses to exactly those bytes.
 */
function storedGzipCutAt(text: string, bytes: number): Buffer {
  return gzipSync(Buffer.from(text, 'utf8'), { level: 0 }).subarray(0, 10 + 5 + bytes);
}

const cutReason = 'gzip stream cut short: the last line is incomplete';

describe('a gzip file cut short', () => {
  it('cut before its first line ends: that line is rejected, and the other files are stored', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a-good.jsonl'), heartbeats(3));
    const line = heartbeat(1);
    // the cut falls after the frame's key, so the format is still told from what is left
    writeFileSync(join(dir, 'b-cut.jsonl.gz'), storedGzipCutAt(line, line.length - 8));
    // nothing of it decompresses at all: an empty line, cut
    writeFileSync(join(dir, 'c-empty.jsonl.gz'), gzipSync(Buffer.from(line)).subarray(0, 12));
    const db = join(dir, 'db.duckdb');
    const run = runCli(['ingest', dir, '--db', db, '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      files_ingested: 3,
      files_skipped: 0,
      messages: 3,
      status_notifications: 0,
      duplicates: 0,
      rejected: 2,
      skipped_lines: 0,
      rejects: [
        { file: join(dir, 'b-cut.jsonl.gz'), line: 1, reason: cutReason },
        { file: join(dir, 'c-empty.jsonl.gz'), line: 1, reason: cutReason },
      ],
      stored: true,
    });
    expect(await query(db, 'select f.format, f.lines, f.rejected, r.raw from files f join rejects r using (file_id) order by f.path')).toEqual([
      { format: 'ocpp-jsonl', lines: 1, rejected: 1, raw: line.slice(0, -8) },
      { format: 'ocpp-jsonl', lines: 1, rejected: 1, raw: null },
    ]);
  });

  it('cut too early to tell its format: an error that says how to read it, and with --format its line is rejected', async () => {
    const dir = tempDir();
    const cut = join(dir, 'cut.jsonl.gz');
    writeFileSync(cut, storedGzipCutAt(heartbeat(1), 10));
    const db = join(dir, 'db.duckdb');
    const run = runCli(['ingest', cut, '--db', db, '--json']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `error: cannot recognise the format of ${cut}: its gzip stream is cut short before its first lines end, so too little of it is left to tell.\n` +
        'Pass --format to store what is left (the line it is cut in is then rejected), or leave the file out of the inputs.\n',
    );
    const given = runCli(['ingest', cut, '--db', db, '--json', '--format', 'ocpp-jsonl']);
    expect(given.status).toBe(0);
    expect(JSON.parse(given.stdout)).toMatchObject({ messages: 0, rejected: 1, rejects: [{ file: cut, line: 1, reason: cutReason }] });
    expect(await query(db, 'select line_no, raw from rejects')).toEqual([{ line_no: 1, raw: '{"timestam' }]);
  });

  it('cut at a line end: the lines before it are all stored, and the empty line it is cut in is rejected', async () => {
    const dir = tempDir();
    const cut = join(dir, 'cut.jsonl.gz');
    writeFileSync(cut, storedGzipCutAt(heartbeats(3), heartbeats(2).length));
    const { result, stored } = await ingestTraced([cut]);
    expect(result).toMatchObject({ messages: 2, rejected: 1, skipped_lines: 0, duplicates: 0 });
    expect(result.rejects).toEqual([{ file: cut, line: 3, reason: cutReason }]);
    expect(stored.files).toMatchObject([{ lines: 3, messages: 2, rejected: 1 }]);
    expect(stored.rejects).toEqual([{ file_id: 1, line_no: 3, reason: cutReason, raw: null }]);
  });

  it('a SteVe log cut inside a line that is not a frame: that line is rejected, not the frame before it', async () => {
    const dir = tempDir();
    const log =
      '[INFO ] 2026-03-05 10:00:00,000 de.rwth.idsg.steve.ocpp.ws.WebSocketLogger (qtp-1) - [chargeBoxId=cp001, sessionId=1] Received: [2,"a1","Heartbeat",{}]\n' +
      '[INFO ] 2026-03-05 10:00:00,010 de.rwth.idsg.steve.ocpp.ws.WebSocketLogger (qtp-1) - [chargeBoxId=cp001, sessionId=1] Sending: [3,"a1",{"currentTime":"2026-03-05T10:00:00Z"}]\n' +
      '[INFO ] 2026-03-05 10:05:00,000 de.rwth.idsg.steve.SteveApplication (main) - Shutting down\n';
    const cut = join(dir, 'steve.log.gz');
    writeFileSync(cut, storedGzipCutAt(log, log.length - 10));
    const { result, messages } = await ingestTraced([cut]);
    expect(result).toMatchObject({ messages: 2, rejected: 1, skipped_lines: 0 });
    expect(result.rejects).toEqual([{ file: cut, line: 3, reason: cutReason }]);
    expect(messages).toEqual([
      { file_id: 1, line_no: 1, unique_id: 'a1', action: 'Heartbeat' },
      { file_id: 1, line_no: 2, unique_id: 'a1', action: 'Heartbeat' },
    ]);
  });
});

describe('a gzip file with bytes after its gzip data', () => {
  const trailingReason = (bytes: number) => `${bytes} bytes after the end of the gzip data, not gzip: not read`;

  it('stores every line of its gzip data, and rejects the bytes after it as one more line', async () => {
    const dir = tempDir();
    const trailing = join(dir, 'trailing.jsonl.gz');
    writeFileSync(trailing, Buffer.concat([gzipSync(heartbeats(3)), Buffer.from('trailing')]));
    // two gzip members, as cat a.gz b.gz makes, and a plain line after them
    const members = join(dir, 'members.jsonl.gz');
    writeFileSync(members, Buffer.concat([gzipSync(heartbeats(2)), gzipSync(heartbeats(1, 3)), Buffer.from('plain\n')]));
    const db = join(dir, 'db.duckdb');
    const run = runCli(['ingest', trailing, members, '--db', db, '--json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      files_ingested: 2,
      messages: 3,
      duplicates: 3,
      rejected: 2,
      rejects: [
        { file: trailing, line: 4, reason: trailingReason(8) },
        { file: members, line: 4, reason: trailingReason(6) },
      ],
    });
    expect(await query(db, 'select f.lines, f.messages, f.duplicates, f.rejected, r.raw from files f join rejects r using (file_id) order by file_id')).toEqual([
      { lines: 4, messages: 3, duplicates: 0, rejected: 1, raw: 'trailing' },
      { lines: 4, messages: 0, duplicates: 3, rejected: 1, raw: 'plain\n' },
    ]);
    expect(runCli(['ingest', trailing, '--db', db, '--strict']).status).toBe(0);
    const strict = runCli(['ingest', members, '--db', join(dir, 'strict.duckdb'), '--strict', '--json']);
    expect(strict.status).toBe(3);
  });

  it('cut in pieces: the lines are those of the file without the bytes after its data, none lost or read twice', async () => {
    const dir = tempDir();
    const text = heartbeats(3000);
    const plain = join(dir, 'plain.jsonl');
    writeFileSync(plain, text);
    const gz = join(dir, 'trailing.jsonl.gz');
    const bytes = Buffer.concat([gzipSync(text), Buffer.from('x'.repeat(1000))]);
    writeFileSync(gz, bytes);
    const pieces = { pieceBytes: 16 * 1024 };
    const expected = await ingestTraced([plain], pieces);
    const { result, stored } = await ingestTraced([gz], pieces);
    expect(result).toMatchObject({ messages: 3000, rejected: 1, duplicates: 0, skipped_lines: 0 });
    expect(result.rejects).toEqual([{ file: gz, line: 3001, reason: trailingReason(1000) }]);
    const withoutSource = (rows: Record<string, unknown>[]) => rows.map(({ file_id: _f, ...row }) => row);
    expect(withoutSource(stored.messages)).toEqual(withoutSource(expected.stored.messages));
    expect(stored.rejects).toEqual([{ file_id: 1, line_no: 3001, reason: trailingReason(1000), raw: 'x'.repeat(500) }]);
    // hashed while it was cut: every byte of it, those after the gzip data too
    expect(stored.files).toMatchObject([{ sha256: createHash('sha256').update(bytes).digest('hex'), lines: 3001, messages: 3000, rejected: 1 }]);
  });
});

describe('a gzip file padded after its gzip data', () => {
  it('with zeros, as gzip -d reads it: every line stored and nothing rejected, whole or cut in pieces', async () => {
    const dir = tempDir();
    const padded = join(dir, 'padded.jsonl.gz');
    writeFileSync(padded, Buffer.concat([gzipSync(heartbeats(3000)), Buffer.alloc(3 << 20)]));
    for (const config of [{}, { pieceBytes: 16 * 1024 }]) {
      const { result, stored } = await ingestTraced([padded], config);
      expect(result).toMatchObject({ messages: 3000, rejected: 0, duplicates: 0, skipped_lines: 0 });
      expect(stored.files).toMatchObject([{ lines: 3000, messages: 3000, rejected: 0 }]);
    }
  });

  it('with zeros and then other bytes, over more than one read of the file: those bytes are rejected, and the run ends', async () => {
    const dir = tempDir();
    const junk = join(dir, 'junk.jsonl.gz');
    writeFileSync(junk, Buffer.concat([gzipSync(heartbeats(3000)), Buffer.alloc(10), Buffer.from('junk'.repeat(3 << 18))]));
    const reason = `${10 + 4 * (3 << 18)} bytes after the end of the gzip data, not gzip: not read`;
    for (const config of [{}, { pieceBytes: 16 * 1024 }]) {
      const { result, stored } = await ingestTraced([junk], config);
      expect(result).toMatchObject({ messages: 3000, rejected: 1, rejects: [{ file: junk, line: 3001, reason }] });
      expect(stored.rejects).toEqual([{ file_id: 1, line_no: 3001, reason, raw: '\u0000'.repeat(10) + 'junk'.repeat(122) + 'ju' }]);
    }
  });
});

describe('damaged gzip files among small ones, which are staged together', () => {
  it('each is staged alone, and the others together: every line of each accounted for', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.jsonl.gz'), gzipSync(heartbeats(3, 1)));
    writeFileSync(join(dir, 'b.jsonl.gz'), Buffer.concat([gzipSync(heartbeats(2, 4)), Buffer.from('junk')]));
    writeFileSync(join(dir, 'c.jsonl.gz'), storedGzipCutAt(heartbeats(3, 6), heartbeats(2, 6).length));
    writeFileSync(join(dir, 'd.jsonl.gz'), gzipSync(heartbeats(1, 9)));
    writeFileSync(join(dir, 'e.jsonl.gz'), gzipSync(heartbeats(1, 10)));
    const { result, messages } = await ingestTraced([dir]);
    expect(result).toMatchObject({ files_ingested: 5, messages: 9, rejected: 2, duplicates: 0, skipped_lines: 0 });
    expect(result.rejects).toEqual([
      { file: join(dir, 'b.jsonl.gz'), line: 3, reason: '4 bytes after the end of the gzip data, not gzip: not read' },
      { file: join(dir, 'c.jsonl.gz'), line: 3, reason: cutReason },
    ]);
    expect(messages.map(({ file_id, line_no, unique_id }) => [file_id, line_no, unique_id])).toEqual([
      [1, 1, 'h1'], [1, 2, 'h2'], [1, 3, 'h3'],
      [2, 1, 'h4'], [2, 2, 'h5'],
      [3, 1, 'h6'], [3, 2, 'h7'],
      [4, 1, 'h9'],
      [5, 1, 'h10'],
    ]);
  });
});

describe('gzip member headers', () => {
  it('a gzip member header with a file name and a comment is read past', async () => {
    // FLG.FNAME | FLG.FCOMMENT (RFC 1952): a name and a comment, each ended by NUL, between the header and the data
    const deflated = gzipSync(heartbeats(2));
    const withFields = Buffer.concat([deflated.subarray(0, 3), Buffer.from([0x18]), deflated.subarray(4, 10), Buffer.from('day.jsonl\0exported\0'), deflated.subarray(10), Buffer.from('!!')]);
    const dir = tempDir();
    const gz = join(dir, 'named.jsonl.gz');
    writeFileSync(gz, withFields);
    const db = await Database.open(':memory:');
    try {
      const { result } = await ingestTraced([gz], {}, db);
      expect(result).toMatchObject({ messages: 2, rejected: 1, rejects: [{ file: gz, line: 3, reason: '2 bytes after the end of the gzip data, not gzip: not read' }] });
    } finally {
      db.close();
    }
  });
});
