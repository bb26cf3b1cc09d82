/**
 * The bench's fleet log in the other shapes real exports come in (see ../shared/reference: JSON lines under other key
 * names or with frames as strings, a CSV of frames, SteVe's log), so that `npm run bench -- --shapes` times each
 * format's ingest on the same messages.
 */

/** The usual line of the fleet log: what every other shape is made from. */
interface FleetLine {
  timestamp: string;
  chargeBoxId: string;
  direction: 'in' | 'out';
  message: unknown[];
}

export const shapes = ['usual', 'other-keys', 'string-frames', 'frames-csv', 'steve-log'] as const;
export type Shape = (typeof shapes)[number];

export const shapeFileNames: Record<Shape, string> = {
  usual: 'usual.jsonl',
  'other-keys': 'other-keys.jsonl',
  'string-frames': 'string-frames.jsonl',
  'frames-csv': 'frames.csv',
  'steve-log': 'steve.log',
};

/** The first line of a file of the shape, before its messages: the CSV's header. */
export function shapeHeader(shape: Shape): string | undefined {
  return shape === 'frames-csv' ? 'timestamp,id,action,msg' : undefined;
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** `2026-03-02T10:00:00.713Z` as SteVe writes its (server-local, here UTC) times: `2026-03-02 10:00:00,713`. */
function steveTime(iso: string): string {
  return iso.replace('T', ' ').replace('Z', '').replace('.', ',');
}

/** One line of the fleet log (`timestamp`, `chargeBoxId`, `direction`, `message`) written in `shape`. */
export function rewriteLine(shape: Shape, line: string): string {
  if (shape === 'usual') return line;
  const { timestamp, chargeBoxId, direction, message } = JSON.parse(line) as FleetLine;
  const frame = JSON.stringify(message);
  switch (shape) {
    case 'other-keys':
      return JSON.stringify({ receivedAt: timestamp, chargePointId: chargeBoxId, direction, frame: message });
    case 'string-frames':
      return JSON.stringify({ timestamp, chargeBoxId, direction, message: frame });
    case 'frames-csv':
      // a CALLRESULT's or CALLERROR's action is empty, as in the pipeline's raw table
      return [timestamp, chargeBoxId, message[0] === 2 ? String(message[2]) : '', frame].map(csvField).join(',');
    case 'steve-log':
      return (
        `[INFO ] ${steveTime(timestamp)} de.rwth.idsg.steve.ocpp.ws.WebSocketLogger (qtp-27) - ` +
        `[chargeBoxId=${chargeBoxId}, sessionId=bench] ${direction === 'in' ? 'Received' : 'Sending'}: ${frame}`
      );
  }
}
