import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrations.js';
import { Database as Db } from '../../src/db/database.js';
import { runResult } from '../../src/analysis/results.js';
import { CliError } from '../../src/errors.js';
import { buildReport } from '../../src/report/report.js';
import { chartWarnings } from '../../src/report/charts.js';
import { stationSlug } from '../../src/report/html.js';
import { ingested, outputDir, startTags, withoutGeneratedLine } from './helpers.js';
import { tempDir } from '../ingest/helpers.js';

const allData = { from: null, to: null };
const oddLog = join(import.meta.dirname, 'fixtures', 'odd_station_ids.jsonl');
const nord = 'Bahnhofstraße "Nord" 3';
const gare = "Gare d'Austerlitz #2 & <b>bold</b>";
const hostileId = '</script><img src=x onerror=window.__xss=1>';
const tokyo = '東京 駅-01';

function reportData(page: string): Record<string, unknown> {
  const m = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(page);
  expect(m, 'the JSON data block').not.toBeNull();
  return JSON.parse(m![1]!) as Record<string, unknown>;
}

describe('the report of the scenario fixtures', () => {
  let db: Database;
  let page: string;

  beforeAll(async () => {
    db = await ingested();
    chartWarnings.length = 0;
    page = (await buildReport(db, { window: allData, now: new Date('2026-04-01T00:00:00Z') })).html;
  });
  afterAll(() => db?.close());

  test('free text shows as text and no markup from the data becomes a tag', () => {
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)');
    expect(page).toContain('&lt;/script&gt;&lt;img src=x onerror=window.__xss=1&gt;');
    const tags = startTags(page);
    expect(tags.filter((t) => t.tag === 'script').map((t) => [...t.attributes.keys()])).toEqual([['type', 'id'], []]);
    const pageTags = new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'header', 'h1', 'h2', 'h3', 'p', 'b', 'code', 'nav', 'a', 'main', 'section', 'div', 'span', 'figure', 'figcaption', 'table', 'caption', 'thead', 'tbody', 'tr', 'th', 'td', 'button', 'footer', 'script', 'svg', 'g', 'path', 'rect', 'line', 'text', 'defs', 'lineargradient', 'stop', 'clippath']);
    expect(tags.filter((t) => !pageTags.has(t.tag)).map((t) => t.tag)).toEqual([]);
    expect(page).not.toContain('<b>bold');
    for (const t of tags) for (const name of t.attributes.keys()) expect(name, `<${t.tag} ${name}>`).not.toMatch(/^on/);
  });

  test('the JSON data block escapes < and reads back the station ids unchanged', () => {
    const block = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page)![1]!;
    expect(block).not.toMatch(/[<>]/);
    const data = reportData(page);
    const detail = data['detail_stations'] as { station_id: string; anchor: string }[];
    expect(detail.map((d) => d.station_id)).toEqual(expect.arrayContaining([nord, gare, hostileId, tokyo]));
    for (const d of detail) expect(d.anchor).toBe(stationSlug(d.station_id));
  });

  test('nothing refers outside the page: no src, only #fragment links, no URL in styles', () => {
    const tags = startTags(page);
    expect(tags.filter((t) => t.attributes.has('src'))).toEqual([]);
    const hrefs = tags.flatMap((t) => [t.attributes.get('href'), t.attributes.get('xlink:href')].filter((h) => h !== undefined));
    expect(hrefs.length).toBeGreaterThan(10);
    for (const href of hrefs) expect(href).toMatch(/^#[A-Za-z0-9_-]+$/);
    for (const t of tags) for (const [name, value] of t.attributes) if (name !== 'content') expect(value, `${t.tag} ${name}`).not.toMatch(/^\s*(https?:|\/\/|data:|javascript:)/i);
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    expect(style).not.toMatch(/@import|url\(/);
    expect(page.replace(/url\(#[A-Za-z0-9_-]+\)/g, '')).not.toMatch(/url\(/);
    expect(page).not.toMatch(/xmlns/);
  });

  test('the policy lets exactly the page script and stylesheet run', () => {
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)![1]!.replace(/&#39;/g, "'");
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1]!;
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(policy).toContain(`script-src ${hash(script)}`);
    expect(policy).toContain(`style-src ${hash(style)}`);
    expect(policy).toContain("default-src 'none'");
  });

  test('every link lands on an element with that id, and ids are unique', () => {
    const tags = startTags(page);
    const ids = tags.map((t) => t.attributes.get('id')).filter((id): id is string => id !== undefined);
    expect(new Set(ids).size).toBe(ids.length);
    const hrefs = tags.map((t) => t.attributes.get('href')).filter((h): h is string => h !== undefined);
    for (const href of hrefs) expect(ids, href).toContain(href.slice(1));
    for (const station of [nord, gare, hostileId, tokyo]) expect(hrefs).toContain(`#${stationSlug(station)}`);
  });

  test('every section is there, with a chart in each chart section and no chart warning', () => {
    for (const id of ['headline', 'codes', 'trend', 'heatmap', 'chronic', 'locks', 'dispatch', 'mechanisms', 'models', 'quality', 'stations']) {
      expect(page, id).toContain(`id="${id}"`);
    }
    const charts = [...page.matchAll(/<figure class="chart" data-chart="([a-z]+)"/g)].map((m) => m[1]);
    expect(new Set(charts)).toEqual(new Set(['commonality', 'trend', 'heatmap', 'locks', 'models', 'timeline']));
    expect(chartWarnings).toEqual([]);
  });

  test('the headline figures are the summary totals of the window', async () => {
    const [totals] = await runResult(db, 'summary_totals');
    const [fleet] = await runResult(db, 'remediation_fleet');
    const headline = (reportData(page)['headline'] as { figure: string; current: number | null }[]).reduce<Record<string, number | null>>(
      (all, h) => ({ ...all, [h.figure]: h.current }),
      {},
    );
    expect(headline).toEqual({
      episodes: totals!['episodes'],
      stations_affected: totals!['stations_affected'],
      downtime_h: totals!['downtime_h'],
      chronic_stations: totals!['chronic_stations'],
      stuck_lock: totals!['stuck_lock'],
      driver_misuse: totals!['driver_misuse'],
      undetermined: totals!['undetermined'],
      unlock_success_rate: fleet!['unlock_success_rate'],
    });
  });

  test('the same data and window give the same bytes apart from the generated-at line', async () => {
    const again = (await buildReport(db, { window: allData, now: new Date('2030-12-31T23:59:59Z') })).html;
    expect(again).not.toBe(page);
    expect(withoutGeneratedLine(again)).toBe(withoutGeneratedLine(page));
    const a = page.split('\n');
    const b = again.split('\n');
    expect(a.length).toBe(b.length);
    expect(a.filter((line, i) => line !== b[i])).toHaveLength(1);
  });
});

describe('windows and stations', () => {
  let db: Database;
  beforeAll(async () => {
    db = await ingested([oddLog]);
  });
  afterAll(() => db?.close());

  test('a window without faults gives a clear report, not an error', async () => {
    const { html, episodes } = await buildReport(db, { window: { from: '2026-03-02T09:56:00.000Z', to: '2026-03-02T10:00:00.000Z' } });
    expect(episodes).toBe(0);
    expect(html).toContain('No faults in this window');
    expect(html).not.toContain('<figure');
    expect(html).toContain('id="quality"');
  });

  test('a window after the data says so', async () => {
    const { html } = await buildReport(db, { window: { from: '2027-01-01T00:00:00.000Z', to: null } });
    expect(html).toContain('No data in this window');
  });

  test('figures compare with the window of the same length before', async () => {
    // 12:30 to 15:30: one Nord episode (12:00-12:05 ends before) ... the hostile station's three at 13, 14, 15;
    // 09:30 to 12:30 before it: the stuck lock at 09:31 and Nord's three
    const { html } = await buildReport(db, { window: { from: '2026-03-02T12:30:00.000Z', to: '2026-03-02T15:30:00.000Z' } });
    const headline = reportData(html)['headline'] as { figure: string; current: number | null; previous: number | null }[];
    const get = (figure: string) => headline.find((h) => h.figure === figure)!;
    expect(get('episodes')).toEqual({ figure: 'episodes', current: 3, previous: 4 });
    expect(get('stuck_lock')).toEqual({ figure: 'stuck_lock', current: 0, previous: 1 });
    expect(get('stations_affected')).toEqual({ figure: 'stations_affected', current: 1, previous: 2 });
    expect(html).toMatch(/▼ -1 \(-25%\) vs 4 before/);
  });

  test('--station keeps only the stations asked for', async () => {
    const { html, episodes, stations } = await buildReport(db, { window: allData, stations: [nord, tokyo] });
    expect(episodes).toBe(6);
    expect(stations).toBe(2);
    expect(html).toContain(`id="${stationSlug(nord)}"`);
    expect(html).toContain(`id="${stationSlug(tokyo)}"`);
    expect(html).not.toContain('Austerlitz');
    expect(html).not.toContain('__xss');
  });

  test('a --station that is not in the database is an error that shows real ids', async () => {
    const error = await buildReport(db, { window: allData, stations: ['CP-404'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toMatch(/no station 'CP-404'.*exactly as logged.*'Bahnhofstraße "Nord" 3'/s);
  });

  test('an empty database is an error that says to ingest first', async () => {
    const empty = await Db.open(':memory:');
    try {
      await migrate(empty);
      await expect(buildReport(empty, { window: allData })).rejects.toThrow(/holds no data yet: run 'ocpp-faults ingest/);
    } finally {
      empty.close();
    }
  });
});

describe('hidden formatting in free text', () => {
  test("a bidi override, zero-width or control character in a station id, code or info shows as a visible code, in the page and its charts", async () => {
    const dir = tempDir('ocpp-faults-bidi-');
    const station = 'CP-\u202egnp.exe';
    const frame = (at: string, id: string, payload: Record<string, unknown>) =>
      JSON.stringify({ timestamp: at, chargeBoxId: station, direction: 'in', message: [2, id, 'StatusNotification', { connectorId: 1, timestamp: at, ...payload }] });
    const lines = [1, 2, 3].flatMap((h) => [
      frame(`2026-03-02T1${h}:00:00.000Z`, `f${h}`, { errorCode: 'OtherError', status: 'Faulted', info: 'door\u200bopen\u2066\t\u001b[31m', vendorErrorCode: 'E\u2028\u202d1' }),
      frame(`2026-03-02T1${h}:10:00.000Z`, `a${h}`, { errorCode: 'NoError', status: 'Available' }),
    ]);
    writeFileSync(join(dir, 'bidi.jsonl'), `${lines.join('\n')}\n`);
    const db = await ingested([join(dir, 'bidi.jsonl')]);
    try {
      const page = (await buildReport(db, { window: allData, now: new Date('2026-04-01T00:00:00Z') })).html;
      const shown = page.replace(/<script type="application\/json" id="report-data">[\s\S]*?<\/script>/, '');
      expect(shown.match(/[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g)).toBeNull();
      expect(shown).toContain('<h3>Station <span class="station-id">CP-\\u202egnp.exe</span>');
      // and controls, which a browser shows as nothing or a space
      expect(shown).toContain('<td class="text">door\\u200bopen\\u2066\\t\\x1b[31m</td>');
      expect(shown).toContain('E\\u2028\\u202d1');
      expect(shown).toContain('aria-label="Error episodes of station CP-\\u202egnp.exe over the window, per connector"');
      expect(shown).toMatch(/<text [^>]*>CP-\\u202egnp\.exe<\/text>/);
      // the data block keeps the id as logged, for whatever reads it
      expect((reportData(page)['detail_stations'] as { station_id: string }[]).map((d) => d.station_id)).toEqual([station]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('size', () => {
  test('a 500-station month with faults every day stays under 3 MB, with room to spare', async () => {
    const db = await Db.open(':memory:');
    try {
      await migrate(db);
      await fillFleet(db, { stations: 500, days: 30 });
      const report = await buildReport(db, { window: allData });
      expect(report.episodes).toBe(500 * 2 * 30 * 3);
      expect(report.detailSections).toBeLessThanOrEqual(70);
      // the limit is 3 MB; the page's caps keep it near 1.7 MB, so a regression shows long before the limit
      expect(report.bytes).toBeLessThan(2.5 * 1024 * 1024);
      await mkdir(outputDir, { recursive: true });
      await writeFile(join(outputDir, 'size-500-stations-30-days.html'), report.html);
    } finally {
      db.close();
    }
  });
});

/**
 * A synthetic fleet straight into the tables: every station boots once, and each of its two connectors has three
 * faults a day (a rotating code, 20 minutes each, so every lock failure is a stuck lock) for `days` days.
 */
async function fillFleet(db: Database, options: { stations: number; days: number }): Promise<void> {
  await db.run(
    `insert into station_boots
     select printf('CP-%04d', s), timestamptz '2026-03-01 00:00:00+00', 'Vendor ' || (s % 4), 'Model ' || (s % 3), '1.' || (s % 5), null, 'Accepted', 300
     from range(1, $stations + 1) t(s)`,
    { stations: options.stations },
  );
  await db.run(
    `insert into status_notifications
     with faults as (
         select s, c, d, k,
             timestamptz '2026-03-01 00:00:00+00' + to_seconds(d * 86400 + k * 28800 + s * 7 + c * 600) as ts,
             ['ConnectorLockFailure', 'GroundFailure', 'OverVoltage', 'OtherError', 'ConnectorLockFailure', 'EVCommunicationError'][1 + (s + k + d) % 6] as code
         from range(1, $stations + 1) a(s), range(1, 3) b(c), range(0, $days) e(d), range(0, 3) f(k)
     ),
     rows as (
         select s, c, ts, 'Faulted' as status, code, 'synthetic fault ' || s || '/' || c as info, 0 as part from faults
         union all
         select s, c, ts + interval 20 minute, 'Available', 'NoError', null, 1 from faults
     )
     select printf('CP-%04d', s), c, status, code, info, null, null, ts, strftime(ts, '%Y-%m-%dT%H:%M:%SZ'), ts, ts, 'reported',
         true, true, false, 0, false, 'ocpp', 0, 1, row_number() over (order by ts, s, c, part)
     from rows`,
    { stations: options.stations, days: options.days },
  );
}
