import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { Database } from '../../src/db/database.js';
import { ingestFiles } from '../../src/ingest/ingest.js';
import type { IngestConfig } from '../../src/ingest/config.js';
import { generateFleet } from '../../bench/generate.js';
import { ingestTraced, tempDir } from './helpers.js';
import { movedPastEmptyLines, readableLines } from '../../src/ingest/stage.js';

/** Ingests `path` and returns what was stored, with how many pieces the JSON reader took. */
async function ingestWith(path: string, config: Partial<IngestConfig>) {
  const run = await ingestTraced([path], config);
  return { ...run, result: { ...run.result, files: [] } };
}

const heartbeat = (second: number) =>
  JSON.stringify({ timestamp: new Date(Date.UTC(2026, 2, 2, 10) + second * 1000).toISOString(), chargeBoxId: 'CP-1', direction: 'in', message: [2, `h${second}`, 'Heartbeat', {}] });

afterEach(() => vi.restoreAllMocks());

describe("DuckDB's JSON reader on clean JSON lines", () => {
  it('stores exactly what the line-by-line path stores, every table and column, whole and in pieces', async () => {
    const dir = tempDir();
    const path = join(dir, 'fleet.jsonl');
    await generateFleet({ messages: 15000, seed: 3, stations: 10, out: path });

    const lineByLine = await ingestWith(path, { readJsonDirectly: false });
    expect(lineByLine).toMatchObject({ directPieces: 0, linePieces: 1 });
    expect(lineByLine.result).toMatchObject({ messages: 15000, rejected: 0, skipped_lines: 0 });

    const direct = await ingestWith(path, {});
    expect(direct).toMatchObject({ directPieces: 1, linePieces: 0 });
    expect(direct.stored).toEqual(lineByLine.stored);
    expect(direct.result).toEqual(lineByLine.result);

    const pieces = await ingestWith(path, { pieceBytes: 64 * 1024 });
    // 2.8 MB in 64 KB pieces
    expect(pieces.directPieces).toBeGreaterThan(40);
    expect(pieces.linePieces).toBe(0);
    expect(pieces.stored).toEqual(lineByLine.stored);
  });

  it('reads a gzip file directly', async () => {
    const dir = tempDir();
    const plain = join(dir, 'fleet.jsonl');
    await generateFleet({ messages: 2000, seed: 4, stations: 10, out: plain });
    const gz = join(dir, 'fleet.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(plain)));
    const fromGzip = await ingestWith(gz, {});
    expect(fromGzip.directPieces).toBe(1);
    const fromPlain = await ingestWith(plain, { readJsonDirectly: false });
    expect(fromGzip.stored.messages).toEqual(fromPlain.stored.messages);
    expect(fromGzip.stored.status_notifications).toEqual(fromPlain.stored.status_notifications);
  });

  it('reads the unusual lines of a piece line by line, beside the JSON reader\u2019s rows of its other lines', async () => {
    // 24,000 heartbeats (about 3 MB); in the middle: a blank line, an alias key, a frame sent as a JSON string,
    // broken JSON and a direction that is neither in nor out
    const lines = Array.from({ length: 24000 }, (_, i) => heartbeat(i));
    lines.splice(12000, 0,
      '',
      JSON.stringify({ receivedAt: '2026-03-02T11:00:00Z', chargeBoxId: 'CP-1', direction: 'in', message: [2, 'a', 'Heartbeat', {}] }),
      JSON.stringify({ timestamp: '2026-03-02T11:00:01Z', chargeBoxId: 'CP-1', direction: 'in', message: JSON.stringify([2, 'b', 'Heartbeat', {}]) }),
      '{"timestamp":"2026-03-02T11:00:02Z","chargeBoxId":"CP-1",',
      JSON.stringify({ timestamp: '2026-03-02T11:00:03Z', chargeBoxId: 'CP-1', direction: 'sideways', message: [2, 'c', 'Heartbeat', {}] }),
    );
    const path = join(tempDir(), 'mixed.jsonl');
    writeFileSync(path, lines.join('\n') + '\n');

    // 1 MB pieces: the first and the last are clean, the middle one holds the unusual lines, which alone are read
    // line by line
    const pieces = await ingestWith(path, { pieceBytes: 1024 * 1024 });
    expect(pieces).toMatchObject({ directPieces: 3, linePieces: 1 });
    expect(pieces.result).toMatchObject({ messages: 24002, skipped_lines: 1, rejected: 2, duplicates: 0 });
    expect(pieces.stored.rejects).toMatchObject([
      { line_no: 12004, reason: 'invalid JSON' },
      { line_no: 12005, reason: 'direction is neither in nor out: sideways' },
    ]);
    const lineByLine = await ingestWith(path, { readJsonDirectly: false });
    expect(pieces.stored).toEqual(lineByLine.stored);
  });
});

describe('frames of the wrong shape', () => {
  it('are rejected with the same reason by both paths (a null unique id, action or error code too); a null payload or a numeric unique id is kept', async () => {
    const frames: unknown[][] = [
      [2, 'a', 'Heartbeat', {}],
      [2, 'b', 'Heartbeat', 'not an object'],
      [2, 'c', 'Heartbeat', [1]],
      [2, 'd', 'Heartbeat', null],
      [2, { id: 'e' }, 'Heartbeat', {}],
      [2, 42, 'Heartbeat', {}],
      [2, 'f', 7, {}],
      [4, 'g', 7, 'description', {}],
      [4, 'h', 'GenericError', 'description', {}],
      [2, true, 'Heartbeat', {}],
      // a string that reads like an object is still a string
      [2, 'i', 'Heartbeat', '{"connectorId":1}'],
      // JSON nulls where a text must be (these failed the whole run: no unique id to store)
      [2, null, 'Heartbeat', {}],
      [3, null, {}],
      [2, 'j', null, {}],
      [4, 'k', null, 'description', {}],
    ];
    const lines = frames.map((message, i) => JSON.stringify({ timestamp: `2026-03-02T10:00:${String(i).padStart(2, '0')}Z`, chargeBoxId: 'CP-1', direction: 'in', message }));
    const path = join(tempDir(), 'shapes.jsonl');
    writeFileSync(path, lines.join('\n') + '\n');

    const direct = await ingestWith(path, {});
    expect(direct).toMatchObject({ directPieces: 1, linePieces: 0 });
    expect(direct.stored.rejects.map((r) => [(r as { line_no: number }).line_no, (r as { reason: string }).reason])).toEqual([
      [2, 'CALL must be [2, uniqueId, action, {payload}]'],
      [3, 'CALL must be [2, uniqueId, action, {payload}]'],
      [5, 'frame is not an OCPP-J array: unique id must be a string'],
      [7, 'CALL must be [2, uniqueId, action, {payload}]'],
      [8, 'CALLERROR must be [4, uniqueId, errorCode, errorDescription, {errorDetails}]'],
      [10, 'frame is not an OCPP-J array: unique id must be a string'],
      [11, 'CALL must be [2, uniqueId, action, {payload}]'],
      [12, 'frame is not an OCPP-J array: unique id must be a string'],
      [13, 'frame is not an OCPP-J array: unique id must be a string'],
      [14, 'CALL must be [2, uniqueId, action, {payload}]'],
      [15, 'CALLERROR must be [4, uniqueId, errorCode, errorDescription, {errorDetails}]'],
    ]);
    expect(direct.stored.messages.map((m) => [(m as { line_no: number }).line_no, (m as { unique_id: string }).unique_id])).toEqual([
      [1, 'a'],
      [4, 'd'],
      [6, '42'],
      [9, 'h'],
    ]);
    const lineByLine = await ingestWith(path, { readJsonDirectly: false });
    expect(lineByLine.linePieces).toBe(1);
    expect(lineByLine.stored).toEqual(direct.stored);
  });
});

describe('an answer stored before its CALL', () => {
  it('takes the CALL’s action when a later run brings the CALL; older orphans stay as they are', async () => {
    const line = (time: string, direction: string, message: unknown[]) => JSON.stringify({ timestamp: time, chargeBoxId: 'CP-1', direction, message });
    const dir = tempDir();
    const answers = join(dir, 'answers.jsonl');
    writeFileSync(answers, [
      // an orphan from a day earlier: its CALL is in no export
      line('2026-03-01T09:00:00Z', 'in', [3, 'old', {}]),
      line('2026-03-02T10:00:02Z', 'in', [3, 'u1', { status: 'Unlocked' }]),
    ].join('\n') + '\n');
    const calls = join(dir, 'calls.jsonl');
    writeFileSync(calls, line('2026-03-02T10:00:00Z', 'out', [2, 'u1', 'UnlockConnector', { connectorId: 1 }]) + '\n');

    const db = await Database.open(':memory:');
    try {
      const options = { format: 'auto' as const, tz: 'UTC', strict: false };
      await ingestFiles(db, [answers], options);
      await ingestFiles(db, [calls], options);
      expect(await db.all(`select unique_id, message_type, action, direction from messages order by received_at`)).toEqual([
        { unique_id: 'old', message_type: 3, action: null, direction: 'in' },
        { unique_id: 'u1', message_type: 2, action: 'UnlockConnector', direction: 'out' },
        { unique_id: 'u1', message_type: 3, action: 'UnlockConnector', direction: 'in' },
      ]);
      expect(await db.all(`select action, outcome from remote_commands`)).toEqual([{ action: 'UnlockConnector', outcome: 'Unlocked' }]);
    } finally {
      db.close();
    }
  });
});

describe('the messages the derived tables read (derived_messages)', () => {
  /** derived_messages, and what derived_message() takes from every message stored now: the two must agree */
  const derived = async (db: Database) => ({
    kept: await db.all(`select file_id, line_no::integer as line_no, action, direction from derived_messages order by all`),
    taken: await db.all(`select file_id, line_no::integer as line_no, action, direction from messages where derived_message(action, message_type, direction) order by all`),
  });

  it('take in an answer stored before its CALL once a later run pairs it, and its transaction gets its id', async () => {
    const line = (time: string, direction: string, message: unknown[]) => JSON.stringify({ timestamp: time, chargeBoxId: 'CP-1', direction, message });
    const dir = tempDir();
    // the central system's answer first: with no CALL, no action, and as an answer sent out, nothing the derived tables read
    const answers = join(dir, 'answers.jsonl');
    writeFileSync(answers, line('2026-03-02T10:00:01Z', 'out', [3, 's1', { transactionId: 42, idTagInfo: { status: 'Accepted' } }]) + '\n');
    const calls = join(dir, 'calls.jsonl');
    writeFileSync(calls, [
      line('2026-03-02T10:00:00Z', 'in', [2, 's1', 'StartTransaction', { connectorId: 1, idTag: 'TAG', meterStart: 0, timestamp: '2026-03-02T10:00:00Z' }]),
      line('2026-03-02T11:00:00Z', 'in', [2, 's2', 'StopTransaction', { transactionId: 42, meterStop: 5000, timestamp: '2026-03-02T11:00:00Z', reason: 'Remote' }]),
    ].join('\n') + '\n');

    const db = await Database.open(':memory:');
    try {
      const options = { format: 'auto' as const, tz: 'UTC', strict: false };
      await ingestFiles(db, [answers], options);
      expect(await derived(db)).toEqual({ kept: [], taken: [] });
      await ingestFiles(db, [calls], options);
      const expected = [
        { file_id: 1, line_no: 1, action: 'StartTransaction', direction: 'out' },
        { file_id: 2, line_no: 1, action: 'StartTransaction', direction: 'in' },
        { file_id: 2, line_no: 2, action: 'StopTransaction', direction: 'in' },
      ];
      expect(await derived(db)).toEqual({ kept: expected, taken: expected });
      expect(await db.all(`select connector_id, transaction_id::integer as transaction_id, id_tag, id_tag_status, stop_reason, meter_start::integer as meter_start, meter_stop::integer as meter_stop from transactions`)).toEqual([
        { connector_id: 1, transaction_id: 42, id_tag: 'TAG', id_tag_status: 'Accepted', stop_reason: 'Remote', meter_start: 0, meter_stop: 5000 },
      ]);
    } finally {
      db.close();
    }
  });
});

describe('an answer whose id a stored CALL and a CALL of its own file both use', () => {
  const line = (time: string, direction: string, message: unknown[]) => JSON.stringify({ timestamp: time, chargeBoxId: 'CP-1', direction, message });
  // chargers reuse ids: the stored export holds an Authorize with id 7 at 10:00:05, the new one a Heartbeat with id 7
  // at 10:00:00 and the answer at 10:00:06, which answers the latest CALL before it: the stored Authorize
  const writeExports = () => {
    const dir = tempDir();
    const stored = join(dir, 'a-stored.jsonl');
    writeFileSync(stored, line('2026-03-02T10:00:05Z', 'in', [2, '7', 'Authorize', { idTag: 'TAG1' }]) + '\n');
    const later = join(dir, 'b-later.jsonl');
    writeFileSync(later, [
      line('2026-03-02T10:00:00Z', 'in', [2, '7', 'Heartbeat', {}]),
      line('2026-03-02T10:00:06Z', 'out', [3, '7', { idTagInfo: { status: 'Accepted' } }]),
    ].join('\n') + '\n');
    return { stored, later };
  };
  const expected = [
    { received_at: '2026-03-02T10:00:00.000Z', message_type: 2, action: 'Heartbeat' },
    { received_at: '2026-03-02T10:00:05.000Z', message_type: 2, action: 'Authorize' },
    { received_at: '2026-03-02T10:00:06.000Z', message_type: 3, action: 'Authorize' },
  ];
  const stored = (db: Database) => db.all(`select strftime(received_at, '%Y-%m-%dT%H:%M:%S.%g') || 'Z' as received_at, message_type, action from messages order by received_at`);
  const options = { format: 'auto' as const, tz: 'UTC', strict: false };

  it('pairs it with the later, stored CALL when the stored export came in an earlier run', async () => {
    const { stored: first, later } = writeExports();
    const db = await Database.open(':memory:');
    try {
      await ingestFiles(db, [first], options);
      await ingestFiles(db, [later], options);
      expect(await stored(db)).toEqual(expected);
    } finally {
      db.close();
    }
  });

  it('pairs it the same when both exports come in one run', async () => {
    const { stored: first, later } = writeExports();
    const db = await Database.open(':memory:');
    try {
      await ingestFiles(db, [first, later], options);
      expect(await stored(db)).toEqual(expected);
    } finally {
      db.close();
    }
  });
});

describe('answers paired within one file', () => {
  it('take the latest CALL at or before them with their id, however often a charger reuses it', async () => {
    const line = (second: number, direction: string, message: unknown[]) =>
      JSON.stringify({ timestamp: new Date(Date.UTC(2026, 2, 2, 10, 0, second)).toISOString(), chargeBoxId: 'CP-1', direction, message });
    const dir = tempDir();
    const path = join(dir, 'reused.jsonl');
    writeFileSync(path, [
      // an answer before any CALL with its id: nothing to pair with
      line(0, 'out', [3, '1', {}]),
      // id 1 used by three CALLs, each answered before the next
      line(1, 'in', [2, '1', 'Heartbeat', {}]),
      line(2, 'out', [3, '1', { currentTime: '2026-03-02T10:00:02Z' }]),
      line(3, 'in', [2, '1', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }]),
      line(4, 'out', [3, '1', {}]),
      line(5, 'in', [2, '1', 'Authorize', { idTag: 'T' }]),
      line(6, 'out', [4, '1', 'InternalError', 'busy', {}]),
      // the same id from the central system: the charger's answer pairs with it, not with the charger's CALLs
      line(7, 'out', [2, '1', 'Reset', { type: 'Soft' }]),
      line(8, 'in', [3, '1', { status: 'Accepted' }]),
      // id 2's only CALL comes after its answer
      line(9, 'in', [3, '2', {}]),
      line(10, 'out', [2, '2', 'TriggerMessage', { requestedMessage: 'Heartbeat' }]),
    ].join('\n') + '\n');
    for (const readJsonDirectly of [true, false]) {
      const { stored } = await ingestWith(path, { readJsonDirectly });
      expect(stored.messages.map((m) => [m.line_no, m.message_type, m.action])).toEqual([
        [1, 3, null],
        [2, 2, 'Heartbeat'],
        [3, 3, 'Heartbeat'],
        [4, 2, 'StatusNotification'],
        [5, 3, 'StatusNotification'],
        [6, 2, 'Authorize'],
        [7, 4, 'Authorize'],
        [8, 2, 'Reset'],
        [9, 3, 'Reset'],
        [10, 3, null],
        [11, 2, 'TriggerMessage'],
      ]);
    }
  });
});

