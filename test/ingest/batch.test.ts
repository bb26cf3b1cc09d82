import { afterEach, describe, expect, it, vi } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Database } from '../../src/db/database.js';
import { ingestFiles } from '../../src/ingest/ingest.js';
import { generateFleet } from '../../bench/generate.js';
import { ingestTraced, tempDir } from './helpers.js';

const frameLine = (second: number, station: string, direction: string, message: unknown[]) =>
  JSON.stringify({ timestamp: new Date(Date.UTC(2026, 2, 2, 10) + second * 1000).toISOString(), chargeBoxId: station, direction, message });
const heartbeat = (second: number, station = 'CP-1') => frameLine(second, station, 'in', [2, `h${second}`, 'Heartbeat', {}]);

afterEach(() => vi.restoreAllMocks());

/** The lines of a generated fleet of 6,000 messages from 10 stations, in a new temporary folder. */
async function fleetLines(seed: number): Promise<{ dir: string; lines: string[] }> {
  const dir = tempDir();
  const fleet = join(dir, 'fleet.jsonl');
  await generateFleet({ messages: 6000, seed, stations: 10, out: fleet });
  return { dir, lines: readFileSync(fleet, 'utf8').trimEnd().split('\n') };
}

describe('small JSON-lines files in one run', () => {
  it('are read as one piece and store what each stores alone: line numbers, overlaps, pairs across files, a copy skipped', async () => {
    const { dir, lines } = await fleetLines(5);
    // four consecutive exports, each repeating the last 10 lines of the one before it; part-1b is a copy of part-1
    const exports = join(dir, 'exports');
    const parts = [lines.slice(0, 1500), lines.slice(1490, 3000), lines.slice(2990, 4500), lines.slice(4490)];
    mkdirSync(exports);
    parts.forEach((part, i) => writeFileSync(join(exports, `part-${i}.jsonl`), part.join('\n') + '\n'));
    copyFileSync(join(exports, 'part-1.jsonl'), join(exports, 'part-1b.jsonl'));

    const batched = await ingestTraced([exports]);
    expect(batched).toMatchObject({ directPieces: 1, linePieces: 0 });
    expect(batched.result).toMatchObject({ files_ingested: 4, files_skipped: 1, messages: 6000, duplicates: 30, rejected: 0, skipped_lines: 0 });
    expect(batched.result.files.map((f) => [f.path.slice(exports.length + 1), f.status, f.lines, f.messages, f.duplicates])).toEqual([
      ['part-0.jsonl', 'ingested', 1500, 1500, 0],
      ['part-1.jsonl', 'ingested', 1510, 1500, 10],
      ['part-1b.jsonl', 'skipped', 0, 0, 0],
      ['part-2.jsonl', 'ingested', 1510, 1500, 10],
      ['part-3.jsonl', 'ingested', 1510, 1500, 10],
    ]);
    // each file's lines are its own: the repeated first 10 of parts 1-3 are duplicates, so their lines start at 11
    const spans = new Map<number, [number, number, number]>();
    for (const m of batched.messages) {
      const [first, last, n] = spans.get(m.file_id) ?? [Infinity, 0, 0];
      spans.set(m.file_id, [Math.min(first, m.line_no), Math.max(last, m.line_no), n + 1]);
    }
    expect([...spans]).toEqual([
      [1, [1, 1500, 1500]],
      [2, [11, 1510, 1500]],
      [3, [11, 1510, 1500]],
      [4, [11, 1510, 1500]],
    ]);

    // the line-by-line path takes each file alone, one after the other: every table and column the same
    const oneByOne = await ingestTraced([exports], { readJsonDirectly: false });
    expect(oneByOne).toMatchObject({ directPieces: 0, linePieces: 4 });
    expect(batched.stored).toEqual(oneByOne.stored);
    expect(batched.result).toEqual(oneByOne.result);
  });

  it('are staged in several batches when they hold more than a piece, each file numbered on its own', async () => {
    const { dir, lines } = await fleetLines(6);
    const exports = join(dir, 'exports');
    mkdirSync(exports);
    const sizes: number[] = [];
    for (let i = 0; i < 8; i++) {
      const text = lines.slice(i * 750, (i + 1) * 750).join('\n') + '\n';
      writeFileSync(join(exports, `part-${i}.jsonl`), text);
      sizes.push(Buffer.byteLength(text));
    }
    // 320 KB pieces: a file of up to 160 KB may join a batch, and two of these files fit in one, three do not
    const pieceBytes = 320 * 1024;
    expect(sizes.every((size) => size <= pieceBytes / 2 && size * 3 > pieceBytes)).toBe(true);

    const batched = await ingestTraced([exports], { pieceBytes });
    expect(batched).toMatchObject({ directPieces: 4, linePieces: 0 });
    expect(batched.result).toMatchObject({ files_ingested: 8, messages: 6000, duplicates: 0 });
    const oneByOne = await ingestTraced([exports], { pieceBytes, readJsonDirectly: false });
    expect(oneByOne).toMatchObject({ directPieces: 0, linePieces: 8 });
    expect(batched.stored).toEqual(oneByOne.stored);
  });

  it('pair an answer with its CALL in another file of the batch, earlier or later in the run', async () => {
    const dir = tempDir();
    // a.jsonl: a Reset sent at 10:00:00, and the answer to an UnlockConnector whose CALL is in b.jsonl;
    // b.jsonl: the Reset's answer, and the UnlockConnector sent a second before its answer
    writeFileSync(join(dir, 'a.jsonl'), [
      frameLine(0, 'CP-1', 'out', [2, 'r1', 'Reset', { type: 'Soft' }]),
      frameLine(61, 'CP-1', 'in', [3, 'u1', { status: 'Unlocked' }]),
    ].join('\n') + '\n');
    writeFileSync(join(dir, 'b.jsonl'), [
      frameLine(1, 'CP-1', 'in', [3, 'r1', { status: 'Accepted' }]),
      frameLine(60, 'CP-1', 'out', [2, 'u1', 'UnlockConnector', { connectorId: 1 }]),
      heartbeat(62),
    ].join('\n') + '\n');
    const batched = await ingestTraced([dir]);
    expect(batched.directPieces).toBe(1);
    expect(batched.messages).toEqual([
      { file_id: 1, line_no: 1, unique_id: 'r1', action: 'Reset' },
      { file_id: 1, line_no: 2, unique_id: 'u1', action: 'UnlockConnector' },
      { file_id: 2, line_no: 1, unique_id: 'r1', action: 'Reset' },
      { file_id: 2, line_no: 2, unique_id: 'u1', action: 'UnlockConnector' },
      { file_id: 2, line_no: 3, unique_id: 'h62', action: 'Heartbeat' },
    ]);
    // ordered by station, then connector (a Reset names none)
    expect(batched.stored.remote_commands).toMatchObject([
      { action: 'UnlockConnector', connector_id: 1, unique_id: 'u1', outcome: 'Unlocked' },
      { action: 'Reset', connector_id: null, unique_id: 'r1', outcome: 'Accepted' },
    ]);
  });

  it('are each ingested alone when one of them has a line the JSON reader path cannot take, that line read line by line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.jsonl'), [heartbeat(0), heartbeat(1), heartbeat(2)].join('\n') + '\n');
    // a blank line and a cut-off line between two heartbeats
    writeFileSync(join(dir, 'b.jsonl'), [heartbeat(3), '', '{"timestamp":"2026-03-02T10:00:05Z","chargeBoxId":', heartbeat(6)].join('\n') + '\n');
    writeFileSync(join(dir, 'c.jsonl'), [heartbeat(7), heartbeat(8)].join('\n') + '\n');
    const run = await ingestTraced([dir]);
    // a; b alone, its cut-off line line by line beside the reader's rows; c
    expect(run).toMatchObject({ directPieces: 3, linePieces: 1 });
    expect(run.result).toMatchObject({ files_ingested: 3, messages: 7, skipped_lines: 1, rejected: 1, duplicates: 0 });
    expect(run.result.rejects).toEqual([{ file: join(dir, 'b.jsonl'), line: 3, reason: 'invalid JSON' }]);
    expect(run.messages.map((m) => [m.file_id, m.line_no, m.unique_id])).toEqual([
      [1, 1, 'h0'], [1, 2, 'h1'], [1, 3, 'h2'],
      [2, 1, 'h3'], [2, 4, 'h6'],
      [3, 1, 'h7'], [3, 2, 'h8'],
    ]);
  });

  it('stage the files around one the JSON reader path cannot take in batches again, that one alone', async () => {
    const dir = tempDir();
    const write = (name: string, lines: string[]) => writeFileSync(join(dir, name), lines.join('\n') + '\n');
    write('a.jsonl', [heartbeat(0), heartbeat(1)]);
    write('b.jsonl', [heartbeat(2)]);
    // a line over 1 MB (a DataTransfer): well-formed, but for the line-by-line path
    write('c.jsonl', [heartbeat(3), JSON.stringify({ timestamp: '2026-03-02T10:00:04Z', chargeBoxId: 'CP-1', direction: 'in', message: [2, 'h4', 'DataTransfer', { vendorId: 'x', data: 'y'.repeat(1100 * 1024) }] })]);
    write('d.jsonl', [heartbeat(5), heartbeat(6), heartbeat(7)]);
    write('e.jsonl', [heartbeat(8), heartbeat(9), heartbeat(10), heartbeat(11)]);
    const run = await ingestTraced([dir]);
    // a and b together, c alone and line by line, d and e together
    expect(run).toMatchObject({ directPieces: 2, linePieces: 1 });
    expect(run.result).toMatchObject({ files_ingested: 5, messages: 12, rejected: 0, skipped_lines: 0 });
    expect(run.messages.map((m) => [m.file_id, m.line_no, m.unique_id])).toEqual([
      [1, 1, 'h0'], [1, 2, 'h1'],
      [2, 1, 'h2'],
      [3, 1, 'h3'], [3, 2, 'h4'],
      [4, 1, 'h5'], [4, 2, 'h6'], [4, 3, 'h7'],
      [5, 1, 'h8'], [5, 2, 'h9'], [5, 3, 'h10'], [5, 4, 'h11'],
    ]);
  });

  it('batch files whose lines use the same keys, and read each batch with its keys', async () => {
    const dir = tempDir();
    const write = (name: string, lines: string[]) => writeFileSync(join(dir, name), lines.join('\n') + '\n');
    const renamed = (second: number) => {
      const { timestamp, chargeBoxId, direction, message } = JSON.parse(heartbeat(second)) as Record<string, unknown>;
      return JSON.stringify({ receivedAt: timestamp, chargePointId: chargeBoxId, direction, frame: JSON.stringify(message) });
    };
    write('a.jsonl', [heartbeat(0), heartbeat(1)]);
    write('b.jsonl', [renamed(2)]);
    write('c.jsonl', [renamed(3), renamed(4)]);
    write('d.jsonl', [heartbeat(5)]);
    const run = await ingestTraced([dir]);
    // a, then b and c together, then d
    expect(run).toMatchObject({ directPieces: 3, linePieces: 0 });
    expect(run.result).toMatchObject({ files_ingested: 4, messages: 6, rejected: 0, skipped_lines: 0 });
    expect(run.messages.map((m) => [m.file_id, m.line_no, m.unique_id])).toEqual([
      [1, 1, 'h0'], [1, 2, 'h1'],
      [2, 1, 'h2'],
      [3, 1, 'h3'], [3, 2, 'h4'],
      [4, 1, 'h5'],
    ]);
  });

  it('batch gzip files with gzip files, keep a file ingested by an earlier run in its place, and number each file', async () => {
    const dir = tempDir();
    const gz = (name: string, lines: string[]) => writeFileSync(join(dir, name), gzipSync(lines.join('\n') + '\n'));
    gz('a.jsonl.gz', [heartbeat(0, 'CP-A'), heartbeat(1, 'CP-A')]);
    gz('b.jsonl.gz', [heartbeat(2, 'CP-B'), heartbeat(3, 'CP-B'), heartbeat(4, 'CP-B')]);
    writeFileSync(join(dir, 'c.jsonl'), [heartbeat(5, 'CP-C')].join('\n') + '\n');
    writeFileSync(join(dir, 'd.jsonl'), [heartbeat(6, 'CP-D'), heartbeat(7, 'CP-D')].join('\n') + '\n');
    const db = await Database.open(':memory:');
    try {
      // an earlier run ingested c.jsonl
      await ingestFiles(db, [join(dir, 'c.jsonl')], { format: 'auto', tz: 'UTC', strict: false });
      const run = await ingestTraced([dir], {}, db);
      // a and b as one piece, then d alone (c is skipped; a piece of one file is read like any file)
      expect(run).toMatchObject({ directPieces: 2, linePieces: 0 });
      expect(run.result.files.map((f) => [f.path.slice(dir.length + 1), f.status, f.messages])).toEqual([
        ['a.jsonl.gz', 'ingested', 2],
        ['b.jsonl.gz', 'ingested', 3],
        ['c.jsonl', 'skipped', 0],
        ['d.jsonl', 'ingested', 2],
      ]);
      expect(run.messages.map((m) => [m.file_id, m.line_no, m.unique_id])).toEqual([
        [1, 1, 'h5'],
        [2, 1, 'h0'], [2, 2, 'h1'],
        [3, 1, 'h2'], [3, 2, 'h3'], [3, 3, 'h4'],
        [4, 1, 'h6'], [4, 2, 'h7'],
      ]);
      expect(run.stored.files.map((f) => [f['file_id'], String(f['path']).slice(dir.length + 1), f['lines']])).toEqual([
        [1, 'c.jsonl', 1],
        [2, 'a.jsonl.gz', 2],
        [3, 'b.jsonl.gz', 3],
        [4, 'd.jsonl', 2],
      ]);
    } finally {
      db.close();
    }
  });
});
