import { describe, expect, it } from 'vitest';
import { displayWidth, formatTable, terminalSafe } from '../../src/tty.js';
import { formatWritten } from '../../src/commands/report.js';

describe('terminalSafe', () => {
  it('shows line breaks, tabs and other controls as visible codes', () => {
    expect(terminalSafe('a\tb\nc\rd\u001b[31me\u0007f\u007fg\u009bh')).toBe('a\\tb\\nc\\rd\\x1b[31me\\x07f\\x7fg\\x9bh');
  });

  it('shows bidi controls and invisible characters as \\u codes', () => {
    // U+202E would show the station id "CP-\u202Egnp.exe" as "CP-exe.png"
    expect(terminalSafe('CP-\u202egnp.exe')).toBe('CP-\\u202egnp.exe');
    expect(terminalSafe('\u2066x\u2069 \u200ey\u200f \u061c')).toBe('\\u2066x\\u2069 \\u200ey\\u200f \\u061c');
    expect(terminalSafe('a\u2028b\u2029c')).toBe('a\\u2028b\\u2029c');
    expect(terminalSafe('zero\u200bwidth\u200d\u2060\ufeff\u00ad')).toBe('zero\\u200bwidth\\u200d\\u2060\\ufeff\\xad');
  });

  it('leaves printable text of any script as it is', () => {
    expect(terminalSafe('Ladesäule 東京 ΑΒΓ café 🔌 \\n')).toBe('Ladesäule 東京 ΑΒΓ café 🔌 \\n');
  });
});

describe('displayWidth', () => {
  it('counts CJK and emoji as two columns and combining marks as none', () => {
    expect(displayWidth('CP-1')).toBe(4);
    expect(displayWidth('東京-1')).toBe(6);
    expect(displayWidth('cafe\u0301')).toBe(4);
    expect(displayWidth('🔌')).toBe(2);
  });
});

describe('formatTable', () => {
  const columns = [
    { header: 'station', value: (r: { id: string; n: number }) => r.id },
    { header: 'episodes', value: (r: { id: string; n: number }) => r.n },
  ];

  it('pads by display width, so wide and combining characters keep the columns aligned', () => {
    const table = formatTable(
      [
        { id: 'CP-1', n: 3 },
        { id: '東京-1', n: 12 },
        { id: 'cafe\u0301-2', n: 1 },
      ],
      columns,
    );
    expect(table.split('\n')).toEqual([
      'station  episodes',
      '───────  ────────',
      'CP-1            3',
      '東京-1         12',
      'cafe\u0301-2          1',
    ]);
  });

  it('escapes a cell whose tab or bidi override would move the columns after it', () => {
    const table = formatTable(
      [
        { id: 'CP\t1', n: 3 },
        { id: 'CP-\u202e2', n: 4 },
      ],
      columns,
    );
    expect(table.split('\n')).toEqual([
      'station     episodes',
      '──────────  ────────',
      'CP\\t1              3',
      'CP-\\u202e2         4',
    ]);
  });
});

describe("the report command's closing line", () => {
  it('shows a newline or escape in the output path escaped', () => {
    expect(formatWritten({ path: '/out/a\nb\u001b[2J.html', bytes: 2048, episodes: 1, stations: 1, detailSections: 1 })).toBe(
      'Report written to /out/a\\nb\\x1b[2J.html (2.0 KB; 1 error episode on 1 station, 1 station section).',
    );
  });
});