describe('line numbers on the JSON reader path', () => {
  it("are the file's own on a file DuckDB reads in parallel, in several row groups", async () => {
    const dir = tempDir();
    const path = join(dir, 'fleet.jsonl');
    // 300,000 lines: DuckDB reads them on every thread into several row groups (of 122,880 rows)
    await generateFleet({ messages: 300_000, seed: 3, out: path });
    const lines = readFileSync(path, 'utf8').split('\n');
    const sampled = lines
      .map((line, i) => ({ line_no: i + 1, line }))
      .filter(({ line_no }) => line_no % 997 === 0 || line_no === 1 || line_no === 300_000)
      .map(({ line_no, line }) => {
        const { timestamp, chargeBoxId } = JSON.parse(line) as { timestamp: string; chargeBoxId: string };
        return { line_no, received_at: timestamp, station_id: chargeBoxId };
      });
    const { stored, directPieces } = await ingestWith(path, {});
    expect(directPieces).toBe(1);
    const byLine = new Map(stored.messages.map((m) => [m.line_no, m]));
    const found = sampled.map(({ line_no }) => {
      const m = byLine.get(line_no) as { received_at: Date; station_id: string } | undefined;
      return { line_no, received_at: m?.received_at.toISOString(), station_id: m?.station_id };
    });
    expect(found).toEqual(sampled);
  });
});

