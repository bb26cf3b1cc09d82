import { describe, expect, it } from 'vitest';
import { formatIngestSummary } from '../../src/commands/ingest.js';
import type { FileOutcome, IngestResult } from '../../src/ingest/ingest.js';

function file(i: number, change: Partial<FileOutcome> = {}): FileOutcome {
  return { path: `/in/f${String(i).padStart(2, '0')}.jsonl`, format: 'ocpp-jsonl', status: 'ingested', lines: 10, messages: 10, status_notifications: 0, duplicates: 0, skipped_lines: 0, rejected: 0, ...change };
}

function result(files: FileOutcome[], rolledBack = false): IngestResult {
  const sum = (key: 'messages' | 'rejected') => files.reduce((total, f) => total + f[key], 0);
  return {
    files_ingested: files.filter((f) => f.status === 'ingested').length,
    files_skipped: files.filter((f) => f.status === 'skipped').length,
    messages: sum('messages'),
    status_notifications: 0,
    duplicates: 0,
    rejected: sum('rejected'),
    skipped_lines: 0,
    rejects: [],
    files,
    rolled_back: rolledBack,
  };
}

const rowsOf = (summary: string) => summary.split('\n').filter((line) => line.startsWith('/in/')).map((line) => line.split(/\s+/)[0]);
const hint = "(the database's files table has every file's counts)";

describe('the ingest summary', () => {
  it('lists every file of a run of up to 20', () => {
    const files = Array.from({ length: 20 }, (_, i) => file(i));
    const summary = formatIngestSummary(result(files), '/db');
    expect(rowsOf(summary)).toEqual(files.map((f) => f.path));
    expect(summary).not.toContain('more file(s)');
  });

  it('of a longer run, lists the files with rejected lines or a note, in input order, and counts the others', () => {
    const files = Array.from({ length: 25 }, (_, i) => file(i));
    files[3] = file(3, { rejected: 2, messages: 8 });
    files[7] = file(7, { note: 'gzip stream cut short: the last line is rejected', rejected: 1, messages: 9 });
    files[11] = file(11, { status: 'skipped', note: 'already ingested (same sha256)', lines: 0, messages: 0 });
    files[19] = file(19, { rejected: 1, messages: 9 });
    const summary = formatIngestSummary(result(files), '/db');
    expect(rowsOf(summary)).toEqual(['/in/f03.jsonl', '/in/f07.jsonl', '/in/f19.jsonl']);
    expect(summary).toContain(`… and 22 more file(s), none with rejected lines ${hint}.`);
    expect(summary).toContain('Ingested 24 file(s), skipped 1 already ingested: 236 messages (0 status notifications), 0 duplicates, 0 skipped lines, 4 rejected.');
  });

  it('lists at most 20, and says how many of the rest had rejected lines', () => {
    const files = Array.from({ length: 30 }, (_, i) => file(i, i < 23 ? { rejected: 1, messages: 9 } : {}));
    const summary = formatIngestSummary(result(files), '/db');
    expect(rowsOf(summary)).toEqual(files.slice(0, 20).map((f) => f.path));
    expect(summary).toContain(`… and 10 more file(s), 3 of them with rejected lines ${hint}.`);
  });

  it('of a longer run with nothing worth a look, prints no table', () => {
    const summary = formatIngestSummary(result(Array.from({ length: 21 }, (_, i) => file(i))), '/db');
    expect(summary.split('\n')[0]).toBe(`21 files, none with rejected lines, are not listed one by one ${hint}.`);
    expect(summary).not.toContain('file  ');
  });

  it('rolled back by --strict, points at no files table', () => {
    const files = Array.from({ length: 21 }, (_, i) => file(i, i === 0 ? { rejected: 1, messages: 9 } : {}));
    const summary = formatIngestSummary(result(files, true), '/db');
    expect(summary).toContain('… and 20 more file(s), none with rejected lines.');
    expect(summary).not.toContain('files table');
  });
});
