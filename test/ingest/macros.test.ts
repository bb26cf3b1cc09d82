import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { duckdb } from '../../src/db/duckdb.js';
import { csvPatterns } from '../../src/ingest/stage.js';

// texts at the edges of what trim() takes away: spaces, Unicode spaces, a tab and a line end (which it keeps), a
// space before a combining accent (a character of its own to trim), ASCII white space that blank_line takes as blank
// too, alone and mixed with spaces, empty, null
const texts = [' a ', 'a', '', '   ', '\u00a0x\u3000', '\t', '\tx', 'x\r', ' \u0301abc', 'abc \u0301', 'a b', '\u3000', ' \t\u000b\f\r ', '\u3000\t', '\t\u0085', null];

describe('the cheap tests that stand for trim()', () => {
  let db: Database;
  beforeAll(async () => {
    db = await Database.open(':memory:');
  });
  afterAll(() => db.close());

  it('trimmed(text) is trim(text), and blank_line(text) is trim(text) = \'\' once tabs, vertical tabs, form feeds and CRs are spaces, for every text', async () => {
    const rows = await db.all<{ text: string | null; trimmed: string | null; trim: string | null; blank: boolean; trim_blank: boolean }>(
      `select text, trimmed(text) as trimmed, trim(text) as trim, blank_line(text) as blank, text is null or trim(translate(text, chr(9) || chr(11) || chr(12) || chr(13), '    ')) = '' as trim_blank
       from unnest($texts) t(text)`,
      { texts: duckdb.listValue(texts) },
    );
    expect(rows).toHaveLength(texts.length);
    for (const row of rows) {
      expect(row.trimmed, JSON.stringify(row.text)).toBe(row.trim);
      expect(row.blank, JSON.stringify(row.text)).toBe(row.trim_blank);
    }
    // what trim() itself does with them, so that the list covers both outcomes of each test
    expect(rows.filter((r) => r.blank).map((r) => r.text)).toEqual(['', '   ', '\t', '\u3000', ' \t\u000b\f\r ', '\u3000\t', null]);
    expect(rows.filter((r) => r.trimmed !== r.text).map((r) => r.text)).toEqual([' a ', '   ', '\u00a0x\u3000', ' \u0301abc', '\u3000', ' \t\u000b\f\r ', '\u3000\t']);
  });
});

describe('csv_tiled_fields', () => {
  let db: Database;
  beforeAll(async () => {
    db = await Database.open(':memory:');
  });
  afterAll(() => db.close());

  // records at the edges of RFC 4180 quoting, written with a comma; for the other delimiters the commas are swapped
  const records = [
    'a,b,c', 'a,,c', ',', '', 'x', '"a,b",c', '"a""b",c', '"",""', '"a"b,c', 'a"b,c', '"a', 'a,"b', '"a""', '""""',
    'a ,"b"', 'a, "b"', '"a" ,b', '"a\nb",c', 'a,b"', '"a","b","c"', '"a",,"', '5" display,x', '"x""y""z"',
  ];

  for (const delimiter of [',', ';', '\t', '|']) {
    it(`gives the fields where the whole-record pattern matches, and null where it does not (${JSON.stringify(delimiter)})`, async () => {
      const { valid, field } = csvPatterns(delimiter);
      const texts = records.map((r) => r.replaceAll(',', delimiter));
      const rows = await db.all<{ record: string; fields: string[] | null; full: boolean; split: string[] }>(
        `select record, csv_tiled_fields(regexp_extract_all(record || $delimiter, $field), record, $delimiter) as fields,
                regexp_full_match(record, $valid) as full, csv_raw_fields(record, $delimiter, $field) as split
         from unnest($texts) t(record)`,
        { texts: duckdb.listValue(texts), delimiter, field, valid },
      );
      expect(rows).toHaveLength(records.length);
      for (const row of rows) {
        expect(row.fields !== null, JSON.stringify(row.record)).toBe(row.full);
        if (row.full) expect(row.fields, JSON.stringify(row.record)).toEqual(row.split);
      }
      // the records that quote correctly, by hand ('' is one empty field)
      expect(rows.filter((r) => r.full).map((r) => r.record.replaceAll(delimiter, ','))).toEqual([
        'a,b,c', 'a,,c', ',', '', 'x', '"a,b",c', '"a""b",c', '"",""', '""""', 'a ,"b"', '"a\nb",c', '"a","b","c"', '"x""y""z"',
      ]);
      expect(rows[5]!.fields).toEqual(['"a' + delimiter + 'b"', 'c']);
    });
  }
});

describe('parse_time on zone-less times', () => {
  let db: Database;
  beforeAll(async () => {
    db = await Database.open(':memory:');
  });
  afterAll(() => db.close());

  // the shapes plain_local_time reads by one pattern test, and texts beside them that only the regular expressions
  // may read: each as parse_time reads it in Europe/Berlin (UTC+1 in March)
  const cases: [string, string | null][] = [
    ['2026-03-02 10:00:00', '2026-03-02T09:00:00.000Z'],
    ['2026-03-02T10:00:00', '2026-03-02T09:00:00.000Z'],
    ['2026-03-02 10:00:00.123', '2026-03-02T09:00:00.123Z'],
    ['2026-03-02T10:00:00.123', '2026-03-02T09:00:00.123Z'],
    ['2026-03-02 10:00:00.12', '2026-03-02T09:00:00.120Z'],
    [' 2026-03-02 10:00:00', '2026-03-02T09:00:00.000Z'],
    ['2026-03-02t10:00:00', '2026-03-02T09:00:00.000Z'],
    ['1999-03-02 10:00:00', '1999-03-02T09:00:00.000Z'],
    ['2026-03-02 10:00:00 UTC', '2026-03-02T10:00:00.000Z'],
    ['2026-03-02 10:00:00+02:00', '2026-03-02T08:00:00.000Z'],
    ['2026-13-02 10:00:00', null],
    ['2026-02-30 10:00:00.000', null],
    ['2026-03-02 1\t:00:00', null],
    ['2026-03-02 10:00:0 ', null],
    ['2026-03-02 10:00:0x', null],
  ];

  it('reads each as the ISO shapes say, whichever test takes it', async () => {
    const rows = await db.all<{ text: string; at: Date | null }>(
      `select text, parse_time(text, 'Europe/Berlin') as at from unnest($texts) with ordinality t(text, i) order by i`,
      { texts: duckdb.listValue(cases.map(([text]) => text)) },
    );
    expect(rows.map((r) => [r.text, r.at === null ? null : r.at.toISOString()])).toEqual(cases);
  });
});