describe('an answer whose CALL came ten minutes before it', () => {
  const line = (time: string, direction: string, message: unknown[]) => JSON.stringify({ timestamp: time, chargeBoxId: 'CP-1', direction, message });
  const call = line('2026-03-02T10:00:00Z', 'out', [2, 'r1', 'Reset', { type: 'Hard' }]);
  // heartbeats between them, so that cut into small pieces the answer's piece holds no CALL with its id
  const between = Array.from({ length: 20 }, (_, i) => line(`2026-03-02T10:0${Math.floor((i + 1) / 4)}:${String(((i + 1) % 4) * 15).padStart(2, '0')}Z`, 'in', [2, `h${i}`, 'Heartbeat', {}]));
  const answer = line('2026-03-02T10:10:00Z', 'in', [3, 'r1', { status: 'Accepted' }]);
  const resetAnswer = (db: Database) => db.all(`select action, direction from messages where unique_id = 'r1' and message_type = 3`);

  it('is paired with it when the file is cut into pieces between them (beyond the pieces\u2019 own look back)', async () => {
    const path = join(tempDir(), 'late.jsonl');
    writeFileSync(path, [call, ...between, answer].join('\n') + '\n');
    const db = await Database.open(':memory:');
    try {
      await ingestFiles(db, [path], { format: 'auto', tz: 'UTC', strict: false, config: { pieceBytes: 300 } });
      expect(await resetAnswer(db)).toEqual([{ action: 'Reset', direction: 'in' }]);
      // paired, and still an answer later than the 5 min answer timeout: the command went unanswered in time
      expect(await db.all(`select action, outcome from remote_commands`)).toEqual([{ action: 'Reset', outcome: 'no answer' }]);
    } finally {
      db.close();
    }
  });

  it('is paired with it when the CALL was stored by an earlier run', async () => {
    const dir = tempDir();
    const first = join(dir, 'call.jsonl');
    const second = join(dir, 'answer.jsonl');
    writeFileSync(first, [call, ...between].join('\n') + '\n');
    writeFileSync(second, answer + '\n');
    const db = await Database.open(':memory:');
    try {
      const options = { format: 'auto' as const, tz: 'UTC', strict: false };
      await ingestFiles(db, [first], options);
      await ingestFiles(db, [second], options);
      expect(await resetAnswer(db)).toEqual([{ action: 'Reset', direction: 'in' }]);
    } finally {
      db.close();
    }
  });
});

