import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countLines, ingestTraced, query, runCli, tempDir } from './helpers.js';

const statusLines = [
  'chargeBoxId,connectorId,status,errorCode,info,vendorId,vendorErrorCode,timestamp',
  'CP-1,1,Faulted,GroundFailure,"line one',
  'line two',
  'line three",V,E1,2026-03-02T10:00:00Z',
  'CP-1,1,Available,NoError,,,,2026-03-02T10:05:00Z',
  'CP-2,1,Faulted,OtherError,5" display broken,V,E2,2026-03-02T10:06:00Z',
  'CP-2,1,Available,NoError,,,,2026-03-02T10:07:00Z',
  // joined, one field short: both lines stay rejected
  'CP-3,1,Faulted,OtherError,"two',
  'lines",V,2026-03-02T10:08:00Z',
  'CP-3,1,Available,NoError,,,,2026-03-02T10:09:00Z',
];

/** What a run stores of `path` when files are cut into pieces of `pieceBytes`, and how many pieces it read. */
async function storedInPieces(path: string, pieceBytes: number) {
  const run = await ingestTraced([path], { pieceBytes });
  return {
    counts: [run.result.messages, run.result.skipped_lines, run.result.rejected],
    statuses: run.stored.status_notifications,
    rejects: run.stored.rejects,
    pieces: run.traced.filter((line) => line.startsWith('[trace] ingest/split_csv ')).length,
  };
}

function ingest(name: string, content: string) {
  const dir = tempDir();
  const path = join(dir, name);
  writeFileSync(path, content);
  const db = join(dir, 'db.duckdb');
  const run = runCli(['ingest', path, '--db', db, '--json']);
  expect(run.stderr).toBe('');
  return { path, db, json: JSON.parse(run.stdout) };
}

describe('CSV records that span lines (a quoted field holding a line break, RFC 4180)', () => {
  it('status-csv: stored at their first line, the lines they go on over skipped; a stray quote stays rejected', async () => {
    const lines = statusLines;
    const { path, db, json } = ingest('status.csv', lines.join('\n') + '\n');
    expect(json).toMatchObject({
      files_ingested: 1,
      messages: 4,
      status_notifications: 4,
      duplicates: 0,
      skipped_lines: 3,
      rejected: 3,
      rejects: [
        { file: path, line: 6, reason: 'bad quoting' },
        { file: path, line: 8, reason: 'bad quoting' },
        { file: path, line: 9, reason: 'bad quoting' },
      ],
    });
    expect(json.messages + json.duplicates + json.skipped_lines + json.rejected).toBe(countLines(path));
    expect(await query(db, `select station_id, status, info, vendor_error_code from status_notifications order by effective_at`)).toEqual([
      { station_id: 'CP-1', status: 'Faulted', info: 'line one\nline two\nline three', vendor_error_code: 'E1' },
      { station_id: 'CP-1', status: 'Available', info: null, vendor_error_code: null },
      { station_id: 'CP-2', status: 'Available', info: null, vendor_error_code: null },
      { station_id: 'CP-3', status: 'Available', info: null, vendor_error_code: null },
    ]);
    expect(await query(db, `select line_no::integer as line, left(raw, 20) as raw from rejects order by line_no`)).toEqual([
      { line: 6, raw: 'CP-2,1,Faulted,Other' },
      { line: 8, raw: 'CP-3,1,Faulted,Other' },
      { line: 9, raw: 'lines",V,2026-03-02T' },
    ]);
  });

  it('frames-csv: a frame written over two lines in its quoted cell is one frame, at its first line', async () => {
    const lines = [
      'timestamp,id,action,msg',
      '2026-03-02T10:00:00Z,CP-1,Heartbeat,"[2,""h1"",""Heartbeat"",',
      '{}]"',
      '2026-03-02T10:00:01Z,CP-1,,"[3,""h1"",{""currentTime"":""2026-03-02T10:00:01Z""}]"',
    ];
    const { db, json } = ingest('frames.csv', lines.join('\n') + '\n');
    expect(json).toMatchObject({ files_ingested: 1, messages: 2, skipped_lines: 2, rejected: 0 });
    expect(await query(db, `select line_no::integer as line, message_type::integer as type, action, direction, payload::varchar as payload from messages order by line_no`)).toEqual([
      { line: 2, type: 2, action: 'Heartbeat', direction: 'in', payload: '{}' },
      { line: 4, type: 3, action: 'Heartbeat', direction: 'out', payload: '{"currentTime":"2026-03-02T10:00:01Z"}' },
    ]);
  });

  it('a CSV file cut into pieces is never cut inside a quoted field: it stores what it stores read whole', async () => {
    const path = join(tempDir(), 'status.csv');
    writeFileSync(path, statusLines.join('\n') + '\n');
    const whole = await storedInPieces(path, 128 * 1024 * 1024);
    expect(whole.pieces).toBe(1);
    expect(whole.counts).toEqual([4, 3, 3]);
    // a cut is due at the first line end past 100 bytes: after line 2, inside the record of lines 2 to 4
    const cut = await storedInPieces(path, 100);
    expect(cut.pieces).toBeGreaterThan(1);
    expect(cut).toEqual({ ...whole, pieces: cut.pieces });
  });

  it('after a stray quote, a CSV piece still ends a MB past its size: pieces stay bounded', async () => {
    const path = join(tempDir(), 'status.csv');
    const clean = Array.from({ length: 40_000 }, (_, i) => `CP-${i},1,Available,NoError,,,,2026-03-02T10:00:00Z`);
    writeFileSync(path, [statusLines[0], 'CP-0,1,Faulted,OtherError,5" display broken,V,E2,2026-03-02T10:06:00Z', ...clean].join('\n') + '\n');
    // 2.1 MB in pieces of 256 KB: the first piece's quote count stays odd, so it ends 1 MB past its size (1.25 MB);
    // the count starts again at each cut, and the 0.85 MB left make three pieces of 256 KB and the rest: 5
    const cut = await storedInPieces(path, 256 * 1024);
    expect(cut.pieces).toBe(5);
    expect(cut.counts).toEqual([40_000, 1, 1]);
  });
});

