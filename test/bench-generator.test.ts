import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateFleet } from '../bench/generate.js';

const MESSAGES = 2000;
const ACTIONS_IN = new Set(['BootNotification', 'Heartbeat', 'StatusNotification', 'Authorize', 'StartTransaction', 'StopTransaction', 'MeterValues', 'DataTransfer']);
const ACTIONS_OUT = new Set(['UnlockConnector', 'Reset']);

interface LogLine {
  timestamp: string;
  chargeBoxId: string;
  direction: 'in' | 'out';
  message: unknown[];
}

let dir: string;

async function generate(name: string, messages: number, seed: number): Promise<{ text: string; bytes: number }> {
  const out = join(dir, name);
  const result = await generateFleet({ messages, seed, out });
  return { text: await readFile(out, 'utf8'), bytes: result.bytes };
}

function linesOf(text: string): string[] {
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

/** Checks the frame shape and returns the CALL ids that never got an answer. */
function unansweredCalls(lines: LogLine[]): string[] {
  const open = new Map<string, LogLine>();
  for (const line of lines) {
    const [type, id] = line.message;
    expect(typeof id).toBe('string');
    const key = `${line.chargeBoxId}/${String(id)}`;
    if (type === 2) {
      const [, , action, payload] = line.message;
      expect(line.message).toHaveLength(4);
      expect((line.direction === 'in' ? ACTIONS_IN : ACTIONS_OUT).has(String(action))).toBe(true);
      expect(typeof payload).toBe('object');
      expect(open.has(key)).toBe(false);
      open.set(key, line);
    } else {
      expect([3, 4]).toContain(type);
      expect(line.message).toHaveLength(type === 3 ? 3 : 5);
      const call = open.get(key);
      expect(call, `answer ${key} without its CALL`).toBeDefined();
      expect(line.direction).not.toBe(call!.direction);
      open.delete(key);
    }
  }
  return [...open.keys()];
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bench-generator-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('generateFleet', () => {
  test('is deterministic for a seed and differs between seeds', async () => {
    const first = await generate('a.jsonl', MESSAGES, 1);
    const again = await generate('b.jsonl', MESSAGES, 1);
    const other = await generate('c.jsonl', MESSAGES, 2);
    expect(again.text).toBe(first.text);
    expect(other.text).not.toBe(first.text);
    expect(first.bytes).toBe(Buffer.byteLength(first.text));
  });

  test('writes exactly N valid, time-ordered lines where every CALL is answered', async () => {
    const { text } = await generate('valid.jsonl', MESSAGES, 1);
    const raw = linesOf(text);
    expect(raw).toHaveLength(MESSAGES);
    const lines = raw.map((line) => JSON.parse(line) as LogLine);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['timestamp', 'chargeBoxId', 'direction', 'message']);
      expect(line.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(['in', 'out']).toContain(line.direction);
      expect(Array.isArray(line.message)).toBe(true);
    }
    for (let i = 1; i < lines.length; i++) expect(lines[i]!.timestamp >= lines[i - 1]!.timestamp).toBe(true);
    expect(unansweredCalls(lines)).toEqual([]);
  });

  test('an odd count ends on the one unanswered CALL', async () => {
    const lines = linesOf((await generate('odd.jsonl', MESSAGES + 1, 1)).text).map((line) => JSON.parse(line) as LogLine);
    expect(lines).toHaveLength(MESSAGES + 1);
    const last = lines[lines.length - 1]!;
    expect(unansweredCalls(lines)).toEqual([`${last.chargeBoxId}/${String(last.message[1])}`]);
  });

  test('produces the fault scenarios the analytics look for', async () => {
    const { text } = await generate('mix.jsonl', 20_000, 3);
    expect(text).toContain('"status":"Faulted"');
    expect(text).toContain('"errorCode":"ConnectorLockFailure"');
    expect(text).toContain('"errorCode":"EVCommunicationError","status":"SuspendedEVSE"');
    expect(text).toContain('"UnlockConnector"');
    expect(text).toContain('"Reset",{"type":"Hard"}');
    expect(text).toContain('"StopTransaction"');
    expect(text).toMatch(/"connectorId":0,"errorCode":"(?!NoError)/);
  });
});