describe('JSON lines with the usual aliases of the keys, or frames sent as JSON strings', () => {
  /** A generated fleet log rewritten line by line with `rewrite` (each line's object and its number, from 0). */
  async function fleetAs(name: string, rewrite: (line: Record<string, unknown>, i: number) => Record<string, unknown>): Promise<string> {
    const dir = tempDir();
    const plain = join(dir, 'plain.jsonl');
    await generateFleet({ messages: 6000, seed: 5, stations: 8, out: plain });
    const lines = readFileSync(plain, 'utf8').trimEnd().split('\n');
    const path = join(dir, name);
    writeFileSync(path, lines.map((line, i) => JSON.stringify(rewrite(JSON.parse(line) as Record<string, unknown>, i))).join('\n') + '\n');
    return path;
  }

  const renamed = ({ timestamp, chargeBoxId, direction, message }: Record<string, unknown>) => ({ receivedAt: timestamp, chargePointId: chargeBoxId, direction, frame: message });
  const asText = (line: Record<string, unknown>) => ({ ...line, message: JSON.stringify(line.message) });

  it.each([
    ['other key names', renamed],
    ['frames as JSON strings', asText],
    ['both', (line: Record<string, unknown>) => ({ ...renamed(line), frame: JSON.stringify(line.message) })],
    // the first lines use both spellings: the reader reads both, taking the one the line-by-line path takes
    ['two spellings among the first lines', (line: Record<string, unknown>, i: number) => (i % 2 === 0 ? line : renamed(line))],
    ['arrays and strings among the first lines', (line: Record<string, unknown>, i: number) => (i % 3 === 0 ? asText(line) : line)],
  ])('are read by the JSON reader, and stored as the line-by-line path stores them: %s', async (_, rewrite) => {
    const path = await fleetAs('fleet.jsonl', rewrite);
    const direct = await ingestWith(path, {});
    expect(direct).toMatchObject({ directPieces: 1, linePieces: 0 });
    expect(direct.result).toMatchObject({ messages: 6000, rejected: 0, skipped_lines: 0, duplicates: 0 });
    const lineByLine = await ingestWith(path, { readJsonDirectly: false });
    expect(lineByLine.linePieces).toBe(1);
    expect(direct.stored).toEqual(lineByLine.stored);
    // the same messages as the plain file gives
    const plain = await ingestWith(join(path, '../plain.jsonl'), {});
    const withoutFile = (rows: Record<string, unknown>[]) => rows.map(({ file_id: _, ...rest }) => rest);
    expect(withoutFile(direct.stored.messages)).toEqual(withoutFile(plain.stored.messages));
  });

  it('take, from a line that holds two of them, the key the line-by-line path takes, on either path', async () => {
    const line = (fields: Record<string, unknown>) => JSON.stringify({ chargeBoxId: 'CP-1', direction: 'in', ...fields });
    const path = join(tempDir(), 'two-keys.jsonl');
    writeFileSync(path, [
      line({ receivedAt: '2026-03-02T10:00:00Z', message: [2, 'a', 'Heartbeat', {}] }),
      // timestamp comes first, receivedAt is left
      line({ receivedAt: '2026-03-02T11:00:00Z', timestamp: '2026-03-02T10:00:01Z', message: [2, 'b', 'Heartbeat', {}] }),
      // the array under frame, not the string under message
      line({ timestamp: '2026-03-02T10:00:02Z', message: '[2,"wrong","Heartbeat",{}]', frame: [2, 'c', 'Heartbeat', {}] }),
      // a string under message holding a frame that is not OCPP-J: rejected with the string as its raw text
      line({ timestamp: '2026-03-02T10:00:03Z', message: '[9, "d"]' }),
      // chargeBoxId null: chargePointId
      line({ timestamp: '2026-03-02T10:00:04Z', chargeBoxId: null, chargePointId: 'CP-2', message: [2, 'e', 'Heartbeat', {}] }),
    ].join('\n') + '\n');
    for (const readJsonDirectly of [true, false]) {
      const run = await ingestWith(path, { readJsonDirectly });
      expect(run).toMatchObject(readJsonDirectly ? { directPieces: 1, linePieces: 0 } : { directPieces: 0, linePieces: 1 });
      expect(run.stored.messages.map((m) => [m.line_no, m.station_id, (m.received_at as Date).toISOString(), m.unique_id])).toEqual([
        [1, 'CP-1', '2026-03-02T10:00:00.000Z', 'a'],
        [2, 'CP-1', '2026-03-02T10:00:01.000Z', 'b'],
        [3, 'CP-1', '2026-03-02T10:00:02.000Z', 'c'],
        [5, 'CP-2', '2026-03-02T10:00:04.000Z', 'e'],
      ]);
      expect(run.stored.rejects.map((r) => [r.line_no, r.reason, r.raw])).toEqual([
        [4, 'frame is not an OCPP-J array: message type id must be 2, 3 or 4', '[9, "d"]'],
      ]);
    }
  });

  it('read a later line that uses a key the first lines did not line by line, the rest with the JSON reader', async () => {
    // past the 50 lines the format is told from, one line with time for timestamp
    const lines = Array.from({ length: 60 }, (_, i) => heartbeat(i));
    lines.push(JSON.stringify({ time: '2026-03-02T11:00:00Z', chargeBoxId: 'CP-1', direction: 'in', message: [2, 'late', 'Heartbeat', {}] }));
    const path = join(tempDir(), 'late-alias.jsonl');
    writeFileSync(path, lines.join('\n') + '\n');
    const run = await ingestWith(path, {});
    expect(run).toMatchObject({ directPieces: 1, linePieces: 1 });
    expect(run.result).toMatchObject({ messages: 61, rejected: 0 });
    expect(run.messages.at(-1)).toMatchObject({ line_no: 61, unique_id: 'late' });
    const lineByLine = await ingestWith(path, { readJsonDirectly: false });
    expect(run.stored).toEqual(lineByLine.stored);
  });

  it('go to the line-by-line path with the whole piece past a thousand and a tenth of its lines', async () => {
    const broken = '{"timestamp":"2026-03-02T11:00:00Z",';
    // a heartbeat, then 1,001 broken lines, then a heartbeat
    const many = join(tempDir(), 'many-broken.jsonl');
    writeFileSync(many, [heartbeat(0), ...Array.from({ length: 1001 }, () => broken), heartbeat(1)].join('\n') + '\n');
    const manyRun = await ingestWith(many, {});
    expect(manyRun).toMatchObject({ directPieces: 0, linePieces: 1 });
    expect(manyRun.result).toMatchObject({ messages: 2, rejected: 1001 });
  });

  it('are read beside the JSON reader up to a tenth of the lines, past a thousand, empty lines among them', async () => {
    const broken = '{"timestamp":"2026-03-02T11:00:00Z",';
    // 20,000 lines: every 11th of the first 13,200 broken (1,200 lines), an empty line after line 5,000 and another
    // after line 15,000
    const lines = Array.from({ length: 19_998 }, (_, i) => (i < 13_200 && i % 11 === 10 ? broken : heartbeat(i)));
    lines.splice(5000, 0, '');
    lines.splice(15_000, 0, '');
    const path = join(tempDir(), 'spread-broken.jsonl');
    writeFileSync(path, lines.join('\n') + '\n');
    const run = await ingestWith(path, {});
    expect(run).toMatchObject({ directPieces: 1, linePieces: 1 });
    expect(run.result).toMatchObject({ messages: 18_798, rejected: 1200, skipped_lines: 2 });
    // lines 11, 22, ..., 4,994 broken before the empty line 5,001, then 5,006 (the 5,005th heartbeat's line, moved
    // past it) up to 13,201
    const rejectedLines = run.stored.rejects.map((r) => r.line_no);
    expect(rejectedLines.slice(0, 2)).toEqual([11, 22]);
    expect(rejectedLines.slice(453, 456)).toEqual([4994, 5006, 5017]);
    expect(rejectedLines.at(-1)).toBe(13_201);
    const lineByLine = await ingestWith(path, { readJsonDirectly: false });
    expect(run.stored).toEqual(lineByLine.stored);
  });

  it('reject a line that is not UTF-8 in its place, the lines after it numbered past it, the rest read by the JSON reader', async () => {
    const broken = '{"timestamp":"2026-03-02T11:00:00Z",';
    const notUtf8 = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    // Latin-1, as chargers send it: "Störung" with ö as the one byte 0xf6
    const latin1 = Buffer.from(JSON.stringify({ timestamp: '2026-03-02T10:00:05Z', chargeBoxId: 'CP-1', direction: 'in', message: [2, 'l', 'Heartbeat', { info: 'St\u00f6rung' }] }), 'latin1');
    const path = join(tempDir(), 'not-utf8.jsonl');
    // 1 heartbeat, 2 broken, 3 not UTF-8, 4 heartbeat, 5 Latin-1, 6 not UTF-8, 7 broken, 8 heartbeat, 9 a key the
    // first lines did not use, 10 heartbeat
    writeFileSync(path, Buffer.concat([
      Buffer.from([heartbeat(0), broken, ''].join('\n')), notUtf8, Buffer.from('\n' + heartbeat(1) + '\n'), latin1, Buffer.from('\n'),
      notUtf8, Buffer.from('\n' + [broken, heartbeat(2), JSON.stringify({ time: '2026-03-02T11:00:00Z', chargeBoxId: 'CP-1', direction: 'in', message: [2, 'late', 'Heartbeat', {}] }), heartbeat(3)].join('\n') + '\n'),
    ]));
    const run = await ingestWith(path, {});
    // the reader's rows, and the four odd lines beside them
    expect(run).toMatchObject({ directPieces: 1, linePieces: 1 });
    expect(run.traced.filter((line) => line.startsWith('[trace] ingest/stage_lines ')).length).toBe(1);
    expect(run.result).toMatchObject({ messages: 5, rejected: 5, skipped_lines: 0, duplicates: 0 });
    expect(run.result.rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, 'invalid JSON'], [3, 'invalid UTF-8'], [5, 'invalid UTF-8'], [6, 'invalid UTF-8'], [7, 'invalid JSON'],
    ]);
    expect(run.messages.map((m) => [m.line_no, m.unique_id])).toEqual([[1, 'h0'], [4, 'h1'], [8, 'h2'], [9, 'late'], [10, 'h3']]);
    const lineByLine = await ingestWith(path, { readJsonDirectly: false });
    expect(run.stored).toEqual(lineByLine.stored);
    // a file whose one odd line is one the line reader leaves out
    const onlyLatin1 = join(tempDir(), 'latin1.jsonl');
    writeFileSync(onlyLatin1, Buffer.concat([Buffer.from(heartbeat(0) + '\n'), latin1, Buffer.from('\n' + heartbeat(1) + '\n')]));
    const latin1Run = await ingestWith(onlyLatin1, {});
    expect(latin1Run).toMatchObject({ directPieces: 1, linePieces: 1 });
    expect(latin1Run.result.rejects.map((r) => [r.line, r.reason])).toEqual([[2, 'invalid UTF-8']]);
    expect(latin1Run.messages.map((m) => m.line_no)).toEqual([1, 3]);
    expect(latin1Run.stored).toEqual((await ingestWith(onlyLatin1, { readJsonDirectly: false })).stored);
    // in pieces of ~3 lines, the lines fall in different ones
    const pieces = await ingestWith(path, { pieceBytes: 300 });
    expect(pieces.directPieces).toBeGreaterThan(1);
    expect(pieces.stored).toEqual(lineByLine.stored);
  });
});

