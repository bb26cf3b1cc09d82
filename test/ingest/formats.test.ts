import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { countLines, fixture, ingestTraced, query, runCli, tempDir } from './helpers.js';
import { Database } from '../../src/db/database.js';

interface IngestJson {
  files_ingested: number;
  files_skipped: number;
  messages: number;
  status_notifications: number;
  duplicates: number;
  rejected: number;
  skipped_lines: number;
  rejects: { file: string; line: number; reason: string }[];
}

function ingest(file: string, extra: string[] = []): { db: string; json: IngestJson } {
  const db = join(tempDir(), 'test.duckdb');
  const run = runCli(['ingest', file, '--db', db, '--json', ...extra]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return { db, json: JSON.parse(run.stdout) as IngestJson };
}

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

/** A frames CSV (`timestamp,id,action,msg`) of `lines` in a folder of its own. */
function framesCsv(name: string, lines: string[]): string {
  const path = join(tempDir(), name);
  writeFileSync(path, ['timestamp,id,action,msg', ...lines].join('\n') + '\n');
  return path;
}

describe('ocpp-jsonl', () => {
  const file = fixture('jsonl-mixed.jsonl');
  const { db, json } = ingest(file, ['--tz', 'Europe/Berlin']);

  it('accounts for every line: stored, duplicate, skipped or rejected', () => {
    expect(json).toMatchObject({ files_ingested: 1, files_skipped: 0, messages: 10, status_notifications: 3, duplicates: 1, skipped_lines: 1, rejected: 6 });
    expect(json.messages + json.duplicates + json.skipped_lines + json.rejected).toBe(countLines(file));
  });

  it('rejects each broken line with its line number and reason, and keeps the good lines after them', () => {
    expect(json.rejects.map((r) => [r.line, r.reason])).toEqual([
      [11, 'invalid JSON'],
      [12, 'timestamp is not a time: yesterday'],
      [13, 'frame is not an OCPP-J array'],
      [14, 'invalid UTF-8'],
      [15, 'frame is not an OCPP-J array: message type id must be 2, 3 or 4'],
      [16, 'not a JSON object'],
    ]);
    expect(json.rejects.every((r) => r.file === file)).toBe(true);
  });

  it('stores messages with aliases resolved, zone-less times read in --tz, and answers paired with their CALL', async () => {
    const rows = await query(db, `select line_no, station_id, received_at, direction, message_type, unique_id, action, error_code from messages order by line_no`);
    expect(rows.map((r) => ({ ...r, received_at: iso(r['received_at']) }))).toEqual([
      { line_no: 1, station_id: 'CP-1', received_at: '2026-03-02T10:00:00.000Z', direction: 'in', message_type: 2, unique_id: 'b1', action: 'BootNotification', error_code: null },
      { line_no: 2, station_id: 'CP-1', received_at: '2026-03-02T10:00:00.200Z', direction: 'out', message_type: 3, unique_id: 'b1', action: 'BootNotification', error_code: null },
      { line_no: 3, station_id: 'CP-1', received_at: '2026-03-02T10:00:05.000Z', direction: 'in', message_type: 2, unique_id: 's1', action: 'StatusNotification', error_code: null },
      { line_no: 6, station_id: 'CP-1', received_at: '2026-03-02T10:00:05.300Z', direction: 'out', message_type: 3, unique_id: 's1', action: 'StatusNotification', error_code: null },
      { line_no: 7, station_id: 'CP-1', received_at: '2026-03-02T10:05:00.000Z', direction: 'in', message_type: 2, unique_id: 's2', action: 'StatusNotification', error_code: null },
      { line_no: 8, station_id: 'CP-1', received_at: '2026-03-02T10:06:00.000Z', direction: 'in', message_type: 2, unique_id: 's3', action: 'StatusNotification', error_code: null },
      { line_no: 9, station_id: 'CP-1', received_at: '2026-03-02T10:07:00.000Z', direction: 'out', message_type: 2, unique_id: 'u1', action: 'UnlockConnector', error_code: null },
      { line_no: 10, station_id: 'CP-1', received_at: '2026-03-02T10:07:01.000Z', direction: 'in', message_type: 4, unique_id: 'u1', action: 'UnlockConnector', error_code: 'InternalError' },
      { line_no: 17, station_id: 'CP-1', received_at: '2026-03-02T10:11:00.000Z', direction: 'in', message_type: 2, unique_id: 'h5', action: 'Heartbeat', error_code: null },
      { line_no: 18, station_id: 'CP-1', received_at: '2026-03-02T10:11:00.100Z', direction: 'out', message_type: 3, unique_id: 'h5', action: 'Heartbeat', error_code: null },
    ]);
  });

  it('keeps off-spec StatusNotifications and flags them', async () => {
    const rows = await query(
      db,
      `select line_no, connector_id, status, error_code, reported_at_text, effective_at, effective_source, known_status, known_error_code,
              info_too_long, reported_time_implausible from status_notifications order by line_no`,
    );
    expect(rows.map((r) => ({ ...r, effective_at: iso(r['effective_at']) }))).toEqual([
      { line_no: 3, connector_id: 1, status: 'Faulted', error_code: 'ConnectorLockFailure', reported_at_text: '2026-03-02T10:00:04Z', effective_at: '2026-03-02T10:00:04.000Z', effective_source: 'reported', known_status: true, known_error_code: true, info_too_long: false, reported_time_implausible: false },
      { line_no: 7, connector_id: 1, status: 'Broken', error_code: 'Error', reported_at_text: '0000-00-00T00:00:00.000Z', effective_at: '2026-03-02T10:05:00.000Z', effective_source: 'received', known_status: false, known_error_code: false, info_too_long: true, reported_time_implausible: true },
      { line_no: 8, connector_id: 2, status: 'Available', error_code: 'NoError', reported_at_text: '2026-02-20T08:00:00Z', effective_at: '2026-03-02T10:06:00.000Z', effective_source: 'received', known_status: true, known_error_code: true, info_too_long: false, reported_time_implausible: true },
    ]);
  });

  it('derives the remote command outcome and the boot information', async () => {
    const commands = await query(db, `select action, connector_id, outcome, answered_at from remote_commands`);
    expect(commands.map((r) => ({ ...r, answered_at: iso(r['answered_at']) }))).toEqual([
      { action: 'UnlockConnector', connector_id: 1, outcome: 'CALLERROR', answered_at: '2026-03-02T10:07:01.000Z' },
    ]);
    expect(await query(db, `select station_id, vendor, model, firmware_version, registration_status, heartbeat_interval_s from station_boots`)).toEqual([
      { station_id: 'CP-1', vendor: 'ACME', model: 'X1', firmware_version: '1.0.3', registration_status: 'Accepted', heartbeat_interval_s: 300 },
    ]);
  });

  it('records the file and its rejected lines with their raw text', async () => {
    const files = await query(db, `select format, lines, messages, status_notifications, duplicates, skipped_lines, rejected from files`);
    expect(files).toEqual([{ format: 'ocpp-jsonl', lines: 18, messages: 10, status_notifications: 3, duplicates: 1, skipped_lines: 1, rejected: 6 }]);
    const rejects = await query<{ line_no: number; raw: string }>(db, `select line_no, raw from rejects order by line_no`);
    expect(rejects.map((r) => r.line_no)).toEqual([11, 12, 13, 14, 15, 16]);
    expect(rejects[0]!.raw).toBe('{"timestamp":"2026-03-02T10:08:00Z","chargeBoxId":"CP-1","direction":"in","message":[2,"h1","Heartb');
  });
});

describe('frames-csv', () => {
  const file = fixture('frames.csv');
  const { db, json } = ingest(file);

  it('accounts for every line and names the CSV faults', () => {
    expect(json).toMatchObject({ messages: 11, status_notifications: 2, duplicates: 0, skipped_lines: 1, rejected: 3 });
    expect(json.messages + json.duplicates + json.skipped_lines + json.rejected).toBe(countLines(file));
    expect(json.rejects.map((r) => [r.line, r.reason])).toEqual([
      [11, 'bad quoting'],
      [12, 'wrong column count: 5 fields, the header has 4'],
      [13, 'frame is not valid JSON'],
    ]);
  });

  it('infers directions from the action and pairs CALLRESULTs with their CALL', async () => {
    const rows = await query(db, `select line_no, direction, message_type, action from messages order by line_no`);
    expect(rows).toEqual([
      { line_no: 2, direction: 'in', message_type: 2, action: 'StatusNotification' },
      { line_no: 3, direction: 'out', message_type: 3, action: 'StatusNotification' },
      { line_no: 4, direction: 'in', message_type: 2, action: 'StartTransaction' },
      { line_no: 5, direction: 'out', message_type: 3, action: 'StartTransaction' },
      { line_no: 6, direction: 'in', message_type: 2, action: 'StopTransaction' },
      { line_no: 7, direction: 'out', message_type: 3, action: 'StopTransaction' },
      { line_no: 8, direction: 'out', message_type: 2, action: 'UnlockConnector' },
      { line_no: 9, direction: 'in', message_type: 3, action: 'UnlockConnector' },
      { line_no: 10, direction: 'in', message_type: 2, action: 'StatusNotification' },
      { line_no: 14, direction: 'in', message_type: 2, action: 'Heartbeat' },
      { line_no: 15, direction: 'out', message_type: 3, action: 'Heartbeat' },
    ]);
  });

  it('builds the transaction and the unlock outcome, and keeps a formula-like info as text', async () => {
    const tx = await query(db, `select connector_id, transaction_id, id_tag, started_at, stopped_at, stop_reason, meter_start, meter_stop from transactions`);
    expect(tx.map((r) => ({ ...r, started_at: iso(r['started_at']), stopped_at: iso(r['stopped_at']) }))).toEqual([
      { connector_id: 1, transaction_id: 42, id_tag: 'TAG1', started_at: '2026-03-03T09:00:10.000Z', stopped_at: '2026-03-03T09:30:00.000Z', stop_reason: 'EVDisconnected', meter_start: 100, meter_stop: 5100 },
    ]);
    expect(await query(db, `select action, outcome from remote_commands`)).toEqual([{ action: 'UnlockConnector', outcome: 'UnlockFailed' }]);
    expect(await query(db, `select info from status_notifications where error_code = 'ConnectorLockFailure'`)).toEqual([{ info: "=cmd|' /C calc'!A0" }]);
  });
});

describe('frames-csv exports that overlap', () => {
  // frames without a direction of their own: an answer takes the opposite of its CALL's, a CALL of an action OCPP 1.6
  // does not define has none; repeats of them are found like any other
  const heartbeat = '2026-03-05T08:00:00Z,CP-9,Heartbeat,"[2,""h1"",""Heartbeat"",{}]"';
  const answer = '2026-03-05T08:00:00.2Z,CP-9,,"[3,""h1"",{""currentTime"":""2026-03-05T08:00:00Z""}]"';
  const vendorCall = '2026-03-05T08:01:00Z,CP-9,VendorPing,"[2,""v1"",""VendorPing"",{}]"';
  const later = '2026-03-05T08:02:00Z,CP-9,Heartbeat,"[2,""h2"",""Heartbeat"",{}]"';
  const first = framesCsv('first.csv', [heartbeat, answer, answer, vendorCall]);
  const second = framesCsv('second.csv', [heartbeat, answer, vendorCall, later]);
  const stored = [
    { line_no: 2, direction: 'in', message_type: 2, action: 'Heartbeat' },
    { line_no: 3, direction: 'out', message_type: 3, action: 'Heartbeat' },
    { line_no: 5, direction: null, message_type: 2, action: 'VendorPing' },
    { line_no: 5, direction: 'in', message_type: 2, action: 'Heartbeat' },
  ];
  const messages = (db: string) =>
    query(db, `select line_no, direction, message_type, action from messages order by file_id, line_no`);

  it('a repeated line within a file, and the overlap of a later file, are stored once: in two runs', async () => {
    const db = join(tempDir(), 'test.duckdb');
    const one = runCli(['ingest', first, '--db', db, '--json']);
    expect(JSON.parse(one.stdout)).toMatchObject({ messages: 3, duplicates: 1, rejected: 0 });
    const two = runCli(['ingest', second, '--db', db, '--json']);
    expect(JSON.parse(two.stdout)).toMatchObject({ messages: 1, duplicates: 3, rejected: 0 });
    expect(await messages(db)).toEqual(stored);
  });

  it('and in one run', async () => {
    const db = join(tempDir(), 'test.duckdb');
    const run = runCli(['ingest', first, second, '--db', db, '--json']);
    expect(JSON.parse(run.stdout)).toMatchObject({ messages: 4, duplicates: 4, rejected: 0 });
    expect(await messages(db)).toEqual(stored);
  });
});

describe('overlapping exports where an answer is beside its CALL in one and without it in the other', () => {
  // day files of frames that overlap by one line: the second starts with the first one's last line, an answer
  // whose CALL only the first file holds; in the second file alone nobody can tell its direction
  const unlock = '2026-03-03T09:31:00Z,CP-2,UnlockConnector,"[2,""u1"",""UnlockConnector"",{""connectorId"":1}]"';
  const answer = '2026-03-03T09:31:01Z,CP-2,,"[3,""u1"",{""status"":""UnlockFailed""}]"';
  const heartbeat = '2026-03-03T09:32:00Z,CP-2,Heartbeat,"[2,""h1"",""Heartbeat"",{}]"';
  const first = framesCsv('first.csv', [unlock, answer]);
  const second = framesCsv('second.csv', [answer, heartbeat]);
  const stored = (db: string) =>
    query(db, `select f.path like '%first.csv' as first_file, line_no, direction, message_type, action from messages join files f using (file_id) order by received_at`);
  const outcome = (db: string) => query(db, `select unique_id, outcome from remote_commands`);

  it('store the answer once, in either order of two runs and in one run, with its CALL’s direction', async () => {
    for (const order of [[first, second], [second, first]]) {
      const db = join(tempDir(), 'test.duckdb');
      const runs = order.map((file) => JSON.parse(runCli(['ingest', file, '--db', db, '--json']).stdout) as IngestJson);
      expect(runs.map((r) => [r.messages, r.duplicates])).toEqual([[2, 0], [1, 1]]);
      const firstRun = order[0] === first;
      expect(await stored(db)).toEqual([
        { first_file: true, line_no: 2, direction: 'out', message_type: 2, action: 'UnlockConnector' },
        // the copy stored first is kept: the second file's (line 2), which takes its CALL's action and direction once the CALL is stored
        { first_file: firstRun, line_no: firstRun ? 3 : 2, direction: 'in', message_type: 3, action: 'UnlockConnector' },
        { first_file: false, line_no: 3, direction: 'in', message_type: 2, action: 'Heartbeat' },
      ]);
      expect(await outcome(db)).toEqual([{ unique_id: 'u1', outcome: 'UnlockFailed' }]);
    }
  });

  it('and in one run, whether the files are staged together or apart', async () => {
    for (const batchLineFiles of [true, false]) {
      const { result, messages } = await ingestTraced([first, second], { batchLineFiles });
      expect([batchLineFiles, result.messages, result.duplicates, result.rejected]).toEqual([batchLineFiles, 3, 1, 0]);
      expect(messages.map((m) => [m.file_id, m.line_no, m.action])).toEqual([
        [1, 2, 'UnlockConnector'],
        [1, 3, 'UnlockConnector'],
        [2, 3, 'Heartbeat'],
      ]);
    }
  });
});

describe('an answer pairs only with a CALL within the hour before it, however its lines are split into files and runs', () => {
  const line = (timestamp: string, direction: string, message: unknown[]) => JSON.stringify({ timestamp, chargeBoxId: 'CP-1', direction, message });
  const jsonl = (name: string, lines: string[]) => {
    const path = join(tempDir(), name);
    writeFileSync(path, lines.join('\n') + '\n');
    return path;
  };
  /** The answers' actions of `lines` split into files a and b: as one file, in one run (staged together and apart), and in two runs in either order. */
  async function answerActions(a: string[], b: string[]) {
    const [fileA, fileB] = [jsonl('a.jsonl', a), jsonl('b.jsonl', b)];
    const whole = jsonl('ab.jsonl', [...a, ...b].sort());
    const actions = (db: string) => query<{ unique_id: string; action: string | null }>(db, 'select unique_id, action from messages where message_type = 3 order by received_at');
    const outcomes: Record<string, unknown> = {};
    const one = join(tempDir(), 'one.duckdb');
    expect(runCli(['ingest', whole, '--db', one, '--json']).status).toBe(0);
    outcomes['one file'] = await actions(one);
    for (const readJsonDirectly of [true, false]) {
      const db = join(tempDir(), 'run.duckdb');
      const opened = await Database.open(db);
      try {
        await ingestTraced([fileA, fileB], { readJsonDirectly }, opened);
      } finally {
        opened.close();
      }
      outcomes[readJsonDirectly ? 'one run, staged together' : 'one run, staged apart'] = await actions(db);
    }
    for (const order of [[fileA, fileB], [fileB, fileA]]) {
      const db = join(tempDir(), 'runs.duckdb');
      for (const file of order) expect(runCli(['ingest', file, '--db', db, '--json']).status).toBe(0);
      outcomes[order[0] === fileA ? 'two runs, a then b' : 'two runs, b then a'] = await actions(db);
    }
    return outcomes;
  }
  const every = (rows: unknown) => ({ 'one file': rows, 'one run, staged together': rows, 'one run, staged apart': rows, 'two runs, a then b': rows, 'two runs, b then a': rows });

  it('a CALL more than an hour before the answer answers it in no split', async () => {
    const a = [line('2026-03-02T10:00:00.000Z', 'out', [2, 'u1', 'Reset', { type: 'Soft' }])];
    const b = [line('2026-03-02T11:00:01.000Z', 'in', [3, 'u1', { status: 'Accepted' }]), line('2026-03-02T11:00:02.000Z', 'out', [2, 'u2', 'Reset', { type: 'Hard' }]), line('2026-03-02T12:00:02.000Z', 'in', [3, 'u2', { status: 'Accepted' }])];
    expect(await answerActions(a, b)).toEqual(every([{ unique_id: 'u1', action: null }, { unique_id: 'u2', action: 'Reset' }]));
  });
});

describe('a copy of an answer without a direction beside one with it (no CALL in either)', () => {
  const answer = { timestamp: '2026-03-02T12:00:05.000Z', chargeBoxId: 'CP-1', message: [3, 'u9', { status: 'Accepted' }] };
  const lines = [JSON.stringify(answer), JSON.stringify({ ...answer, direction: 'in' })];
  const file = (name: string, content: string[]) => {
    const path = join(tempDir(), name);
    writeFileSync(path, content.join('\n') + '\n');
    return path;
  };
  const stored = (db: string) => query(db, 'select line_no, direction from messages');

  it('is one message in one file, in one run of two files and in two runs in either order, the first copy kept', async () => {
    const one = ingest(file('both.jsonl', lines));
    expect([one.json.messages, one.json.duplicates]).toEqual([1, 1]);
    expect(await stored(one.db)).toEqual([{ line_no: 1, direction: null }]);
    const [without, withIt] = [file('without.jsonl', [lines[0]!]), file('with.jsonl', [lines[1]!])];
    const together = join(tempDir(), 'together.duckdb');
    const run = JSON.parse(runCli(['ingest', without, withIt, '--db', together, '--json']).stdout) as IngestJson;
    expect([run.messages, run.duplicates]).toEqual([1, 1]);
    expect(await stored(together)).toEqual([{ line_no: 1, direction: null }]);
    for (const order of [[without, withIt], [withIt, without]]) {
      const db = join(tempDir(), 'runs.duckdb');
      const runs = order.map((path) => JSON.parse(runCli(['ingest', path, '--db', db, '--json']).stdout) as IngestJson);
      expect(runs.map((r) => [r.messages, r.duplicates])).toEqual([[1, 0], [0, 1]]);
      expect(await stored(db)).toEqual([{ line_no: 1, direction: order[0] === without ? null : 'in' }]);
    }
  });
});

describe("copies of an answer sent 'in', with no direction and 'out', in that order (no CALL in any)", () => {
  const answer = { timestamp: '2026-03-02T12:00:05.000Z', chargeBoxId: 'CP-1', message: [3, 'u9', { status: 'Accepted' }] };
  const lines = [JSON.stringify({ ...answer, direction: 'in' }), JSON.stringify(answer), JSON.stringify({ ...answer, direction: 'out' })];
  const file = (name: string, content: string[]) => {
    const path = join(tempDir(), name);
    writeFileSync(path, content.join('\n') + '\n');
    return path;
  };

  it("keeps 'in' and 'out' in one file on both paths, as runs of one line each do: the copy without a direction repeats 'in', and 'out' repeats no kept line", async () => {
    const whole = file('three.jsonl', lines);
    for (const readJsonDirectly of [true, false]) {
      const traced = await ingestTraced([whole], { readJsonDirectly });
      expect([traced.result.messages, traced.result.duplicates]).toEqual([2, 1]);
      expect(traced.messages.map((m) => m.line_no)).toEqual([1, 3]);
    }
    const db = join(tempDir(), 'runs.duckdb');
    const runs = lines.map((content, i) => JSON.parse(runCli(['ingest', file(`${i + 1}.jsonl`, [content]), '--db', db, '--json']).stdout) as IngestJson);
    expect(runs.map((r) => [r.messages, r.duplicates])).toEqual([[1, 0], [0, 1], [1, 0]]);
    expect(await query(db, 'select file_id, line_no, direction from messages order by file_id')).toEqual([
      { file_id: 1, line_no: 1, direction: 'in' },
      { file_id: 3, line_no: 1, direction: 'out' },
    ]);
  });
});

describe('status-csv (semicolons, CRLF line ends, snake_case header)', () => {
  const file = fixture('status.csv');
  const { db, json } = ingest(file);

  it('accounts for every line, drops the exact repeat, and names the faults', () => {
    expect(json).toMatchObject({ messages: 5, status_notifications: 5, duplicates: 1, skipped_lines: 2, rejected: 3 });
    expect(json.messages + json.duplicates + json.skipped_lines + json.rejected).toBe(countLines(file));
    expect(json.rejects.map((r) => [r.line, r.reason])).toEqual([
      [7, 'received time is not a time: soon'],
      [8, 'no station id'],
      [9, 'wrong column count: 8 fields, the header has 9'],
    ]);
  });

  it('stores typed status rows with quoted fields unquoted and an unusable reported time flagged', async () => {
    const rows = await query(
      db,
      `select line_no, station_id, connector_id, status, error_code, info, vendor_id, vendor_error_code, effective_at, effective_source, reported_time_implausible, source
       from status_notifications order by line_no`,
    );
    expect(rows.map((r) => ({ ...r, effective_at: iso(r['effective_at']) }))).toEqual([
      { line_no: 2, station_id: 'CP-3', connector_id: 1, status: 'Faulted', error_code: 'GroundFailure', info: null, vendor_id: null, vendor_error_code: null, effective_at: '2026-03-04T08:00:00.000Z', effective_source: 'reported', reported_time_implausible: false, source: 'status-csv' },
      { line_no: 4, station_id: 'CP-3', connector_id: 1, status: 'Available', error_code: 'NoError', info: null, vendor_id: null, vendor_error_code: null, effective_at: '2026-03-04T08:10:00.000Z', effective_source: 'reported', reported_time_implausible: false, source: 'status-csv' },
      { line_no: 5, station_id: 'CP-3', connector_id: 2, status: 'Faulted', error_code: 'ConnectorLockFailure', info: '<script>alert(1)</script>', vendor_id: 'https://chargex.inl.gov', vendor_error_code: 'CX025', effective_at: '2026-03-04T09:00:00.000Z', effective_source: 'reported', reported_time_implausible: false, source: 'status-csv' },
      { line_no: 6, station_id: 'CP-3', connector_id: 2, status: 'Faulted', error_code: 'OtherError', info: null, vendor_id: null, vendor_error_code: null, effective_at: '2026-03-04T09:30:00.000Z', effective_source: 'received', reported_time_implausible: true, source: 'status-csv' },
      { line_no: 11, station_id: 'CP-3', connector_id: 0, status: 'Unavailable', error_code: 'NoError', info: 'info; with "quotes"', vendor_id: null, vendor_error_code: null, effective_at: '2026-03-04T10:05:00.000Z', effective_source: 'reported', reported_time_implausible: false, source: 'status-csv' },
    ]);
  });
});

describe('a status-csv with no received column', () => {
  // a charger that lost its clock reports 1970 after a reboot; one whose clock runs ahead reports the future. With no
  // received time the row has no other time, so it is rejected, and the rows around it are kept
  const path = join(tempDir(), 'support-export.csv');
  const lines = [
    'station,connectorId,status,errorCode,timestamp',
    'CP-1,1,Faulted,GroundFailure,2026-03-02T10:00:00Z',
    'CP-1,1,Faulted,GroundFailure,1970-01-01T00:00:05Z',
    'CP-1,1,Available,NoError,1999-12-31T23:59:59Z',
    'CP-1,1,Available,NoError,2099-01-01T00:00:00Z',
    'CP-1,1,Available,NoError,2000-01-01T00:00:00Z',
    'CP-1,1,Available,NoError,2026-03-02T10:05:00Z',
  ];
  writeFileSync(path, lines.join('\n') + '\n');
  const { db, json } = ingest(path);

  it('rejects a row whose only time is before 2000 or in the future, with the line and why', () => {
    expect(json).toMatchObject({ status_notifications: 3, rejected: 3 });
    expect(json.rejects.map((r) => [r.line, r.reason])).toEqual([
      [3, 'timestamp is before 2000 (a charger clock not set) and the row has no received time: 1970-01-01T00:00:05Z'],
      [4, 'timestamp is before 2000 (a charger clock not set) and the row has no received time: 1999-12-31T23:59:59Z'],
      [5, 'timestamp is more than a day in the future and the row has no received time: 2099-01-01T00:00:00Z'],
    ]);
  });

  it('judges the year as written, in --tz: 2000-01-01 00:30 in Berlin is kept though it is 1999 in UTC', async () => {
    const berlin = join(tempDir(), 'berlin.csv');
    writeFileSync(berlin, 'station,connectorId,status,errorCode,timestamp\nCP-1,1,Available,NoError,2000-01-01 00:30:00\n');
    const run = ingest(berlin, ['--tz', 'Europe/Berlin']);
    expect(run.json).toMatchObject({ status_notifications: 1, rejected: 0 });
    const rows = await query(run.db, 'select effective_at from status_notifications');
    expect(rows.map((r) => iso(r['effective_at']))).toEqual(['1999-12-31T23:30:00.000Z']);
  });

  it('stores the other rows at their reported time', async () => {
    const rows = await query(db, 'select line_no, status, effective_at, effective_source from status_notifications order by line_no');
    expect(rows.map((r) => ({ ...r, effective_at: iso(r['effective_at']) }))).toEqual([
      { line_no: 2, status: 'Faulted', effective_at: '2026-03-02T10:00:00.000Z', effective_source: 'reported' },
      { line_no: 6, status: 'Available', effective_at: '2000-01-01T00:00:00.000Z', effective_source: 'reported' },
      { line_no: 7, status: 'Available', effective_at: '2026-03-02T10:05:00.000Z', effective_source: 'reported' },
    ]);
  });
});

describe('a receive time more than a day in the future', () => {
  // a typo or a server clock set years ahead: as the latest data it would move every default window to 2099
  const dir = tempDir();
  const write = (name: string, lines: string[]) => {
    writeFileSync(join(dir, name), lines.join('\n') + '\n');
    return join(dir, name);
  };
  const heartbeat = (at: string, id: string) => JSON.stringify({ timestamp: at, chargeBoxId: 'CP-1', direction: 'in', message: [2, id, 'Heartbeat', {}] });
  const steve = (at: string, id: string) =>
    `[INFO ] ${at} de.rwth.idsg.steve.ocpp.ws.WebSocketLogger (qtp-27) - [chargeBoxId=cp001, sessionId=3df7] Received: [2,"${id}","Heartbeat",{}]`;
  const cases: [string, string[], string][] = [
    ['a.jsonl', [heartbeat('2026-03-02T10:00:00Z', 'h1'), heartbeat('2099-03-02T10:01:00Z', 'h2'), heartbeat('2026-03-02T10:02:00Z', 'h3')], 'timestamp is more than a day in the future: 2099-03-02T10:01:00Z'],
    ['b.csv', ['timestamp,id,action,msg', '2026-03-02T10:00:00Z,CP-1,Heartbeat,"[2,""h1"",""Heartbeat"",{}]"', '2099-03-02T10:01:00Z,CP-1,Heartbeat,"[2,""h2"",""Heartbeat"",{}]"', '2026-03-02T10:02:00Z,CP-1,Heartbeat,"[2,""h3"",""Heartbeat"",{}]"'], 'timestamp is more than a day in the future: 2099-03-02T10:01:00Z'],
    ['c.log', [steve('2026-03-02 10:00:00,000', 'h1'), steve('2099-03-02 10:01:00,000', 'h2'), steve('2026-03-02 10:02:00,000', 'h3')], 'timestamp is more than a day in the future: 2099-03-02 10:01:00,000'],
    ['d.csv', ['station,connectorId,status,errorCode,timestamp,received_at', 'CP-1,1,Available,NoError,2026-03-02T10:00:00Z,2026-03-02T10:00:00Z', 'CP-1,1,Faulted,OtherError,2026-03-02T10:01:00Z,2099-03-02T10:01:00Z', 'CP-1,1,Available,NoError,2026-03-02T10:02:00Z,2026-03-02T10:02:00Z'], 'received time is more than a day in the future: 2099-03-02T10:01:00Z'],
  ];

  it.each(cases)('is rejected in %s with its line, and the lines around it are kept', async (name, lines, reason) => {
    const { db, json } = ingest(write(name, lines));
    expect(json).toMatchObject({ messages: 2, rejected: 1, rejects: [{ line: name === 'a.jsonl' || name === 'c.log' ? 2 : 3, reason }] });
    const table = name === 'd.csv' ? 'status_notifications' : 'messages';
    const latest = await query(db, `select max(received_at)::varchar as latest from ${table}`);
    expect(latest).toEqual([{ latest: '2026-03-02 10:02:00+00' }]);
  });
});

describe('steve-log', () => {
  const file = fixture('steve.log');
  const { db, json } = ingest(file, ['--tz', 'Europe/Berlin']);

  it('takes WebSocketLogger lines, skips the rest, and rejects a truncated frame', () => {
    expect(json).toMatchObject({ messages: 5, status_notifications: 1, duplicates: 0, skipped_lines: 4, rejected: 1 });
    expect(json.messages + json.duplicates + json.skipped_lines + json.rejected).toBe(countLines(file));
    expect(json.rejects.map((r) => [r.line, r.reason])).toEqual([[8, 'frame is not valid JSON']]);
  });

  it('reads server-local times in --tz and maps Received/Sending to in/out', async () => {
    const rows = await query(db, `select line_no, station_id, received_at, direction, action from messages order by line_no`);
    expect(rows.map((r) => ({ ...r, received_at: iso(r['received_at']) }))).toEqual([
      { line_no: 2, station_id: 'cp001', received_at: '2026-03-05T09:00:00.123Z', direction: 'in', action: 'BootNotification' },
      { line_no: 3, station_id: 'cp001', received_at: '2026-03-05T09:00:00.150Z', direction: 'out', action: 'BootNotification' },
      { line_no: 4, station_id: 'cp001', received_at: '2026-03-05T09:01:00.000Z', direction: 'in', action: 'StatusNotification' },
      { line_no: 7, station_id: 'cp001', received_at: '2026-03-05T09:01:00.020Z', direction: 'out', action: 'StatusNotification' },
      { line_no: 10, station_id: 'cp001', received_at: '2026-03-05T09:03:00.000Z', direction: 'in', action: 'Heartbeat' },
    ]);
    expect(await query(db, `select vendor, model, firmware_version, heartbeat_interval_s from station_boots`)).toEqual([
      { vendor: 'Alfen', model: 'NG9', firmware_version: '5.8.1', heartbeat_interval_s: 60 },
    ]);
  });
});

describe('steve-log layouts', () => {
  it('reads a time written with its offset, and a line whose level comes after the time', async () => {
    const logger = 'de.rwth.idsg.steve.ocpp.ws.WebSocketLogger (qtp-27) - [chargeBoxId=cp001, sessionId=3df7]';
    const file = join(tempDir(), 'steve.log');
    writeFileSync(
      file,
      [
        `[INFO ] 2026-03-05 10:00:00,123 ${logger} Received: [2,"a1","Heartbeat",{}]`,
        `[INFO ] 2026-03-05T10:00:01.123+01:00 ${logger} Received: [2,"a2","Heartbeat",{}]`,
        `2026-03-05 10:00:03,000 INFO ${logger} Received: [2,"a3","Heartbeat",{}]`,
        `[INFO ] 2026-03-05 10:00:04,123 ${logger} Sending: [3,"a1",{}]`,
        '[INFO ] 2026-03-05 10:00:05,000 de.rwth.idsg.steve.SteveApplication - started',
      ].join('\n') + '\n',
    );
    const { db, json } = ingest(file, ['--tz', 'Europe/Berlin']);
    expect(json).toMatchObject({ messages: 4, skipped_lines: 1, rejected: 0 });
    const rows = await query(db, `select line_no, unique_id, received_at, direction from messages order by line_no`);
    expect(rows.map((r) => ({ ...r, received_at: iso(r['received_at']) }))).toEqual([
      { line_no: 1, unique_id: 'a1', received_at: '2026-03-05T09:00:00.123Z', direction: 'in' },
      { line_no: 2, unique_id: 'a2', received_at: '2026-03-05T09:00:01.123Z', direction: 'in' },
      { line_no: 3, unique_id: 'a3', received_at: '2026-03-05T09:00:03.000Z', direction: 'in' },
      { line_no: 4, unique_id: 'a1', received_at: '2026-03-05T09:00:04.123Z', direction: 'out' },
    ]);
  });
});

describe('steve-log lines near the default layout', () => {
  // SteVe's default layout is cut by its fixed places; every line that differs from it in any way goes to the
  // regular expression, and each must come out as that expression reads it
  it('are read as the regular expression reads them, whichever of the two reads them', async () => {
    const at = (second: number) => `[INFO ] 2026-03-02 10:00:${String(second).padStart(2, '0')},713 X - `;
    const file = join(tempDir(), 'steve.log');
    writeFileSync(
      file,
      [
        '[INFO ] 2026-03-02 09:00:00,000 de.rwth.idsg.steve.SteveApplication (main) - Starting SteVe',
        `${at(1)}[chargeBoxId=cp1] Received: [2,"a1","Heartbeat",{}]`,
        `${at(2)}[chargeBoxId=cp1, s=1] Received:[2,"a2","Heartbeat",{}]`,
        `${at(3)}[chargeBoxId=cp1, s=1]  Sending: [3,"a2",{}]`,
        '[INFO ] 2026-03-02 10:00:04,71a X - [chargeBoxId=cp1, s=1] Received: [2,"a3","Heartbeat",{}]',
        '[WARN ] 2026-03-02 10:00:05,713 X - [chargeBoxId=, s=1] Received: [2,"a4","Heartbeat",{}]',
        `${at(6)}[chargeBoxId=cp1, s=1] Received: `,
        `${at(7)}[chargeBoxId=cp1] Received`,
        `${at(8)}[chargeBoxId=a] Other [chargeBoxId=b, x] Received: [2,"a6","Heartbeat",{}]`,
        '[INFO ] 2026-03-02 10:00:09,713+01:00 X - [chargeBoxId=cp3, s=1] Received: [2,"a7","Heartbeat",{}]',
        `${at(10)}[chargeBoxId= cp 1 , s] Sending: [2,"a8","Reset",{"type":"Soft"}]`,
        `${at(11)}[chargeBoxId=cp 1, s=1] Received:  [3,"a8",{"status":"Accepted"}]`,
        '[INFO]  2026-03-02 10:00:12,713 X - [chargeBoxId=cp4] Received: [2,"b2","Heartbeat",{}]',
        '[INFO ] 2026-03-02 10:00:13.713 X - [chargeBoxId=cp4] Received: [2,"b3","Heartbeat",{}]',
        '[INFO ] 2026-03-02 10:00:14,713\t[chargeBoxId=cp4] Received: [2,"b5","Heartbeat",{}]',
        `${at(15)}[chargeBoxId=cp,4] Received: [2,"b7","Heartbeat",{}]`,
        `${at(16)}[chargeBoxId=cp]4] Received: [2,"b8","Heartbeat",{}]`,
      ].join('\n') + '\n',
    );
    const { db, json } = ingest(file);
    // skipped: the startup line, a time with a letter in it, a verb with no colon, a station id cut by a ]
    expect(json).toMatchObject({ messages: 11, skipped_lines: 4, rejected: 2 });
    expect(json.rejects.map((r) => [r.line, r.reason])).toEqual([
      [6, 'no station id in [chargeBoxId=...]'],
      [7, 'no OCPP-J frame after Received:'],
    ]);
    const rows = await query(db, `select line_no, station_id, strftime(received_at, '%H:%M:%S.%g') as at, direction, unique_id, action from messages order by line_no`);
    expect(rows).toEqual([
      { line_no: 2, station_id: 'cp1', at: '10:00:01.713', direction: 'in', unique_id: 'a1', action: 'Heartbeat' },
      { line_no: 3, station_id: 'cp1', at: '10:00:02.713', direction: 'in', unique_id: 'a2', action: 'Heartbeat' },
      { line_no: 4, station_id: 'cp1', at: '10:00:03.713', direction: 'out', unique_id: 'a2', action: 'Heartbeat' },
      // the first [chargeBoxId=...] is followed by no verb: the one after it is the line's
      { line_no: 9, station_id: 'b', at: '10:00:08.713', direction: 'in', unique_id: 'a6', action: 'Heartbeat' },
      { line_no: 10, station_id: 'cp3', at: '09:00:09.713', direction: 'in', unique_id: 'a7', action: 'Heartbeat' },
      { line_no: 11, station_id: 'cp 1', at: '10:00:10.713', direction: 'out', unique_id: 'a8', action: 'Reset' },
      { line_no: 12, station_id: 'cp 1', at: '10:00:11.713', direction: 'in', unique_id: 'a8', action: 'Reset' },
      { line_no: 13, station_id: 'cp4', at: '10:00:12.713', direction: 'in', unique_id: 'b2', action: 'Heartbeat' },
      { line_no: 14, station_id: 'cp4', at: '10:00:13.713', direction: 'in', unique_id: 'b3', action: 'Heartbeat' },
      { line_no: 15, station_id: 'cp4', at: '10:00:14.713', direction: 'in', unique_id: 'b5', action: 'Heartbeat' },
      { line_no: 16, station_id: 'cp', at: '10:00:15.713', direction: 'in', unique_id: 'b7', action: 'Heartbeat' },
    ]);
  });
});

describe('lines of nothing but white space', () => {
  // between two good lines: spaces, a no-break space, an ideographic space (each taken away by trim), a tab and a
  // tab with a form feed (ASCII white space, which DuckDB's JSON reader skips): all skipped as blank; and a tab
  // before a frame, which is no blank line
  const whiteLines = ['   ', '\u00a0', '\u3000 ', '\t', '\t\f'];

  it('are skipped in JSON lines, tabs too; a tab before a JSON object is a line like any other', () => {
    const frame = (id: string) => JSON.stringify({ timestamp: '2026-03-02T10:00:00Z', chargeBoxId: 'CP-1', direction: 'in', message: [2, id, 'Heartbeat', {}] });
    const file = join(tempDir(), 'white.jsonl');
    writeFileSync(file, [frame('a'), ...whiteLines, '\t' + frame('b')].join('\n') + '\n');
    const { json } = ingest(file);
    expect(json).toMatchObject({ messages: 2, skipped_lines: 5, rejected: 0 });
  });

  it('are skipped in a CSV, tabs too', () => {
    const file = join(tempDir(), 'white.csv');
    writeFileSync(file, ['timestamp,id,action,msg', '2026-03-02T10:00:00Z,CP-1,Heartbeat,"[2,""a"",""Heartbeat"",{}]"', ...whiteLines, '2026-03-02T10:00:01Z,CP-1,Heartbeat,"[2,""b"",""Heartbeat"",{}]"'].join('\n') + '\n');
    const { json } = ingest(file);
    // the header and the five white lines
    expect(json).toMatchObject({ messages: 2, skipped_lines: 6, rejected: 0 });
  });
});

describe('a CSV header that names a column twice', () => {
  it('reads the first of them, and warns which one is read and which are not', async () => {
    const dir = tempDir();
    const frames = join(dir, 'frames.csv');
    writeFileSync(frames, 'timestamp,id,msg,msg\n2026-03-02T10:00:00Z,CP-1,"[2,""a1"",""Heartbeat"",{}]","[2,""b1"",""Heartbeat"",{}]"\n');
    // names match without case or underscores: Status and status are one name
    const statuses = join(dir, 'status.csv');
    writeFileSync(statuses, 'chargeBoxId,connectorId,Status,errorCode,status,timestamp,STATUS\nCP-2,1,Faulted,GroundFailure,Available,2026-03-02T10:00:00Z,Charging\n');
    const db = join(dir, 'db.duckdb');
    const run = runCli(['ingest', frames, statuses, '--db', db, '--json']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(
      `warning: ${frames}: its header names msg in columns 3 and 4; column 3 is read, column 4 is not. Rename the column to read, or drop the others.\n` +
        `warning: ${statuses}: its header names Status in columns 3, 5 and 7; column 3 is read, columns 5, 7 are not. Rename the column to read, or drop the others.\n`,
    );
    expect(await query(db, 'select station_id, unique_id from messages')).toEqual([{ station_id: 'CP-1', unique_id: 'a1' }]);
    expect(await query(db, 'select station_id, status from status_notifications')).toEqual([{ station_id: 'CP-2', status: 'Faulted' }]);
  });
});

describe('a file compressed otherwise than with gzip', () => {
  it('is named, with the compression it is in and how to undo it, and nothing is stored', () => {
    const dir = tempDir();
    const line = '{"timestamp":"2026-03-02T10:00:00Z","chargeBoxId":"CP-1","direction":"in","message":[2,"h","Heartbeat",{}]}\n';
    const files: [string, Buffer, string][] = [
      ['day.jsonl.zst', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x00, 0x01, 0x00]), 'is zstd-compressed, and only gzip is read: decompress it first (zstd -d FILE)'],
      ['day.jsonl.xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04]), 'is xz-compressed, and only gzip is read: decompress it first (xz -d FILE)'],
      ['day.jsonl.bz2', Buffer.from('BZh91AY&SY', 'latin1'), 'is bzip2-compressed, and only gzip is read: decompress it first (bunzip2 FILE)'],
      ['day.zip', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]), 'is a zip archive, and only gzip is read: decompress it first (unzip FILE)'],
      ['twice.jsonl.gz', gzipSync(gzipSync(line)), 'is gzip inside gzip: decompress it once (gunzip -c FILE > FILE.once.gz)'],
      ['zstd.jsonl.gz', gzipSync(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x00, 0x01, 0x00])), 'is zstd-compressed inside gzip, and only gzip is read: decompress it first (zstd -d FILE)'],
    ];
    for (const [name, bytes, why] of files) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const run = runCli(['ingest', path, '--db', join(dir, 'db.duckdb')]);
      expect(run.status).toBe(1);
      expect(run.stderr).toBe(`error: ${path} ${why}, or leave it out of the inputs.\n`);
    }
    expect(existsSync(join(dir, 'db.duckdb'))).toBe(false);
    // a CSV whose header starts with the same letters as bzip2's magic number is still a CSV
    const csv = join(dir, 'bzh.csv');
    writeFileSync(csv, 'BZh_station,chargeBoxId,connectorId,status,errorCode,timestamp\nx,CP-1,1,Available,NoError,2026-03-02T10:00:00Z\n');
    expect(runCli(['ingest', csv, '--db', join(dir, 'db.duckdb')]).status).toBe(0);
  });
});
