import { describe, expect, it } from 'vitest';
import { jsonLinesKeys } from '../../src/ingest/detect.js';

describe('the keys the JSON reader reads of a JSON-lines file', () => {
  it('are the usual ones for the usual lines, and for no lines at all', () => {
    const usual = { time: ['timestamp'], station: ['chargeBoxId'], frame: ['message'], framesAsText: false };
    expect(jsonLinesKeys(['{"timestamp":"2026-03-02T10:00:00Z","chargeBoxId":"CP-1","direction":"in","message":[2,"a","Heartbeat",{}]}'])).toEqual(usual);
    expect(jsonLinesKeys([])).toEqual(usual);
  });

  it('run, in each group, up to the last key any first line uses', () => {
    expect(
      jsonLinesKeys([
        '{"receivedAt":"2026-03-02T10:00:00Z","identity":"CP-1","msg":[2,"a","Heartbeat",{}]}',
        '{"timestamp":"2026-03-02T10:00:01Z","chargeBoxId":"CP-1","message":[2,"b","Heartbeat",{}]}',
        // not JSON, and not an object: no keys of theirs
        '{"ts":"2026-03-02T10:00:02Z",',
        '["charge_point_id"]',
      ]),
    ).toEqual({
      time: ['timestamp', 'receivedAt'],
      station: ['chargeBoxId', 'chargePointId', 'stationId', 'station_id', 'identity'],
      frame: ['message', 'frame', 'msg'],
      framesAsText: false,
    });
  });

  it('read frames as texts when a first line sends one as a string and no array beside it', () => {
    const line = (frames: Record<string, unknown>) => JSON.stringify({ timestamp: '2026-03-02T10:00:00Z', chargeBoxId: 'CP-1', ...frames });
    expect(jsonLinesKeys([line({ message: '[2,"a","Heartbeat",{}]' })]).framesAsText).toBe(true);
    expect(jsonLinesKeys([line({ message: '[2,"a","Heartbeat",{}]', frame: [2, 'a', 'Heartbeat', {}] })]).framesAsText).toBe(false);
    expect(jsonLinesKeys([line({ message: { action: 'Heartbeat' } })]).framesAsText).toBe(false);
  });
});
