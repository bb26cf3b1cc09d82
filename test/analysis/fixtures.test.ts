import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, test } from 'vitest';
import { Database } from '../../src/db/database.js';
import { ingestFiles } from '../../src/ingest/ingest.js';
import { runResult, type ResultName } from '../../src/analysis/results.js';
import { parseWindow, type AnalysisWindow } from '../../src/analysis/window.js';
import { exportResults } from '../../src/export/export.js';
import { normalise } from './helpers.js';

/**
 * End to end: each scenario log in fixtures/analysis/<scenario>.jsonl is ingested into a fresh database and the
 * results are compared with <scenario>.expected.json: every row of each listed result, in order, on the columns
 * the expected rows name. "windows" repeats that for --from/--to given as on the command line; "csv" checks the
 * exported CSV cells as text.
 */
interface Expected {
  scenario: string;
  results?: Record<string, Record<string, unknown>[]>;
  windows?: { from?: string; to?: string; results: Record<string, Record<string, unknown>[]> }[];
  csv?: Record<string, Record<string, string>[]>;
}

const dir = join(import.meta.dirname, '../../fixtures/analysis');
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith('.expected.json'))
  .map((f) => f.replace(/\.expected\.json$/, ''));

async function ingested(scenario: string): Promise<Database> {
  const db = await Database.open(':memory:');
  await ingestFiles(db, [join(dir, `${scenario}.jsonl`)], { format: 'auto', tz: 'UTC', strict: false });
  return db;
}

async function compare(db: Database, expected: Record<string, Record<string, unknown>[]>, window: AnalysisWindow): Promise<void> {
  for (const [name, rows] of Object.entries(expected)) {
    const actual = await runResult(db, name as ResultName, { window });
    const picked = actual.map((row, i) => Object.fromEntries(Object.keys(rows[i] ?? rows[0] ?? {}).map((c) => [c, normalise(row[c])])));
    expect(picked, name).toEqual(rows);
  }
}

describe('scenario fixtures, ingested end to end', { timeout: 30_000 }, () => {
  test('every scenario log has its expected results beside it', async () => {
    const logs = (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).map((f) => f.replace(/\.jsonl$/, ''));
    expect(scenarios.sort()).toEqual(logs.sort());
  });

  test.each(scenarios)('%s', async (scenario) => {
    const expected = JSON.parse(readFileSync(join(dir, `${scenario}.expected.json`), 'utf8')) as Expected;
    const db = await ingested(scenario);
    try {
      if (expected.results) await compare(db, expected.results, { from: null, to: null });
      for (const w of expected.windows ?? []) await compare(db, w.results, parseWindow({ from: w.from, to: w.to }));
      if (expected.csv) {
        const out = await mkdtemp(join(tmpdir(), 'ocpp-faults-fixture-'));
        try {
          await exportResults(db, out, { format: 'csv', results: Object.keys(expected.csv) as ResultName[] });
          for (const [name, rows] of Object.entries(expected.csv)) {
            const cells = parse(await readFile(join(out, `${name}.csv`)), { columns: true }) as Record<string, string>[];
            expect(cells.map((row, i) => Object.fromEntries(Object.keys(rows[i] ?? {}).map((c) => [c, row[c]]))), name).toEqual(rows);
          }
        } finally {
          await rm(out, { recursive: true, force: true });
        }
      }
    } finally {
      db.close();
    }
  });
});