describe('readableLines', () => {
  it('numbers the odd lines as the line reader does, past the lines it left out, or gives up on one it left out that is not odd', () => {
    // lines 3, 5 and 6 left out: line 7 is the reader's 4th, line 9 its 6th
    expect(readableLines([2, 3, 5, 6, 7, 9], [3, 5, 6])).toEqual([2, 4, 6]);
    expect(readableLines([9, 2], [])).toEqual([2, 9]);
    expect(readableLines([3], [3])).toEqual([]);
    expect(readableLines([2], [3])).toBeUndefined();
  });
});

describe('movedPastEmptyLines', () => {
  it('numbers the reader\'s lines (empty ones left out) as the file does', () => {
    // empty lines 2, 3 and 7 of the piece: the reader's line 1 is line 1, its 2 is 4, its 4 is 6, its 5 is 8
    expect(movedPastEmptyLines([1, 2, 4, 5, 9], [2, 3, 7], 0)).toEqual([1, 4, 6, 8, 12]);
    expect(movedPastEmptyLines([1, 2], [], 0)).toEqual([1, 2]);
    // a piece from line 101 of the file: its empty line 1 is the file's line 101
    expect(movedPastEmptyLines([101, 102], [1], 100)).toEqual([102, 103]);
  });
});

describe('empty lines on the JSON reader path', () => {
  it('are skipped in place, whole and in pieces, where the reader leaves them out', async () => {
    // 3,000 heartbeats with empty lines first, two together, one alone and two at the end
    const lines: string[] = ['', ...Array.from({ length: 3000 }, (_, i) => heartbeat(i))];
    lines.splice(1001, 0, '', '');
    lines.splice(2500, 0, '');
    lines.push('', '');
    const path = join(tempDir(), 'empty-lines.jsonl');
    writeFileSync(path, lines.join('\n') + '\n');
    const whole = await ingestWith(path, {});
    expect(whole).toMatchObject({ directPieces: 1, linePieces: 0 });
    expect(whole.result).toMatchObject({ messages: 3000, skipped_lines: 6, rejected: 0 });
    // each heartbeat where it is in the file
    const expected = lines.flatMap((line, i) => (line === '' ? [] : [[i + 1, (JSON.parse(line) as { message: unknown[] }).message[1]]]));
    expect(whole.stored.messages.map((m) => [m.line_no, m.unique_id])).toEqual(expected);
    expect(expected.slice(998, 1002)).toEqual([[1000, 'h998'], [1001, 'h999'], [1004, 'h1000'], [1005, 'h1001']]);

    const lineByLine = await ingestWith(path, { readJsonDirectly: false });
    expect(whole.stored).toEqual(lineByLine.stored);
    // 64 KB pieces: the empty lines fall in different ones
    const pieces = await ingestWith(path, { pieceBytes: 64 * 1024 });
    expect(pieces.directPieces).toBeGreaterThan(4);
    expect(pieces.linePieces).toBe(0);
    expect(pieces.stored).toEqual(lineByLine.stored);
  });

  it('are read past a thousand and past 100,000: double-spaced exports, an empty line after every line', async () => {
    for (const heartbeats of [1500, 150_000]) {
      const path = join(tempDir(), 'double-spaced.jsonl');
      writeFileSync(path, Array.from({ length: heartbeats }, (_, i) => heartbeat(i) + '\n').join('\n') + '\n');
      const run = await ingestWith(path, {});
      expect(run).toMatchObject({ directPieces: 1, linePieces: 0 });
      expect(run.result).toMatchObject({ messages: heartbeats, skipped_lines: heartbeats, rejected: 0 });
      const lineNumbers = run.stored.messages.map((m) => m.line_no);
      expect(lineNumbers.slice(0, 3)).toEqual([1, 3, 5]);
      expect(lineNumbers.at(-1)).toBe(2 * heartbeats - 1);
      const lineByLine = await ingestWith(path, { readJsonDirectly: false });
      expect(run.stored).toEqual(lineByLine.stored);
    }
  });

  it('go line by line past 2,000,000', async () => {
    const many = join(tempDir(), 'many-empty.jsonl');
    writeFileSync(many, heartbeat(0) + '\n' + '\n'.repeat(2_000_001) + heartbeat(1) + '\n');
    const manyRun = await ingestWith(many, {});
    expect(manyRun).toMatchObject({ directPieces: 0, linePieces: 1 });
    expect(manyRun.result).toMatchObject({ messages: 2, skipped_lines: 2_000_001 });
    expect(manyRun.stored.messages.map((m) => m.line_no)).toEqual([1, 2_000_003]);
  });

  it('count lines of spaces or tabs as empty, and CRLF ones, which the reader skips and the line-by-line path skips as blank', async () => {
    // name, text, messages' line numbers, skipped lines
    const cases: [string, string, number[], number][] = [
      ['spaces.jsonl', [heartbeat(0), '   ', heartbeat(1), ' ', heartbeat(2), '  '].join('\n') + '\n', [1, 3, 5], 3],
      // the last line without a line end
      ['spaces-at-end.jsonl', [heartbeat(0), '', heartbeat(1), '    '].join('\n'), [1, 3], 2],
      ['crlf.jsonl', [heartbeat(0), '', heartbeat(1), '  ', heartbeat(2)].join('\r\n') + '\r\n', [1, 3, 5], 2],
      // tabs, a form feed and a vertical tab, which DuckDB's reader skips as it skips spaces
      ['tabs.jsonl', ['\t', heartbeat(0), ' \t\f', heartbeat(1), '\u000b', heartbeat(2), '\t\t'].join('\n') + '\n', [2, 4, 6], 4],
    ];
    for (const [name, text, lineNumbers, skipped] of cases) {
      const path = join(tempDir(), name);
      writeFileSync(path, text);
      const run = await ingestWith(path, {});
      expect(run, name).toMatchObject({ directPieces: 1, linePieces: 0 });
      expect(run.result, name).toMatchObject({ messages: lineNumbers.length, skipped_lines: skipped, rejected: 0 });
      expect(run.stored.messages.map((m) => m.line_no), name).toEqual(lineNumbers);
      const lineByLine = await ingestWith(path, { readJsonDirectly: false });
      expect(run.stored, name).toEqual(lineByLine.stored);
    }
  });

});