describe('frames CSV lines at the edges of RFC 4180 quoting', () => {
  // a quoted field must follow its delimiter at once and end the field; its inner quotes come in pairs
  it('are read or rejected as the quoting says', async () => {
    const at = (second: number) => `2026-03-02T10:00:${String(second).padStart(2, '0')}Z`;
    const lines = [
      'timestamp,id,action,msg',
      `${at(1)},CP-1,Heartbeat,"[2,""h1"",""Heartbeat"",{}]"`,
      `${at(2)},CP-1,,"[3,""h1"",{""currentTime"":""${at(2)}""}]"`,
      `"${at(3)}",CP-1,Heartbeat,"[2,""h2"",""Heartbeat"",{}]"`,
      `${at(4)},CP-1,Heartbeat, "[2,""h3"",""Heartbeat"",{}]"`,
      `${at(5)},CP-1,Heartbeat,"[2,""h4"",""Heart"beat"",{}]"`,
      `${at(6)},CP-1,Heartbeat,"[2,""h5"",""Heartbeat"",{}]"\r`,
      `${at(7)},CP-1,Heartbeat,`,
      '"x",a,b,c',
      `${at(9)},CP-1,Heartbeat,""`,
      `${at(10)},CP-1,Heartbeat,"`,
      `a,${at(11)},CP-1,Heartbeat,"[2,""h6"",""Heartbeat"",{}]"`,
      `${at(12)},CP-1,DataTransfer,"${JSON.stringify([2, 'h7', 'DataTransfer', { vendorId: 'x', data: 'b,c "d"' }]).replaceAll('"', '""')}"`,
      `${at(13)},CP-Ü,Heartbeat,"[2,""ü1"",""Heartbeat"",{}]"`,
      `${at(14)},CP-1,Heartbeat,"[2,""h8"",""Heartbeat"",{}]" `,
      `${at(15)},CP-1,Heartbeat,[2,1,2]`,
    ];
    const path = join(tempDir(), 'frames.csv');
    writeFileSync(path, lines.join('\n') + '\n');
    const run = await ingestTraced([path]);
    expect(run.stored.rejects.map((r) => [r['line_no'], r['reason']])).toEqual([
      [5, 'bad quoting'],
      [6, 'bad quoting'],
      [8, 'no OCPP-J frame'],
      [9, 'timestamp is not a time: x'],
      [10, 'no OCPP-J frame'],
      [11, 'bad quoting'],
      [12, 'wrong column count: 5 fields, the header has 4'],
      [15, 'bad quoting'],
      [16, 'wrong column count: 6 fields, the header has 4'],
    ]);
    expect(run.messages.map((m) => [m.line_no, m.unique_id, m.action])).toEqual([
      [2, 'h1', 'Heartbeat'],
      [3, 'h1', 'Heartbeat'],
      [4, 'h2', 'Heartbeat'],
      [7, 'h5', 'Heartbeat'],
      [13, 'h7', 'DataTransfer'],
      [14, 'ü1', 'Heartbeat'],
    ]);
    // the pairs of quotes in a quoted field are one quote each: a quote inside a JSON text, escaped
    expect(run.stored.messages.find((m) => m['unique_id'] === 'h7')?.['payload']).toBe('{"vendorId":"x","data":"b,c \\"d\\""}');
  });
});
