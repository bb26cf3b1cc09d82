import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../src/db/database.js';
import { runResult } from '../../src/analysis/results.js';
import type { IngestConfig } from '../../src/ingest/config.js';
import { ingestTraced, tempDir } from './helpers.js';

// Europe/Berlin sets its clocks back on 2026-10-25 at 03:00 CEST (01:00Z) to 02:00 CET: the local hour 02:00-02:59
// passes twice, first at 00:00-00:59Z, then at 01:00-01:59Z.
const tz = 'Europe/Berlin';

/** A file of `lines` in a folder of its own. */
function file(name: string, lines: string[]): string {
  const path = join(tempDir(), name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** A SteVe WebSocketLogger line of `station` written at local time `time` on 2026-10-25 ('02:50:00,000'). */
const steve = (time: string, verb: 'Received' | 'Sending', frame: unknown[], station = 'cp001') =>
  `[INFO ] 2026-10-25 ${time} de.rwth.idsg.steve.ocpp.ws.WebSocketLogger (qtp-27) - [chargeBoxId=${station}, sessionId=3df7] ${verb}: ${JSON.stringify(frame)}`;

/** A JSON line of `station` (CP-1) with the time text `timestamp`. */
const jsonLine = (timestamp: string, frame: unknown[], timeKey = 'timestamp', station = 'CP-1') =>
  JSON.stringify({ [timeKey]: timestamp, chargeBoxId: station, direction: 'in', message: frame });

const status = (id: string, state: string, errorCode = 'NoError') => [2, id, 'StatusNotification', { connectorId: 1, errorCode, status: state }];
const heartbeat = (id: string) => [2, id, 'Heartbeat', {}];

/** Ingests `paths` in one run with zone-less times read in Europe/Berlin; `db` is the caller's to read and close. */
async function ingestBerlin(paths: string[], config: Partial<IngestConfig> = {}, db?: Database) {
  return ingestTraced(paths, config, db, tz);
}

const receivedTimes = (run: Awaited<ReturnType<typeof ingestBerlin>>) => run.stored.messages.map((m) => (m['received_at'] as Date).toISOString());

/** Pieces of the run read by the steve-log parser. */
const stevePieces = (run: Awaited<ReturnType<typeof ingestBerlin>>) => run.traced.filter((line) => line.startsWith('[trace] ingest/parse_steve_log ')).length;

describe('zone-less times in the hour a fall-back repeats, placed by file order', { timeout: 30_000 }, () => {
  it('steve-log: the hour before the clock goes back is summer time, after it standard time, and a fault across it lasts 20 minutes', async () => {
    const path = file('steve.log', [
      steve('01:50:00,000', 'Received', status('s1', 'Available')),
      steve('02:50:00,000', 'Received', status('s2', 'Faulted', 'GroundFailure')),
      steve('02:10:00,000', 'Received', status('s3', 'Available')),
      steve('03:05:00,000', 'Received', heartbeat('h1')),
    ]);
    const db = await Database.open(':memory:');
    try {
      const run = await ingestBerlin([path], {}, db);
      expect(receivedTimes(run)).toEqual(['2026-10-24T23:50:00.000Z', '2026-10-25T00:50:00.000Z', '2026-10-25T01:10:00.000Z', '2026-10-25T02:05:00.000Z']);
      const episodes = await runResult(db, 'episodes');
      expect(episodes.map((e) => ({ error_code: e['error_code'], started_at: e['started_at'], ended_at: e['ended_at'], duration_s: e['duration_s'], open: e['open'] }))).toEqual([
        { error_code: 'GroundFailure', started_at: new Date('2026-10-25T00:50:00Z'), ended_at: new Date('2026-10-25T01:10:00Z'), duration_s: 1200, open: false },
      ]);
    } finally {
      db.close();
    }
  });

  it('steve-log: an answer logged just after the clock went back pairs with the CALL logged just before', async () => {
    const path = file('steve.log', [
      steve('02:59:58,000', 'Sending', [2, 'u1', 'UnlockConnector', { connectorId: 1 }]),
      steve('02:00:01,000', 'Received', [3, 'u1', { status: 'Unlocked' }]),
    ]);
    const run = await ingestBerlin([path]);
    expect(receivedTimes(run)).toEqual(['2026-10-25T00:59:58.000Z', '2026-10-25T01:00:01.000Z']);
    expect(run.stored.remote_commands).toMatchObject([
      { action: 'UnlockConnector', requested_at: new Date('2026-10-25T00:59:58Z'), answered_at: new Date('2026-10-25T01:00:01Z'), outcome: 'Unlocked' },
    ]);
  });

  it('steve-log: a line a few ms before the one above it is not the clock going back', async () => {
    const path = file('steve.log', [
      steve('01:50:00,000', 'Received', status('s1', 'Available')),
      steve('02:40:00,500', 'Received', status('s2', 'Faulted', 'GroundFailure')),
      steve('02:40:00,480', 'Received', heartbeat('h1')),
      steve('02:50:00,000', 'Received', heartbeat('h2')),
      steve('02:10:00,000', 'Received', status('s3', 'Available')),
      steve('03:05:00,000', 'Received', heartbeat('h3')),
    ]);
    expect(receivedTimes(await ingestBerlin([path]))).toEqual([
      '2026-10-24T23:50:00.000Z',
      '2026-10-25T00:40:00.500Z',
      '2026-10-25T00:40:00.480Z',
      '2026-10-25T00:50:00.000Z',
      '2026-10-25T01:10:00.000Z',
      '2026-10-25T02:05:00.000Z',
    ]);
  });

  it('steve-log: a repeated hour in which the clock never goes back is the first pass throughout', async () => {
    const path = file('steve.log', [
      steve('02:05:00,000', 'Received', heartbeat('h1')),
      steve('02:20:00,000', 'Received', heartbeat('h2')),
      steve('02:55:00,000', 'Received', heartbeat('h3')),
    ]);
    expect(receivedTimes(await ingestBerlin([path]))).toEqual(['2026-10-25T00:05:00.000Z', '2026-10-25T00:20:00.000Z', '2026-10-25T00:55:00.000Z']);
  });

  it('steve-log: a fall-back that falls across two pieces of a large file is placed as in one piece', async () => {
    // a heartbeat a minute through both passes of the hour and 03:00-03:09: 130 lines of ~190 bytes in 4 KB pieces
    const minutes = (from: number, to: number, hour: string) => Array.from({ length: to - from }, (_, i) => `${hour}:${String(from + i).padStart(2, '0')}:00,000`);
    const times = [...minutes(0, 60, '02'), ...minutes(0, 60, '02'), ...minutes(0, 10, '03')];
    const path = file('steve.log', times.map((time, i) => steve(time, 'Received', heartbeat(`h${i + 1}`))));
    const run = await ingestBerlin([path], { pieceBytes: 4096 });
    expect(stevePieces(run)).toBeGreaterThan(4);
    const utc = (hour: number, minute: number) => `2026-10-25T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00.000Z`;
    expect(receivedTimes(run)).toEqual([
      ...Array.from({ length: 60 }, (_, m) => utc(0, m)),
      ...Array.from({ length: 60 }, (_, m) => utc(1, m)),
      ...Array.from({ length: 10 }, (_, m) => utc(2, m)),
    ]);
  });

  it('steve-log: each file of a batch staged together is placed on its own', async () => {
    const a = file('a.log', [steve('02:50:00,000', 'Received', heartbeat('a1')), steve('02:10:00,000', 'Received', heartbeat('a2'))]);
    const b = file('b.log', [steve('02:20:00,000', 'Received', heartbeat('b1'))]);
    const run = await ingestBerlin([a, b]);
    expect(stevePieces(run)).toBe(1);
    expect(receivedTimes(run)).toEqual(['2026-10-25T00:50:00.000Z', '2026-10-25T01:10:00.000Z', '2026-10-25T00:20:00.000Z']);
  });

  it('ocpp-jsonl: each file of a batch read together by the JSON reader is placed on its own', async () => {
    const a = file('a.jsonl', [jsonLine('2026-10-25T02:50:00', heartbeat('a1')), jsonLine('2026-10-25T02:10:00', heartbeat('a2'))]);
    const b = file('b.jsonl', [jsonLine('2026-10-25T02:20:00', heartbeat('b1'))]);
    const run = await ingestBerlin([a, b]);
    expect(run).toMatchObject({ directPieces: 1, linePieces: 0 });
    expect(receivedTimes(run)).toEqual(['2026-10-25T00:50:00.000Z', '2026-10-25T01:10:00.000Z', '2026-10-25T00:20:00.000Z']);
  });

  it('frames-csv: zone-less times across the fall-back', async () => {
    const path = file('frames.csv', [
      'timestamp,id,action,msg',
      `2026-10-25 02:59:58,CP-1,UnlockConnector,"${JSON.stringify([2, 'u1', 'UnlockConnector', { connectorId: 1 }]).replaceAll('"', '""')}"`,
      `2026-10-25 02:00:01,CP-1,,"${JSON.stringify([3, 'u1', { status: 'Unlocked' }]).replaceAll('"', '""')}"`,
    ]);
    const run = await ingestBerlin([path]);
    expect(receivedTimes(run)).toEqual(['2026-10-25T00:59:58.000Z', '2026-10-25T01:00:01.000Z']);
    expect(run.stored.remote_commands).toMatchObject([{ action: 'UnlockConnector', outcome: 'Unlocked' }]);
  });

  it('status-csv: the reported and the received times across the fall-back, each column by its own order', async () => {
    const path = file('status.csv', [
      'chargeBoxId,connectorId,status,errorCode,timestamp,receivedAt',
      'CP-1,1,Available,NoError,2026-10-25 01:50:00,2026-10-25 01:50:01',
      'CP-1,1,Faulted,GroundFailure,2026-10-25 02:50:00,2026-10-25 02:50:01',
      'CP-1,1,Available,NoError,2026-10-25 02:10:00,2026-10-25 02:10:01',
    ]);
    const run = await ingestBerlin([path]);
    const iso = (value: unknown) => (value as Date).toISOString();
    expect(run.stored.status_notifications.map((s) => [iso(s['reported_at']), iso(s['received_at']), iso(s['effective_at'])])).toEqual([
      ['2026-10-24T23:50:00.000Z', '2026-10-24T23:50:01.000Z', '2026-10-24T23:50:00.000Z'],
      ['2026-10-25T00:50:00.000Z', '2026-10-25T00:50:01.000Z', '2026-10-25T00:50:00.000Z'],
      ['2026-10-25T01:10:00.000Z', '2026-10-25T01:10:01.000Z', '2026-10-25T01:10:00.000Z'],
    ]);
  });

  it("status-csv: a zone-less reported time is placed by its row's received time, not by the order of the reported column", async () => {
    // a received time written with Z; a charger's queued replay (02:05, received at 02:40) and the row after it; and,
    // once the server's clock went back, a row of the second pass
    const absolute = file('absolute.csv', ['chargeBoxId,connectorId,status,errorCode,timestamp,receivedAt', 'CP-2,1,Available,NoError,2026-10-25 02:20:00,2026-10-25T01:20:01Z']);
    const replayed = file('replayed.csv', [
      'chargeBoxId,connectorId,status,errorCode,timestamp,receivedAt',
      'CP-1,1,Available,NoError,2026-10-25 02:30:00,2026-10-25 02:30:01',
      'CP-1,1,Faulted,GroundFailure,2026-10-25 02:05:00,2026-10-25 02:40:00',
      'CP-1,1,Available,NoError,2026-10-25 02:45:00,2026-10-25 02:45:01',
      'CP-1,1,Available,NoError,2026-10-25 02:10:00,2026-10-25 02:10:01',
    ]);
    const run = await ingestBerlin([absolute, replayed]);
    const iso = (value: unknown) => (value as Date).toISOString();
    expect(run.stored.status_notifications.map((s) => [s['station_id'], iso(s['reported_at']), iso(s['received_at']), iso(s['effective_at']), s['effective_source']])).toEqual([
      ['CP-2', '2026-10-25T01:20:00.000Z', '2026-10-25T01:20:01.000Z', '2026-10-25T01:20:00.000Z', 'reported'],
      ['CP-1', '2026-10-25T00:30:00.000Z', '2026-10-25T00:30:01.000Z', '2026-10-25T00:30:00.000Z', 'reported'],
      ['CP-1', '2026-10-25T00:05:00.000Z', '2026-10-25T00:40:00.000Z', '2026-10-25T00:05:00.000Z', 'reported'],
      ['CP-1', '2026-10-25T00:45:00.000Z', '2026-10-25T00:45:01.000Z', '2026-10-25T00:45:00.000Z', 'reported'],
      ['CP-1', '2026-10-25T01:10:00.000Z', '2026-10-25T01:10:01.000Z', '2026-10-25T01:10:00.000Z', 'reported'],
    ]);
  });

  it('ocpp-jsonl: the JSON reader path, the line-by-line path and lines read beside the JSON reader store the same times', async () => {
    // 50 heartbeats first (01:00-01:49 CEST), the lines whose keys the JSON reader is told to read
    const before = Array.from({ length: 50 }, (_, m) => jsonLine(`2026-10-25T01:${String(m).padStart(2, '0')}:00`, heartbeat(`b${m}`)));
    const lines = (secondKey: string) => [
      ...before,
      jsonLine('2026-10-25T01:50:00', status('s1', 'Available')),
      jsonLine('2026-10-25T02:50:00', status('s2', 'Faulted', 'GroundFailure'), secondKey),
      jsonLine('2026-10-25T02:10:00', status('s3', 'Available')),
      jsonLine('2026-10-25T03:05:00', heartbeat('h1')),
    ];
    const expected = ['2026-10-24T23:50:00.000Z', '2026-10-25T00:50:00.000Z', '2026-10-25T01:10:00.000Z', '2026-10-25T02:05:00.000Z'];
    const path = file('fold.jsonl', lines('timestamp'));

    const direct = await ingestBerlin([path]);
    expect(direct).toMatchObject({ directPieces: 1, linePieces: 0 });
    expect(receivedTimes(direct).slice(0, 2)).toEqual(['2026-10-24T23:00:00.000Z', '2026-10-24T23:01:00.000Z']);
    expect(receivedTimes(direct).slice(50)).toEqual(expected);

    const lineByLine = await ingestBerlin([path], { readJsonDirectly: false });
    expect(lineByLine).toMatchObject({ directPieces: 0, linePieces: 1 });
    expect(lineByLine.stored).toEqual(direct.stored);

    // the first-pass line under a key the first lines do not use: the JSON reader cannot take it, the line reader
    // reads it beside the reader's rows
    const beside = await ingestBerlin([file('beside.jsonl', lines('receivedAt'))]);
    expect(beside).toMatchObject({ directPieces: 1, linePieces: 1 });
    expect(receivedTimes(beside)).toEqual(receivedTimes(direct));
    expect(beside.stored.status_notifications.map((s) => (s['effective_at'] as Date).toISOString())).toEqual(expected.slice(0, 3));
  });

  it('ocpp-jsonl: a time with Z or an offset is left as written, and is not taken for a local time going back', async () => {
    const path = file('zones.jsonl', [
      jsonLine('2026-10-25T02:30:00', heartbeat('h1')),
      jsonLine('2026-10-25T01:20:00Z', heartbeat('h2')),
      jsonLine('2026-10-25T02:40:00+01:00', heartbeat('h3')),
      jsonLine('2026-10-25T02:45:00', heartbeat('h4')),
    ]);
    const run = await ingestBerlin([path]);
    expect(run.directPieces).toBe(1);
    expect(receivedTimes(run)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-25T01:20:00.000Z', '2026-10-25T01:40:00.000Z', '2026-10-25T00:45:00.000Z']);
  });
});

// A station's times through the fall-back, in its own order: 01:50 CEST, 02:10 and 02:50 of the first pass, 02:05
// and 02:30 of the second, 03:10 CET. Placed as in a file of that station alone, they are these instants.
const stationTimes = ['01:50:00', '02:10:00', '02:50:00', '02:05:00', '02:30:00', '03:10:00'];
const stationInstants = ['2026-10-24T23:50:00.000Z', '2026-10-25T00:10:00.000Z', '2026-10-25T00:50:00.000Z', '2026-10-25T01:05:00.000Z', '2026-10-25T01:30:00.000Z', '2026-10-25T02:10:00.000Z'];

/** The instant `iso` plus `ms`, as an ISO text. */
const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe('zone-less times in a repeated hour of a file sorted by station, placed by each station\'s own order', { timeout: 30_000 }, () => {
  // A file sorted by station, then time: the second station's first line (01:50 CEST, read as 23:50Z) is over 2 h
  // before the first station's last (03:10 CET, 02:10Z), which a fall-back cannot do. Read in file order, every
  // first-pass time of the second station came after the first's 02:50 and was taken for the clock gone back: an
  // hour late.
  it('status-csv: each station of a file sorted by station is placed as in a time-ordered file, its reported times by its received times', async () => {
    const rows = (station: string) => stationTimes.map((time, i) => `${station},1,${i === 2 ? 'Faulted,GroundFailure' : 'Available,NoError'},2026-10-25 ${time},2026-10-25 ${time.slice(0, 6)}01`);
    const path = file('by-station.csv', ['chargeBoxId,connectorId,status,errorCode,timestamp,receivedAt', ...rows('CP-1'), ...rows('CP-2')]);
    const run = await ingestBerlin([path]);
    const iso = (value: unknown) => (value as Date).toISOString();
    const expected = (station: string) => stationInstants.map((at) => [station, at, later(at, 1000), at]);
    expect(run.stored.status_notifications.map((s) => [s['station_id'], iso(s['reported_at']), iso(s['received_at']), iso(s['effective_at'])])).toEqual([
      ...expected('CP-1'),
      ...expected('CP-2'),
    ]);
  });

  it('status-csv: a file sorted by connector, then time, without received times, is placed by each connector\'s reported times', async () => {
    // SteVe's connector_status joined to its connectors: one station, connector 1's rows, then connector 2's
    const rows = (connector: number) => stationTimes.map((time) => `CP-1,${connector},Available,NoError,2026-10-25 ${time}`);
    const path = file('by-connector.csv', ['chargeBoxId,connectorId,status,errorCode,timestamp', ...rows(1), ...rows(2)]);
    const run = await ingestBerlin([path]);
    expect(run.stored.status_notifications.map((s) => [s['connector_id'], (s['reported_at'] as Date).toISOString()])).toEqual([
      ...stationInstants.map((at) => [1, at]),
      ...stationInstants.map((at) => [2, at]),
    ]);
  });

  it('ocpp-jsonl: a file sorted by station, by the JSON reader, line by line, and with a broken line read beside the reader', async () => {
    const lines = (station: string) => stationTimes.map((time, i) => jsonLine(`2026-10-25T${time}`, heartbeat(`${station}-${i}`), 'timestamp', station));
    const expected = [...stationInstants, ...stationInstants];
    const path = file('by-station.jsonl', [...lines('CP-1'), ...lines('CP-2')]);

    const direct = await ingestBerlin([path]);
    expect(direct).toMatchObject({ directPieces: 1, linePieces: 0 });
    expect(receivedTimes(direct)).toEqual(expected);

    const lineByLine = await ingestBerlin([path], { readJsonDirectly: false });
    expect(lineByLine).toMatchObject({ directPieces: 0, linePieces: 1 });
    expect(lineByLine.stored).toEqual(direct.stored);

    // a line that is not JSON between the stations: the JSON reader takes the others, the line reader rejects it
    const beside = await ingestBerlin([file('beside.jsonl', [...lines('CP-1'), '{"timestamp": broken', ...lines('CP-2')])]);
    expect(beside).toMatchObject({ directPieces: 1, linePieces: 1 });
    expect(receivedTimes(beside)).toEqual(expected);
    expect(beside.stored.rejects).toHaveLength(1);
  });

  // Two stations in time order across the fall-back, and where each of their times belongs. cp002 has one time in
  // each pass (02:30, then 02:40): no step back of its own, but the file's clock went back before its 02:40 (cp001's
  // 02:10 after 02:50)
  const twoStations = [
    steve('02:20:00,000', 'Received', heartbeat('a1'), 'cp001'),
    steve('02:30:00,000', 'Received', heartbeat('b1'), 'cp002'),
    steve('02:50:00,000', 'Received', heartbeat('a2'), 'cp001'),
    steve('02:10:00,000', 'Received', heartbeat('a3'), 'cp001'),
    steve('02:40:00,000', 'Received', heartbeat('b2'), 'cp002'),
    steve('03:05:00,000', 'Received', heartbeat('a4'), 'cp001'),
  ];
  const twoStationsPlaced = ['2026-10-25T00:20:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-25T00:50:00.000Z', '2026-10-25T01:10:00.000Z', '2026-10-25T01:40:00.000Z', '2026-10-25T02:05:00.000Z'];

  it('steve-log: a file in time order is placed by its own order, a station with no step of its own too', async () => {
    expect(receivedTimes(await ingestBerlin([file('steve.log', twoStations)]))).toEqual(twoStationsPlaced);
  });

  it('steve-log: a line rejected for a time a day or more ahead does not make a file in time order look sorted by station', async () => {
    // as above, with a line of 2099 after cp002's first pass: rejected, and cp002's 02:40 still moved by the file's step
    const path = file('steve.log', twoStations.map((line, i) => (i === 2 ? line.replace('2026-10-25', '2099-10-25') : line)));
    const run = await ingestBerlin([path]);
    expect(run.result.rejects.map((r) => [r.line, r.reason])).toEqual([[3, 'timestamp is more than a day in the future: 2099-10-25 02:50:00,000']]);
    expect(receivedTimes(run)).toEqual(['2026-10-25T00:20:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-25T01:10:00.000Z', '2026-10-25T01:40:00.000Z', '2026-10-25T02:05:00.000Z']);
  });

  it('steve-log: a file in time order whose stations interleave keeps its own order when one line goes back further than a fall-back', async () => {
    // the time-ordered log above, with a kept line of 1970 (a server clock reset) in it, and then with older lines
    // after it (logs concatenated newest first): the file goes back over 2 h, but its stations are not one after
    // another, so it is not sorted by station, and cp002's 02:40 is still moved by the file's step
    const reset = steve('00:00:00,000', 'Received', heartbeat('c1'), 'cp003').replace('2026-10-25', '1970-01-01');
    const withReset = await ingestBerlin([file('steve.log', [...twoStations.slice(0, 2), reset, ...twoStations.slice(2)])]);
    expect(receivedTimes(withReset)).toEqual([...twoStationsPlaced.slice(0, 2), '1969-12-31T23:00:00.000Z', ...twoStationsPlaced.slice(2)]);
    const older = [steve('12:00:00,000', 'Received', heartbeat('a0'), 'cp001'), steve('12:05:00,000', 'Received', heartbeat('b0'), 'cp002')].map((l) => l.replace('2026-10-25', '2026-10-24'));
    const concatenated = await ingestBerlin([file('steve.log', [...twoStations, ...older])]);
    expect(receivedTimes(concatenated)).toEqual([...twoStationsPlaced, '2026-10-24T10:00:00.000Z', '2026-10-24T10:05:00.000Z']);
  });

  it('ocpp-jsonl: in a batch read together, a file sorted by station and a file in time order are each judged alone', async () => {
    const a = file('a.jsonl', [...stationTimes.map((t, i) => jsonLine(`2026-10-25T${t}`, heartbeat(`a${i}`), 'timestamp', 'CP-1')), ...stationTimes.map((t, i) => jsonLine(`2026-10-25T${t}`, heartbeat(`b${i}`), 'timestamp', 'CP-2'))]);
    // in time order: CP-4's 02:40 is of the second pass by the file's step (CP-3's 02:10 after 02:50), not by its own
    const b = file('b.jsonl', [
      jsonLine('2026-10-25T02:20:00', heartbeat('c1'), 'timestamp', 'CP-4'),
      jsonLine('2026-10-25T02:50:00', heartbeat('c2'), 'timestamp', 'CP-3'),
      jsonLine('2026-10-25T02:10:00', heartbeat('c3'), 'timestamp', 'CP-3'),
      jsonLine('2026-10-25T02:40:00', heartbeat('c4'), 'timestamp', 'CP-4'),
    ]);
    const run = await ingestBerlin([a, b]);
    expect(run).toMatchObject({ directPieces: 1, linePieces: 0 });
    expect(receivedTimes(run)).toEqual([...stationInstants, ...stationInstants, '2026-10-25T00:20:00.000Z', '2026-10-25T00:50:00.000Z', '2026-10-25T01:10:00.000Z', '2026-10-25T01:40:00.000Z']);
  });

  it('ocpp-jsonl: a large file sorted by station whose disorder and whose second station\'s fall-back are in different pieces', async () => {
    // a heartbeat a minute: CP-1 through both passes and 03:00-03:09, then CP-2 from 00:50 CEST (22:50Z, over 3 h
    // before CP-1's last, 02:09Z) through the same; ~110-byte lines in 2 KB pieces, CP-2's first line and the start
    // of its second pass over 100 lines apart
    const minutes = (from: number, to: number, hour: string) => Array.from({ length: to - from }, (_, i) => `2026-10-25T${hour}:${String(from + i).padStart(2, '0')}:00`);
    const passes = [...minutes(0, 60, '02'), ...minutes(0, 60, '02'), ...minutes(0, 10, '03')];
    const cp2 = [...minutes(50, 60, '00'), ...minutes(0, 60, '01'), ...passes];
    const path = file('pieces.jsonl', [...passes.map((t, i) => jsonLine(t, heartbeat(`a${i}`), 'timestamp', 'CP-1')), ...cp2.map((t, i) => jsonLine(t, heartbeat(`b${i}`), 'timestamp', 'CP-2'))]);
    const run = await ingestBerlin([path], { pieceBytes: 2048 });
    expect(run.directPieces).toBeGreaterThan(10);
    const utc = (day: number, hour: number, minute: number) => `2026-10-${day}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00.000Z`;
    const placed = [...Array.from({ length: 60 }, (_, m) => utc(25, 0, m)), ...Array.from({ length: 60 }, (_, m) => utc(25, 1, m)), ...Array.from({ length: 10 }, (_, m) => utc(25, 2, m))];
    expect(receivedTimes(run)).toEqual([
      ...placed,
      ...Array.from({ length: 10 }, (_, m) => utc(24, 22, 50 + m)),
      ...Array.from({ length: 60 }, (_, m) => utc(24, 23, m)),
      ...placed,
    ]);
  });
});
