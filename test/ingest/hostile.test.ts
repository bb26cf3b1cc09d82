import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { countLines, query, runCli, tempDir } from './helpers.js';

const heartbeat = (second: number) =>
  JSON.stringify({ timestamp: `2026-03-02T10:00:${String(second).padStart(2, '0')}Z`, chargeBoxId: 'CP-1', direction: 'in', message: [2, `h${second}`, 'Heartbeat', {}] });

function ingestFile(name: string, content: string | Buffer, extra: string[] = []) {
  const dir = tempDir();
  const path = join(dir, name);
  writeFileSync(path, content);
  const db = join(dir, 'db.duckdb');
  const run = runCli(['ingest', path, '--db', db, '--json', ...extra]);
  return { path, db, run, json: run.status === 0 ? JSON.parse(run.stdout) : undefined };
}

/** A deterministic byte soup: no valid UTF-8 structure to speak of, some newlines. */
function garbage(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = 12345;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = state >> 16;
  }
  return bytes;
}

describe('hostile input', () => {
  it('a frame with a null unique id is rejected in every format, and the lines around it stored', () => {
    const steve = (direction: string, frame: string) =>
      `[INFO ] 2026-03-02 10:00:01,000 de.rwth.idsg.steve.ocpp.ws.WebSocketLogger (qtp-1) - [chargeBoxId=CP-1, sessionId=s] ${direction}: ${frame}`;
    for (const [name, content] of [
      ['null.jsonl', [heartbeat(1), JSON.stringify({ timestamp: '2026-03-02T10:00:02Z', chargeBoxId: 'CP-1', direction: 'in', message: [2, null, 'Heartbeat', {}] }), heartbeat(3)].join('\n')],
      ['null-string.jsonl', [heartbeat(1), JSON.stringify({ timestamp: '2026-03-02T10:00:02Z', chargeBoxId: 'CP-1', direction: 'in', message: '[4,null,"GenericError","",{}]' }), heartbeat(3)].join('\n')],
      ['null.csv', ['timestamp,id,action,msg', '2026-03-02T10:00:01Z,CP-1,Heartbeat,"[2,""h1"",""Heartbeat"",{}]"', '2026-03-02T10:00:02Z,CP-1,Heartbeat,"[2,null,""Heartbeat"",{}]"', '2026-03-02T10:00:03Z,CP-1,Heartbeat,"[2,""h3"",""Heartbeat"",{}]"'].join('\n')],
      ['null.log', [steve('Received', '[2,"h1","Heartbeat",{}]'), steve('Sending', '[3,null,{}]'), steve('Received', '[2,"h3","Heartbeat",{}]')].join('\n')],
    ] as const) {
      const { run, json } = ingestFile(name, `${content}\n`);
      expect([name, run.status, run.stderr]).toEqual([name, 0, '']);
      expect(json).toMatchObject({ messages: 2, rejected: 1, rejects: [{ line: name.endsWith('.csv') ? 3 : 2, reason: 'frame is not an OCPP-J array: unique id must be a string' }] });
    }
  });

  it('a JSON-lines file forced as a SteVe log is refused, rather than skipped line by line and then known as ingested', () => {
    const { path, db, run } = ingestFile('day.jsonl', `${heartbeat(1)}\n${heartbeat(2)}\n`, ['--format', 'steve-log']);
    expect([run.status, run.stderr.split('\n')[0]]).toEqual([
      1,
      `error: ${path} looks like ocpp-jsonl, not a SteVe log as --format steve-log says: every line would be skipped as not a frame. Pass --format auto (or ocpp-jsonl), or leave the file out of a SteVe run.`,
    ]);
    expect(existsSync(db)).toBe(false);
    expect(runCli(['ingest', path, '--db', db, '--json']).status).toBe(0);
  });

  it('an empty file is ingested with nothing in it', () => {
    const { json } = ingestFile('empty.jsonl', '');
    expect(json).toMatchObject({ files_ingested: 1, messages: 0, rejected: 0, skipped_lines: 0 });
  });

  it('a first line longer than the format sniffer reads (3 MB, 9 MB; gzip too) is rejected, and the file read', () => {
    const dataTransfer = (bytes: number) =>
      JSON.stringify({ timestamp: '2026-03-02T10:00:00Z', chargeBoxId: 'CP-1', direction: 'in', message: [2, 'd1', 'DataTransfer', { vendorId: 'x', data: 'a'.repeat(bytes) }] });
    for (const [name, content] of [
      ['long.jsonl', `${dataTransfer(3_000_000)}\n${heartbeat(1)}\n`],
      ['longer.jsonl', `${dataTransfer(9_000_000)}\n${heartbeat(1)}\n`],
      ['long.jsonl.gz', gzipSync(`${dataTransfer(3_000_000)}\n${heartbeat(1)}\n`)],
    ] as const) {
      const { json } = ingestFile(name, content);
      expect(json, name).toMatchObject({ files_ingested: 1, messages: 1, rejected: 1, rejects: [{ line: 1, reason: 'line longer than 2 MB' }] });
    }
  });

  it('a UTF-16 file is refused with what to do; a stray NUL or broken first bytes of a UTF-8 file reject that line only', () => {
    const utf16 = ingestFile('utf16.jsonl', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${heartbeat(1)}\n`, 'utf16le')]));
    expect(utf16.run.status).toBe(1);
    expect(utf16.run.stderr).toBe(
      `error: ${utf16.path} does not read as UTF-8 text (UTF-16, or not text at all?). Export it as UTF-8 (for UTF-16: iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8), or leave it out of the inputs.\n`,
    );
    const stray = ingestFile('nul.jsonl', `${heartbeat(1)}\n${heartbeat(2).replace('CP-1', 'CP\u0000-1')}\n${heartbeat(3)}\n`);
    expect(stray.json).toMatchObject({ messages: 2, rejected: 1, rejects: [{ line: 2, reason: 'invalid JSON' }] });
    // what a UTF-16 byte-order mark is, before UTF-8 lines: the first line is broken, not the file
    const broken = ingestFile('broken-start.jsonl', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${heartbeat(1)}\n${heartbeat(2)}\n${heartbeat(3)}\n`)]));
    expect(broken.json).toMatchObject({ messages: 2, rejected: 1, rejects: [{ line: 1, reason: 'invalid UTF-8' }] });
  });

  it('time spellings: offsets with and without a colon, nanoseconds, epoch numbers and texts, lower-case t and z', async () => {
    const times: (string | number)[] = [
      '2026-03-02T10:00:00Z',
      '2026-03-02 10:00:01',
      '2026-03-02T10:00:02+0200',
      '2026-03-02T10:00:03.123456789Z',
      1772445604123,
      1772445605,
      '1772445606',
      '2026-03-02t10:00:07.5+02:00',
      '2026-03-02t10:00:08z',
      'Mon, 02 Mar 2026 10:00:09 GMT',
    ];
    const lines = times.map((timestamp, i) => JSON.stringify({ timestamp, chargeBoxId: 'CP-1', direction: 'in', message: [2, `h${i}`, 'Heartbeat', {}] }));
    for (const tz of ['UTC', 'Europe/Berlin']) {
      const { db, json } = ingestFile('times.jsonl', lines.join('\n') + '\n', ['--tz', tz]);
      expect(json, tz).toMatchObject({ messages: 9, rejected: 1, rejects: [{ line: 10, reason: 'timestamp is not a time: Mon, 02 Mar 2026 10:00:09 GMT' }] });
      const stored = await query<{ at: string }>(db, `select strftime(received_at, '%Y-%m-%dT%H:%M:%S.%f') as at from messages order by line_no`);
      expect(stored.map((r) => r.at), tz).toEqual([
        '2026-03-02T10:00:00.000000',
        tz === 'UTC' ? '2026-03-02T10:00:01.000000' : '2026-03-02T09:00:01.000000',
        '2026-03-02T08:00:02.000000',
        '2026-03-02T10:00:03.123456',
        '2026-03-02T10:00:04.123000',
        '2026-03-02T10:00:05.000000',
        '2026-03-02T10:00:06.000000',
        '2026-03-02T08:00:07.500000',
        '2026-03-02T10:00:08.000000',
      ]);
    }
  });

  it('a time naming a zone is refused without moving the zone-less times after it; infinity, epoch, BC and five-digit years are not times', async () => {
    const times = [
      '2026-03-02T10:00:00 America/New_York',
      '2026-03-02T11:00:00',
      '2026-03-03',
      '2026-03-02T10:00:00 NZ',
      '2026-03-02T12:00:00',
      '2026-03-02 13:00:00 UTC',
      'infinity',
      'epoch',
      '-2026-03-02T10:00:00Z',
      '99999-03-02T10:00:00Z',
    ];
    const lines = times.map((timestamp, i) => JSON.stringify({ timestamp, chargeBoxId: 'CP-1', direction: 'in', message: [2, `h${i + 1}`, 'Heartbeat', {}] }));
    const notATime = (line: number) => ({ line, reason: `timestamp is not a time: ${times[line - 1]}` });
    for (const tz of ['UTC', 'Europe/Berlin']) {
      const { db, json } = ingestFile('zones.jsonl', lines.join('\n') + '\n', ['--tz', tz]);
      expect(json, tz).toMatchObject({ messages: 4, rejected: 6, rejects: [1, 4, 7, 8, 9, 10].map(notATime) });
      const stored = await query<{ id: string; at: string }>(db, `select unique_id as id, strftime(received_at, '%Y-%m-%dT%H:%M:%S') as at from messages order by line_no`);
      expect(stored, tz).toEqual(
        tz === 'UTC'
          ? [{ id: 'h2', at: '2026-03-02T11:00:00' }, { id: 'h3', at: '2026-03-03T00:00:00' }, { id: 'h5', at: '2026-03-02T12:00:00' }, { id: 'h6', at: '2026-03-02T13:00:00' }]
          : [{ id: 'h2', at: '2026-03-02T10:00:00' }, { id: 'h3', at: '2026-03-02T23:00:00' }, { id: 'h5', at: '2026-03-02T11:00:00' }, { id: 'h6', at: '2026-03-02T13:00:00' }],
      );
    }
  });

  it('a Z time with a digit lost to a space, or written with single digits, is not a time; other ISO Z times are', async () => {
    const times = [
      '2026-03-02T 0:21:23.211Z',
      '2026-3-2T10:00:00Z',
      ' 026-03-02T10:00:00.000Z',
      '2026-03-02T10:00:00.Z',
      '2026-03-02T10:21:23.211Z',
      '2026-03-02T10:21:24Z',
      '2026-03-02T10:21:25.123456Z',
      '2026-03-02 10:21:26.5Z',
      '2026-03-02t10:21:27z',
    ];
    const lines = times.map((timestamp, i) => JSON.stringify({ timestamp, chargeBoxId: 'CP-1', direction: 'in', message: [2, `h${i + 1}`, 'Heartbeat', {}] }));
    const { db, json } = ingestFile('z-times.jsonl', lines.join('\n') + '\n');
    expect(json).toMatchObject({ messages: 5, rejected: 4, rejects: [1, 2, 3, 4].map((line) => ({ line, reason: `timestamp is not a time: ${times[line - 1]}` })) });
    const stored = await query<{ id: string; at: string }>(db, `select unique_id as id, strftime(received_at, '%Y-%m-%dT%H:%M:%S.%f') as at from messages order by line_no`);
    expect(stored).toEqual([
      { id: 'h5', at: '2026-03-02T10:21:23.211000' },
      { id: 'h6', at: '2026-03-02T10:21:24.000000' },
      { id: 'h7', at: '2026-03-02T10:21:25.123456' },
      { id: 'h8', at: '2026-03-02T10:21:26.500000' },
      { id: 'h9', at: '2026-03-02T10:21:27.000000' },
    ]);
  });

  it('a Z time with a digit lost to a tab, CR or LF, or a seconds digit before a bare dot, is not a time', async () => {
    const times = ['2026-03-02T\t0:21:23.211Z', '2026-03-02T\r0:21:23Z', '\n026-03-02T10:00:00.000Z', '\t026-03-02T10:00:00Z', '2026-03-02T10:21:2.Z', '1999-12-31T23:59:59.999Z', '2026-03-02T23:59:59Z'];
    const lines = times.map((timestamp, i) => JSON.stringify({ timestamp, chargeBoxId: 'CP-1', direction: 'in', message: [2, `w${i + 1}`, 'Heartbeat', {}] }));
    const { db, json } = ingestFile('ws-z-times.jsonl', lines.join('\n') + '\n');
    expect(json).toMatchObject({ messages: 2, rejected: 5, rejects: [1, 2, 3, 4, 5].map((line) => ({ line, reason: `timestamp is not a time: ${times[line - 1]}` })) });
    const stored = await query<{ id: string; at: string }>(db, `select unique_id as id, strftime(received_at, '%Y-%m-%dT%H:%M:%S.%f') as at from messages order by line_no`);
    expect(stored).toEqual([
      { id: 'w6', at: '1999-12-31T23:59:59.999000' },
      { id: 'w7', at: '2026-03-02T23:59:59.000000' },
    ]);
  });

  it('a connectorId that is not an integer is stored as no connector, not rounded or read as hex', async () => {
    const ids = ['1.5', '"0x10"', '"1.0"', '2', '" 3 "', '"-1"'];
    const lines = ids.map((id, i) => `{"timestamp":"2026-03-02T10:00:0${i}Z","chargeBoxId":"CP-1","direction":"in","message":[2,"s${i}","StatusNotification",{"connectorId":${id},"errorCode":"GroundFailure","status":"Faulted"}]}`);
    const { db, json } = ingestFile('connectors.jsonl', lines.join('\n') + '\n');
    expect(json).toMatchObject({ messages: 6, status_notifications: 6, rejected: 0 });
    const stored = await query<{ connector_id: number | null }>(db, 'select connector_id from status_notifications order by line_no');
    expect(stored.map((r) => r.connector_id)).toEqual([null, null, 1, 2, 3, -1]);
  });

  it('messages as one JSON array, or as objects over several lines, are refused with the jq command that fixes them', () => {
    const messages = [1, 2].map((second) => JSON.parse(heartbeat(second)));
    const expected = 'Expected one of: ocpp-jsonl (JSON lines with timestamp, chargeBoxId, direction, message), frames-csv (CSV with timestamp, id, action, msg), status-csv (CSV with station, connectorId, status, errorCode, ...), steve-log (SteVe\'s steve.log). Pass --format to say which.\n';
    const array = ingestFile('export.json', JSON.stringify(messages, null, 2));
    expect(array.run.status).toBe(1);
    expect(array.run.stderr).toBe(`error: cannot recognise the format of ${array.path}.\nIt looks like one JSON array of messages; ocpp-jsonl takes one JSON object a line: jq -c '.[]' FILE > FILE.jsonl\n${expected}`);
    const pretty = ingestFile('export.jsonl', messages.map((m) => JSON.stringify(m, null, 2)).join('\n'));
    expect(pretty.run.status).toBe(1);
    expect(pretty.run.stderr).toBe(`error: cannot recognise the format of ${pretty.path}.\nIt looks like JSON objects written over several lines; ocpp-jsonl takes one a line: jq -c . FILE > FILE.jsonl\n${expected}`);
  });

  it('a byte-order mark and CRLF line ends are not content', () => {
    expect(ingestFile('bom.jsonl', `\uFEFF${heartbeat(1)}\n${heartbeat(2)}\n`).json).toMatchObject({ messages: 2, rejected: 0 });
    expect(ingestFile('crlf.jsonl', `${heartbeat(1)}\r\n${heartbeat(2)}\r\n`).json).toMatchObject({ messages: 2, rejected: 0 });
  });

  it('mixed LF and CRLF line ends, and a lone CR inside a line, keep every line where it is', () => {
    const lines = `${heartbeat(1)}\n${heartbeat(2)}\r\n${heartbeat(3)}\rtrailing text\n${heartbeat(4)}\n`;
    const { json, path } = ingestFile('mixed.jsonl', lines);
    // line 3 holds a lone CR: it is one line (read with a space for the CR), and not valid JSON
    expect(json).toMatchObject({ messages: 3, rejected: 1, skipped_lines: 0 });
    expect(json.rejects).toEqual([{ file: path, line: 3, reason: 'invalid JSON' }]);
    const gz = ingestFile('mixed.jsonl.gz', gzipSync(Buffer.from(lines)));
    expect(gz.json).toMatchObject({ messages: 3, rejected: 1, skipped_lines: 0 });
  });

  it('a 10 MB single line is rejected and the lines around it are kept', () => {
    const huge = JSON.stringify({ timestamp: '2026-03-02T10:00:05Z', chargeBoxId: 'CP-1', direction: 'in', message: [2, 'x', 'DataTransfer', { data: 'a'.repeat(10_000_000) }] });
    const { json } = ingestFile('bigline.jsonl', `${heartbeat(1)}\n${huge}\n${heartbeat(2)}\n`);
    expect(json).toMatchObject({ messages: 2, rejected: 1 });
    expect(json.rejects[0]).toMatchObject({ line: 2, reason: 'line longer than 2 MB' });
  });

  it('deeply nested JSON is stored like any other payload', () => {
    const nested = '['.repeat(100_000) + ']'.repeat(100_000);
    const line = `{"timestamp":"2026-03-02T10:00:05Z","chargeBoxId":"CP-1","direction":"in","message":[2,"n","DataTransfer",{"data":${nested}}]}`;
    expect(ingestFile('nested.jsonl', `${heartbeat(1)}\n${line}\n${heartbeat(2)}\n`).json).toMatchObject({ messages: 3, rejected: 0 });
  });

  it('numbers beyond 2^63 are kept, with the typed column left empty', async () => {
    const status = `{"timestamp":"2026-03-02T10:00:05Z","chargeBoxId":"CP-1","direction":"in","message":[2,"s","StatusNotification",{"connectorId":123456789012345678901234567890,"errorCode":"NoError","status":"Available"}]}`;
    const start = `{"timestamp":"2026-03-02T10:00:06Z","chargeBoxId":"CP-1","direction":"in","message":[2,"t","StartTransaction",{"connectorId":1,"idTag":"A","meterStart":99999999999999999999999,"timestamp":"2026-03-02T10:00:06Z"}]}`;
    const { json, db } = ingestFile('bignum.jsonl', `${status}\n${start}\n`);
    expect(json).toMatchObject({ messages: 2, status_notifications: 1, rejected: 0 });
    expect(await query(db, `select connector_id, status from status_notifications`)).toEqual([{ connector_id: null, status: 'Available' }]);
    expect(await query(db, `select connector_id, meter_start from transactions`)).toEqual([{ connector_id: 1, meter_start: null }]);
  });

  it('a message type id out of any integer range a frame could mean is a rejected line, not a failed run', () => {
    const frame = (type: number) => `{"timestamp":"2026-03-02T10:00:05Z","chargeBoxId":"CP-1","direction":"in","message":[${type},"x","Heartbeat",{}]}`;
    const { json, path } = ingestFile('types.jsonl', `${frame(300)}\n${heartbeat(1)}\n${frame(-1)}\n${frame(99999999999)}\n`);
    expect(json).toMatchObject({ messages: 1, rejected: 3 });
    const reason = 'frame is not an OCPP-J array: message type id must be 2, 3 or 4';
    expect(json.rejects).toEqual([1, 3, 4].map((line) => ({ file: path, line, reason })));
  });

  it('binary garbage is refused by name under --format auto, and counted line by line when the format is forced', () => {
    const bytes = garbage(5000);
    const auto = ingestFile('garbage.jsonl', bytes);
    expect(auto.run.status).toBe(1);
    expect(auto.run.stderr).toContain('cannot recognise the format of');
    const forced = ingestFile('garbage.jsonl', bytes, ['--format', 'ocpp-jsonl']);
    expect(forced.run.status).toBe(0);
    const j = forced.json;
    expect(j.messages).toBe(0);
    expect(j.messages + j.duplicates + j.skipped_lines + j.rejected).toBe(countLines(forced.path));
    expect(j.rejected).toBeGreaterThan(0);
  });

  it('a file name DuckDB would read as a pattern (a*.jsonl, c?.jsonl.gz, s[1].csv) is read alone, not with the files it matches', async () => {
    const dir = tempDir();
    const inbox = join(dir, 'inbox');
    mkdirSync(inbox);
    const status = (second: number) => `charge_box_id;connector_id;status_timestamp;status;error_code\nCP-1;1;2026-03-02 10:00:${String(second).padStart(2, '0')};Available;NoError\n`;
    writeFileSync(join(inbox, 'a*.jsonl'), [heartbeat(1), heartbeat(2), heartbeat(3)].join('\n') + '\n');
    writeFileSync(join(inbox, 'ab.jsonl'), [heartbeat(4), heartbeat(5)].join('\n') + '\n');
    writeFileSync(join(inbox, 'c?.jsonl.gz'), gzipSync([heartbeat(6), heartbeat(7)].join('\n') + '\n'));
    writeFileSync(join(inbox, 'cd.jsonl.gz'), gzipSync(heartbeat(8) + '\n'));
    writeFileSync(join(inbox, 's[1].csv'), status(9));
    writeFileSync(join(inbox, 's1.csv'), status(10));
    const db = join(dir, 'db.duckdb');
    const run = runCli(['ingest', inbox, '--db', db, '--json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ files_ingested: 6, messages: 10, rejected: 0 });
    const stored = await query<{ name: string; line_no: number; unique_id: string }>(
      db,
      `select regexp_extract(f.path, '[^/]+$') as name, m.line_no, m.unique_id
       from messages m join files f using (file_id) order by f.file_id, m.line_no`,
    );
    expect(stored.map((r) => [r.name, r.line_no, r.unique_id])).toEqual([
      ['a*.jsonl', 1, 'h1'], ['a*.jsonl', 2, 'h2'], ['a*.jsonl', 3, 'h3'],
      ['ab.jsonl', 1, 'h4'], ['ab.jsonl', 2, 'h5'],
      ['c?.jsonl.gz', 1, 'h6'], ['c?.jsonl.gz', 2, 'h7'],
      ['cd.jsonl.gz', 1, 'h8'],
    ]);
    const statuses = await query<{ name: string; line_no: number; effective_at: string }>(
      db,
      `select regexp_extract(f.path, '[^/]+$') as name, s.line_no, strftime(s.effective_at, '%H:%M:%S') as effective_at
       from status_notifications s join files f using (file_id) order by f.file_id`,
    );
    expect(statuses).toEqual([
      { name: 's1.csv', line_no: 2, effective_at: '10:00:10' },
      { name: 's[1].csv', line_no: 2, effective_at: '10:00:09' },
    ]);
  });

  it("a file name's control characters are shown escaped in an error, not sent to the terminal", () => {
    const { path, run } = ingestFile('bad\u001b[31mname\u0007.jsonl', 'hello\nworld\n');
    expect(run.status).toBe(1);
    const shown = path.replace('\u001b', '\\x1b').replace('\u0007', '\\x07');
    expect(run.stderr.split('\n')[0]).toBe(`error: cannot recognise the format of ${shown}.`);
    expect(run.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });

  it("a file name's newline cannot forge a line of the error, nor its tab or bidi override hide what it names", () => {
    const { path, run } = ingestFile('day\nerror: all good\t\u202e.jsonl', 'hello\nworld\n');
    expect(run.status).toBe(1);
    const shown = path.replace('\n', '\\n').replace('\t', '\\t').replace('\u202e', '\\u202e');
    const lines = run.stderr.split('\n');
    expect(lines[0]).toBe(`error: cannot recognise the format of ${shown}.`);
    expect(lines.filter((line) => line.startsWith('error:'))).toHaveLength(1);
  });

  it("a CSV header's hostile column names are shown escaped in the missing-columns error", () => {
    const { path, run } = ingestFile('status.csv', 'station,connectorId,x\u202e\tq\nCP-1,1,1\n', ['--format', 'status-csv']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `error: ${path}: a status-csv file needs columns status, errorCode, timestamp; its header has station, connectorId, x\\u202e\\tq.\n` +
        'Rename the columns or pass the right --format.\n',
    );
  });
});
