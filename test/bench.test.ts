import { describe, expect, test } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, scalingRatio } from '../bench/bench.js';
import { generateFleet } from '../bench/generate.js';
import { rewriteLine, shapeFileNames, shapeHeader, shapes } from '../bench/shapes.js';
import { Database } from '../src/db/database.js';
import { ingestFiles } from '../src/ingest/ingest.js';
import { tempDir } from './ingest/helpers.js';

describe('bench medians over repeated runs', () => {
  test('an odd count takes the middle run, whatever order the runs came in', () => {
    expect(median([41.7, 35.1, 46.8])).toBe(41.7);
    expect(median([3.77])).toBe(3.77);
  });

  test('an even count takes the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('bench scaling ratio', () => {
  test('runs in rounds: the median of each round’s larger over smaller ingest, not the ratio of the medians', () => {
    // round 2 ran in a slow minute for both sizes: its ratio is as good as the others'
    expect(scalingRatio([4.0, 6.0, 4.2], [44.0, 63.0, 48.3])).toBeCloseTo(11.0, 10);
    expect(median([44.0, 63.0, 48.3]) / median([4.0, 6.0, 4.2])).toBeCloseTo(11.5, 10);
  });

  test('a single run of each size, or runs of unequal counts: the ratio of the medians', () => {
    expect(scalingRatio([4.0], [45.0])).toBe(11.25);
    expect(scalingRatio([4.0, 5.0], [45.0])).toBeCloseTo(10.0, 10);
  });
});

describe('the fleet log in the shapes real exports come in', () => {
  const line = '{"timestamp":"2026-03-02T10:00:00.713Z","chargeBoxId":"CP-1","direction":"out","message":[3,"a1",{"status":"Accepted"}]}';

  test('each shape writes the line as such an export does', () => {
    expect(rewriteLine('usual', line)).toBe(line);
    expect(rewriteLine('other-keys', line)).toBe('{"receivedAt":"2026-03-02T10:00:00.713Z","chargePointId":"CP-1","direction":"out","frame":[3,"a1",{"status":"Accepted"}]}');
    expect(rewriteLine('string-frames', line)).toBe(
      '{"timestamp":"2026-03-02T10:00:00.713Z","chargeBoxId":"CP-1","direction":"out","message":"[3,\\"a1\\",{\\"status\\":\\"Accepted\\"}]"}',
    );
    expect(rewriteLine('frames-csv', line)).toBe('2026-03-02T10:00:00.713Z,CP-1,,"[3,""a1"",{""status"":""Accepted""}]"');
    expect(rewriteLine('steve-log', line)).toBe(
      '[INFO ] 2026-03-02 10:00:00,713 de.rwth.idsg.steve.ocpp.ws.WebSocketLogger (qtp-27) - [chargeBoxId=CP-1, sessionId=bench] Sending: [3,"a1",{"status":"Accepted"}]',
    );
    expect(shapeHeader('frames-csv')).toBe('timestamp,id,action,msg');
    expect(shapeHeader('steve-log')).toBeUndefined();
  });

  test('every shape stores the same messages', async () => {
    const dir = tempDir();
    const usual = join(dir, 'usual.jsonl');
    await generateFleet({ messages: 3000, seed: 2, stations: 6, out: usual });
    const lines = readFileSync(usual, 'utf8').trimEnd().split('\n');
    const stored: Record<string, unknown[]> = {};
    for (const shape of shapes) {
      const path = join(dir, shapeFileNames[shape]);
      const header = shapeHeader(shape);
      writeFileSync(path, [...(header ? [header] : []), ...lines.map((l) => rewriteLine(shape, l))].join('\n') + '\n');
      const db = await Database.open(':memory:');
      try {
        const result = await ingestFiles(db, [path], { format: 'auto', tz: 'UTC', strict: false });
        expect(result).toMatchObject({ messages: 3000, rejected: 0, duplicates: 0 });
        stored[shape] = await db.all(
          `select station_id, received_at, direction, message_type, unique_id, action, payload::varchar as payload, frame_hash from messages order by line_no`,
        );
      } finally {
        db.close();
      }
    }
    expect(stored['usual']).toHaveLength(3000);
    for (const shape of shapes) expect(stored[shape], shape).toEqual(stored['usual']);
  });
});
