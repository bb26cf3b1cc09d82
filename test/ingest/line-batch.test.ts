import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Database } from '../../src/db/database.js';
import { defaultIngestConfig } from '../../src/ingest/config.js';
import { ingestFiles } from '../../src/ingest/ingest.js';
import { filesHolding } from '../../src/ingest/stage.js';
import { generateFleet } from '../../bench/generate.js';
import { ingestTraced, tempDir } from './helpers.js';

afterEach(() => vi.restoreAllMocks());

const statusHeader = 'chargeBoxId,connectorId,status,errorCode,info,vendorId,vendorErrorCode,timestamp';
const status = (station: string, minute: number, state = 'Faulted', error = 'GroundFailure', info = '') =>
  `${station},1,${state},${error},${info},,,2026-03-02T10:${String(minute).padStart(2, '0')}:00Z`;

/** Writes `files` (name: content) into a new folder and returns it. */
function folder(files: Record<string, string | Buffer>): string {
  const dir = join(tempDir(), 'exports');
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** How a run took each file: name, status, lines, stored, duplicates, skipped, rejected. */
const outcomes = (result: { files: { path: string; status: string; lines: number; messages: number; duplicates: number; skipped_lines: number; rejected: number }[] }) =>
  result.files.map((f) => [f.path.split('/').pop(), f.status, f.lines, f.messages, f.duplicates, f.skipped_lines, f.rejected]);

/** Pieces a run staged through the line reader: one a file alone, one a batch. */
const linePieces = (traced: { traced: string[] }) => traced.traced.filter((line) => /^\[trace\] ingest\/(split_csv|parse_steve_log) /.test(line)).length;

describe('small files of the line-based formats in one run', () => {
  it('status-csv: staged as one piece, they store what each stores alone, every table and column', async () => {
    const dir = folder({
      // a rejected line, and a record spanning lines
      'a.csv': [statusHeader, status('CP-1', 0), status('CP-1', 1, 'Available', 'NoError'), 'CP-1,1,Faulted', `CP-1,1,Faulted,OtherError,"two`, `lines",,,2026-03-02T10:02:00Z`].join('\n') + '\n',
      // repeats a row of a.csv (a duplicate across files), CRLF line ends, no line end after its last line
      'b.csv': [statusHeader, status('CP-1', 0), status('CP-2', 3)].join('\r\n'),
      // a byte-order mark, a blank line and a line of a tab and a space (blank too, as a JSON-lines file's)
      'c.csv': '\uFEFF' + [statusHeader, status('CP-3', 4), '', '\t ', status('CP-3', 5, 'Available', 'NoError')].join('\n') + '\n',
      'd.csv': [statusHeader, status('CP-4', 6, 'Faulted', 'Error', 'x'.repeat(60))].join('\n') + '\n',
      // repeats a.csv's third line at its second: the copy a.csv holds is the first, and the one stored
      'e.csv': [statusHeader, status('CP-1', 1, 'Available', 'NoError')].join('\n') + '\n',
    });
    const batched = await ingestTraced([dir]);
    expect(linePieces(batched)).toBe(1);
    expect(outcomes(batched.result)).toEqual([
      ['a.csv', 'ingested', 6, 3, 0, 2, 1],
      ['b.csv', 'ingested', 3, 1, 1, 1, 0],
      ['c.csv', 'ingested', 5, 2, 0, 3, 0],
      ['d.csv', 'ingested', 2, 1, 0, 1, 0],
      ['e.csv', 'ingested', 2, 0, 1, 1, 0],
    ]);
    const oneByOne = await ingestTraced([dir], { batchLineFiles: false });
    expect(linePieces(oneByOne)).toBe(5);
    expect(outcomes(batched.result)).toEqual(outcomes(oneByOne.result));
    expect(batched.stored).toEqual(oneByOne.stored);
    expect(batched.stored.rejects).toMatchObject([{ file_id: 1, line_no: 4, reason: 'wrong column count: 3 fields, the header has 8' }]);
  });

  it('frames-csv and steve-log: answers pair with CALLs in other files of the batch; gzip files batch too', async () => {
    const framesHeader = 'timestamp,id,action,msg';
    const call = (second: number, id: string, action: string, payload = '{}') => `2026-03-02T10:00:${String(second).padStart(2, '0')}Z,CP-1,${action},"[2,""${id}"",""${action}"",${payload.replaceAll('"', '""')}]"`;
    const answer = (second: number, id: string) => `2026-03-02T10:00:${String(second).padStart(2, '0')}Z,CP-1,,"[3,""${id}"",{}]"`;
    const steve = (second: number, verb: string, frame: string) =>
      `[INFO ] 2026-03-05 10:00:${String(second).padStart(2, '0')},000 de.rwth.idsg.steve.ocpp.ws.WebSocketLogger (qtp-27) - [chargeBoxId=cp001, sessionId=3df7] ${verb}: ${frame}`;
    const dir = folder({
      'f1.csv': [framesHeader, call(1, 'u1', 'Heartbeat'), call(2, 'u2', 'UnlockConnector', '{"connectorId":1}')].join('\n') + '\n',
      'f2.csv.gz': gzipSync([framesHeader, answer(3, 'u1'), answer(4, 'u2'), 'not,a,frame,row'].join('\n') + '\n'),
      'f3.csv': [framesHeader, call(5, 'u3', 'Heartbeat'), answer(6, 'u3')].join('\n') + '\n',
      's1.log': [steve(1, 'Received', '[2,"a1","Heartbeat",{}]'), '[INFO ] 2026-03-05 10:00:01,500 de.rwth.idsg.steve.SteveApplication (main) - Starting'].join('\n') + '\n',
      's2.log': [steve(2, 'Sending', '[3,"a1",{"currentTime":"2026-03-05T09:00:02Z"}]'), 'java.lang.IllegalStateException: x', steve(3, 'Received', '[2,"a2","Heartbeat",{}')].join('\n') + '\n',
    });
    const batched = await ingestTraced([dir]);
    // one piece for the three frames files (a line-based batch is Node's copy of its files, so gzip and plain ones
    // mix) and one for the two logs
    expect(linePieces(batched)).toBe(2);
    const oneByOne = await ingestTraced([dir], { batchLineFiles: false });
    expect(linePieces(oneByOne)).toBe(5);
    expect(outcomes(batched.result)).toEqual(outcomes(oneByOne.result));
    expect(batched.stored).toEqual(oneByOne.stored);
    expect(batched.messages.filter((m) => m.file_id === 2)).toEqual([
      { file_id: 2, line_no: 2, unique_id: 'u1', action: 'Heartbeat' },
      { file_id: 2, line_no: 3, unique_id: 'u2', action: 'UnlockConnector' },
    ]);
    expect(outcomes(batched.result)).toEqual([
      ['f1.csv', 'ingested', 3, 2, 0, 1, 0],
      ['f2.csv.gz', 'ingested', 4, 2, 0, 1, 1],
      ['f3.csv', 'ingested', 3, 2, 0, 1, 0],
      ['s1.log', 'ingested', 2, 1, 0, 1, 0],
      ['s2.log', 'ingested', 3, 1, 0, 1, 1],
    ]);
  });

  it('a line the reader cannot take stages its file alone, and the others together again; another CSV layout starts another batch', async () => {
    const otherHeader = 'station_id;connector_id;status;error_code;status_timestamp';
    const dir = folder({
      'a.csv': [statusHeader, status('CP-1', 0)].join('\n') + '\n',
      'b.csv': Buffer.concat([Buffer.from(`${statusHeader}\n${status('CP-2', 1)}\n`), Buffer.from([0xc3, 0x28, 0x0a]), Buffer.from(`${status('CP-2', 2)}\n`)]),
      'c.csv': [statusHeader, status('CP-3', 3)].join('\n') + '\n',
      'c2.csv': [statusHeader, status('CP-3', 4)].join('\n') + '\n',
      'd.csv': [otherHeader, 'CP-4;1;Faulted;GroundFailure;2026-03-02T10:04:00Z'].join('\n') + '\n',
      'e.csv': [otherHeader, 'CP-5;1;Faulted;GroundFailure;2026-03-02T10:05:00Z'].join('\n') + '\n',
    });
    const batched = await ingestTraced([dir]);
    // a, b, c, c2 read together; then a alone (a batch of one), b alone, c and c2 together; d and e together
    expect(linePieces(batched)).toBe(1 + 3 + 1);
    const oneByOne = await ingestTraced([dir], { batchLineFiles: false });
    expect(outcomes(batched.result)).toEqual(outcomes(oneByOne.result));
    expect(batched.stored).toEqual(oneByOne.stored);
    expect(batched.stored.rejects).toMatchObject([{ file_id: 2, line_no: 3, reason: 'invalid UTF-8' }]);
  });
});

describe('a run of many pieces', () => {
  it('keeps within its memory: each piece keeps ~3 MB until the run commits, so the limit grows with them', async () => {
    // 150 files of 200 lines of a generated fleet, as SteVe logs, staged one by one under the CLI's limit: 113 such
    // pieces ran out of the 384 MB
    const fleet = join(tempDir(), 'fleet.jsonl');
    await generateFleet({ messages: 30_000, seed: 3, stations: 20, out: fleet });
    const lines = readFileSync(fleet, 'utf8').trimEnd().split('\n').map((line) => {
      const { timestamp, chargeBoxId, direction, message } = JSON.parse(line) as { timestamp: string; chargeBoxId: string; direction: string; message: unknown };
      const at = timestamp.replace('T', ' ').replace('.', ',').replace('Z', '');
      return `[INFO ] ${at} de.rwth.idsg.steve.ocpp.ws.WebSocketLogger (qtp-1) - [chargeBoxId=${chargeBoxId}, sessionId=x] ${direction === 'in' ? 'Received' : 'Sending'}: ${JSON.stringify(message)}`;
    });
    const files: Record<string, string> = {};
    for (let i = 0; i < 150; i++) files[`steve-${String(i).padStart(3, '0')}.log`] = lines.slice(i * 200, (i + 1) * 200).join('\n') + '\n';
    const dir = folder(files);
    const db = await Database.open(join(dir, '..', 'many.duckdb'), { memoryLimit: defaultIngestConfig.memoryLimit });
    try {
      const result = await ingestFiles(db, [dir], { format: 'auto', tz: 'UTC', strict: false, config: { batchLineFiles: false } });
      expect(result).toMatchObject({ files_ingested: 150, messages: 30_000, rejected: 0 });
    } finally {
      db.close();
    }
  }, 120_000);
});

describe('the files of a batch that hold its unreadable lines', () => {
  it('are told by the lines before each file in the piece', () => {
    // files of 2, 3, 1 and 4 lines: piece lines 1-2, 3-5, 6 and 7-10
    const bases = [0, 2, 5, 6];
    expect(filesHolding([1], bases)).toEqual([0]);
    expect(filesHolding([2, 3], bases)).toEqual([0, 1]);
    expect(filesHolding([5, 6], bases)).toEqual([1, 2]);
    expect(filesHolding([10, 7], bases)).toEqual([3]);
  });
});
