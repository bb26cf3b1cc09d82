import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Alert } from '../analysis/alerts.js';
import type { Row } from '../db/database.js';
import { packageRoot } from '../sql/load.js';
import { axisValues, ChartTemplate, codeScale, renderChart, swatch, type ChartName } from './charts.js';
import type { ReportData } from './data.js';
import { formatCount, formatCountOf, formatDate, formatDuration, formatMinute, formatNumber, formatShare, formatTime, isoTime, num } from './format.js';
import { contentSecurityPolicy, escapeHtml, html, inlineCode, jsonForScript, raw, stationSlug, type Html } from './html.js';

/**
 * ReportData → one self-contained HTML page: the template, stylesheet and sort script from reports/, every chart as
 * inline SVG, every value escaped. A pure function of its inputs: only `generatedAt` differs between two runs on the
 * same data, and it is written on one line of its own.
 */

export interface RenderOptions {
  generatedAt: Date;
  version: string;
}

function asset(name: string): string {
  return readFileSync(join(packageRoot, 'reports', name), 'utf8');
}

export async function renderReport(data: ReportData, options: RenderOptions): Promise<string> {
  const page = new Page(data);
  const sections = await page.sections();
  const style = inlineCode(asset('report.css'), 'style');
  const script = inlineCode(asset('sort.js'), 'script');
  const title = `OCPP fault report ${windowLabel(data)}`;
  const values: Record<string, string> = {
    csp: escapeHtml(contentSecurityPolicy(script, style)),
    version: escapeHtml(options.version),
    title: escapeHtml(title),
    style,
    header: page.header().html,
    generated: `<p class="generated">Generated at ${escapeHtml(options.generatedAt.toISOString())} by ocpp-faults ${escapeHtml(options.version)}.</p>`,
    nav: sections.map((s) => html`<a href="#${s.id}">${s.title}</a>`.html).join(''),
    main: sections.map((s) => s.body.html).join('\n'),
    footer: page.footer().html,
    data: jsonForScript(page.machineData()),
    script,
  };
  return asset('report.html').replace(/\{\{([a-z]+)\}\}/g, (_m, key: string) => {
    if (!(key in values)) throw new Error(`report template placeholder {{${key}}} has no value`);
    return values[key]!;
  });
}

function windowLabel(data: ReportData): string {
  return `${formatMinute(data.window.start)} to ${formatMinute(data.window.end)} UTC`;
}

interface Section {
  id: string;
  title: string;
  body: Html;
}

// ------------------------------------------------------------------------------------------------
// Tables

interface Column<T> {
  header: string;
  /** num: right-aligned, sorts as a number; text: long free text; code: no wrapping */
  kind?: 'num' | 'text' | 'code';
  cell: (row: T) => unknown;
  /** the sort key when it differs from the cell's text (numbers, ISO times) */
  sort?: (row: T) => string | number | null | undefined;
}

function table<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  options: { caption?: Html | string; rowClass?: (row: T) => string | null; label: string; stack?: boolean },
): Html {
  const head = columns.map(
    (c) => html`<th scope="col"${c.kind === 'num' ? raw(' class="num" data-type="number"') : ''}><button type="button">${c.header}</button></th>`,
  );
  const body = rows.map((row) => {
    const cls = options.rowClass?.(row);
    const cells = columns.map((c) => {
      const content = html`${c.cell(row)}`;
      const key = c.sort?.(row);
      // the sort key is written only when the cell's text would not sort the same way by itself
      const keyText = key === undefined ? undefined : escapeHtml(key ?? '');
      const attrs = [
        c.kind ? ` class="${c.kind}"` : '',
        keyText === undefined || keyText === content.html ? '' : ` data-v="${keyText}"`,
        // a stacked table names each cell on a phone, where its header row is hidden
        options.stack ? ` data-label="${escapeHtml(c.header)}"` : '',
      ].join('');
      return html`<td${raw(attrs)}>${content}</td>`;
    });
    return html`<tr${cls ? raw(` class="${escapeHtml(cls)}"`) : ''}>${cells}</tr>`;
  });
  return html`<div class="table-wrap"><table class="${options.stack ? 'sortable stack' : 'sortable'}" aria-label="${options.label}">${options.caption ? html`<caption>${options.caption}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>
${body.map((r) => html`${r}\n`)}</tbody></table></div>`;
}

const shownOf = (shown: number, total: number, what: string, rest = 'the rest are in ocpp-faults export') =>
  total > shown ? `Showing ${formatCount(shown)} of ${formatCount(total)} ${what}; ${rest}.` : '';

const text = (value: unknown) => (value === null || value === undefined || value === '' ? '–' : String(value));

function modelLabel(row: Row): string {
  const parts = [row['vendor'], row['model'], row['firmware_version']].map((v) => (v === null || v === undefined || v === '' ? '?' : String(v)));
  return parts.every((p) => p === '?') ? 'unknown (no BootNotification)' : parts.join(' · ');
}

// ------------------------------------------------------------------------------------------------
// The page

const headlineFigures: Record<string, { label: string; kind: 'count' | 'hours' | 'rate'; better: 'lower' | 'higher' }> = {
  episodes: { label: 'Error episodes', kind: 'count', better: 'lower' },
  stations_affected: { label: 'Stations affected', kind: 'count', better: 'lower' },
  downtime_h: { label: 'Downtime (hours Faulted)', kind: 'hours', better: 'lower' },
  chronic_stations: { label: 'Chronic stations', kind: 'count', better: 'lower' },
  stuck_lock: { label: 'Stuck locks', kind: 'count', better: 'lower' },
  driver_misuse: { label: 'Lock failures: driver misuse', kind: 'count', better: 'lower' },
  undetermined: { label: 'Lock failures: undetermined', kind: 'count', better: 'lower' },
  unlock_success_rate: { label: 'Remote unlock freed the cable', kind: 'rate', better: 'higher' },
};

const lockClassLabels: Record<string, string> = {
  stuck_lock: 'stuck lock (hardware)',
  driver_misuse: 'driver misuse',
  undetermined: 'undetermined',
};

class Page {
  private readonly detailIds: Set<string>;
  private readonly empty: boolean;
  private readonly noData: boolean;
  private chartCount = 0;

  constructor(private readonly data: ReportData) {
    this.detailIds = new Set(data.detail.map((d) => d.stationId));
    this.noData = data.window.seconds <= 0 && Number(data.figures['episodes']) === 0;
    this.empty = Number(data.figures['episodes']) === 0;
  }

  private alerts(alerts: readonly Alert[]): Section {
    const body = alerts.length
      ? table(
          alerts,
          [
            { header: 'alert', kind: 'code', cell: (a) => a.kind.replace(/_/g, ' ') },
            { header: 'station', kind: 'code', cell: (a) => (a.station_id === null ? 'fleet' : this.link(a.station_id)) },
            { header: 'connector', kind: 'num', cell: (a) => text(a.connector_id) },
            { header: 'code', kind: 'code', cell: (a) => text(a.error_code) },
            { header: 'what to do', kind: 'text', cell: (a) => a.message },
          ],
          {
            label: 'Alerts',
            stack: true,
            caption: this.data.alertsJson
              ? 'The same alerts, with the numbers behind each, are in alerts.json beside this report.'
              : 'ocpp-faults nightly writes the same alerts, with the numbers behind each, to alerts.json beside its report.',
          },
        )
      : html`<p>No alerts in this window.</p>`;
    return { id: 'alerts', title: `Alerts (${alerts.length})`, body: html`<section id="alerts"><h2>Alerts</h2>${body}</section>` };
  }

  private link(stationId: unknown): Html {
    const id = String(stationId);
    if (!this.detailIds.has(id)) return html`<span class="station-id">${id}</span>`;
    return html`<a class="station-id" href="#${stationSlug(id)}">${id}</a>`;
  }

  private async chart(name: ChartName, values: Record<string, unknown>, label: string, caption: string): Promise<Html> {
    const id = `chart-${++this.chartCount}`;
    const svg = await renderChart(name, values, id, label);
    return this.figure(name, id, svg, html`${caption}`);
  }

  private figure(name: ChartName, id: string, svg: string, caption: Html): Html {
    return html`<figure class="chart" data-chart="${name}" id="${id}">${raw(svg)}<figcaption>${caption}</figcaption></figure>`;
  }

  header(): Html {
    const w = this.data.window;
    const scope = this.data.stations.length
      ? html`Stations: ${this.data.stations.map((s, i) => html`${i ? ', ' : ''}<span class="station-id">${s}</span>`)}.`
      : html`All stations.`;
    return html`<p class="window">Window: <b>${formatTime(w.start)}</b> to <b>${formatTime(w.end)}</b> UTC (${formatDuration(w.seconds)}), compared with the same length before it (from ${formatTime(w.previousFrom)}). ${scope}</p>
<p class="muted">The database holds data from ${formatTime(w.dataStart)} to ${formatTime(w.dataEnd)} UTC.${w.requestedFrom || w.requestedTo ? ` Requested: ${w.requestedFrom ? `from ${formatTime(w.requestedFrom)}` : 'from the start of the data'} ${w.requestedTo ? `to ${formatTime(w.requestedTo)} (exclusive)` : 'to the end of the data'}.` : ''}</p>`;
  }

  footer(): Html {
    const c = this.data.config;
    return html`<p>Episodes, commonality, recurrence, lock-failure classes and data-quality findings are the results of <code>ocpp-faults export</code> for the same window (columns in docs/exports.md). Chronic: ${c.chronicMinEpisodes} or more episodes of one code on one connector within ${c.chronicWindowDays} days. Stuck lock: after the session stopped, an UnlockFailed, a Reset needed, or ${formatDuration(c.stuckMinDurationS)} or longer. Driver misuse: at plug-in, cleared within ${formatDuration(c.misuseMaxDurationS)} without a remote command. Times are UTC.</p>`;
  }

  /** A small JSON summary in the page for tools (the window, the headline figures); `<` is escaped as \u003c. */
  machineData(): unknown {
    const w = this.data.window;
    return {
      window: { start: isoTime(w.start), end: isoTime(w.end), previous_from: isoTime(w.previousFrom), previous_to: isoTime(w.previousTo), bucket: w.bucket },
      stations: this.data.stations,
      headline: this.data.headline.map((h) => ({ figure: h['figure'], current: num(h['current']), previous: num(h['previous']) })),
      detail_stations: this.data.detail.map((d) => ({ station_id: d.stationId, anchor: stationSlug(d.stationId) })),
    };
  }

  async sections(): Promise<Section[]> {
    const sections: Section[] = this.data.alerts ? [this.alerts(this.data.alerts), this.headline()] : [this.headline()];
    if (!this.empty) {
      sections.push(await this.codes(), await this.trend(), await this.heatmap(), this.chronic(), await this.locks(), await this.models());
    }
    sections.push(this.quality());
    if (this.data.detail.length) sections.push(await this.stations());
    return sections;
  }

  private headline(): Section {
    const d = this.data;
    const coverage = num(d.headline[0]?.['previous_coverage']) ?? 0;
    const cards = d.headline.map((row) => {
      const figure = String(row['figure']);
      const spec = headlineFigures[figure] ?? { label: figure, kind: 'count' as const, better: 'lower' as const };
      const current = num(row['current']);
      const previous = num(row['previous']);
      const show = (v: number | null) => (spec.kind === 'rate' ? formatShare(v) : spec.kind === 'hours' ? formatNumber(v, 1) : formatCount(v));
      let change: Html;
      if (previous === null) {
        change = html`<span class="change none">${coverage > 0 ? 'not measured before' : 'no data in the previous window'}</span>`;
      } else if (current === null) {
        change = html`<span class="change none">previously ${show(previous)}</span>`;
      } else {
        const delta = current - previous;
        const direction = Math.abs(delta) < 1e-9 ? 'same' : (delta > 0) === (spec.better === 'higher') ? 'better' : 'worse';
        const arrow = direction === 'same' ? '=' : delta > 0 ? '▲' : '▼';
        const amount =
          spec.kind === 'rate' ? `${delta >= 0 ? '+' : ''}${formatNumber(delta * 100, 1)} pp` : `${delta >= 0 ? '+' : ''}${spec.kind === 'hours' ? formatNumber(delta, 1) : formatCount(delta)}`;
        const share = num(row['change_share']);
        const pct = spec.kind !== 'rate' && share !== null ? ` (${share >= 0 ? '+' : ''}${formatShare(share, 0)})` : '';
        change = html`<span class="change ${direction}">${arrow} ${amount}${pct} vs ${show(previous)} before</span>`;
      }
      return html`<div class="card" data-figure="${figure}"><div class="label">${spec.label}</div><div class="value">${show(current)}</div>${change}</div>`;
    });
    const notes: Html[] = [];
    if (this.noData) {
      notes.push(html`<p class="banner">No data in this window: the database holds data from ${formatTime(d.window.dataStart)} to ${formatTime(d.window.dataEnd)} UTC.</p>`);
    } else if (this.empty) {
      notes.push(html`<p class="banner" id="no-faults">No faults in this window: no station reported an error code between ${formatTime(d.window.start)} and ${formatTime(d.window.end)} UTC.</p>`);
    }
    if (coverage > 0 && coverage < 0.999) {
      notes.push(html`<p class="note">The data covers only ${formatShare(coverage, 0)} of the previous window, so its figures are lower than a full window's would be.</p>`);
    }
    const f = d.figures;
    const open = Number(f['open_episodes'] ?? 0);
    return {
      id: 'headline',
      title: 'Headline',
      body: html`<section id="headline"><h2>Headline</h2>${notes}<div class="cards">${cards}</div>
<p class="note">${formatCountOf(f['episodes'], 'error episode')} on ${formatCountOf(f['connectors_affected'], 'connector')}${open ? `, ${formatCount(open)} still open at the end of the data` : ''}; ${formatCountOf(f['lock_failures'], 'lock failure')}; ${formatCountOf(f['unlock_tried'], 'stuck lock')} got a remote unlock, which freed the cable ${formatCountOf(f['unlock_freed'], 'time')}. Changes compare with the window of the same length just before this one.</p></section>`,
    };
  }

  private async codes(): Promise<Section> {
    const c = this.data.config;
    const rows = this.data.commonality;
    const bands: Record<string, [number, number]> = { Low: [0, c.frequentShare], Frequent: [c.frequentShare, c.veryFrequentShare], 'Very Frequently': [c.veryFrequentShare, 1] };
    const maxShare = Math.min(1, Math.max(0.3, ...rows.map((r) => (num(r['share']) ?? 0) * 1.15)));
    const chartRows = rows.map((r) => {
      const share = num(r['share']) ?? 0;
      const expected = r['expected_commonality'] as string | null;
      const band = expected ? bands[expected] : undefined;
      const verdict = expected === null ? 'no expectation' : r['differs'] === true ? 'differs from the brief' : 'as expected';
      return {
        error_code: r['error_code'],
        share,
        expected_from: band?.[0] ?? 0,
        expected_to: band?.[1] ?? 0,
        verdict,
        label_at: share,
        label: `${formatShare(share)}${r['differs'] === true ? ` · ${r['observed_commonality']}, expected ${expected}` : ''}`,
        tip: `${r['error_code']}: ${formatShare(share)} of episodes (${formatCount(r['episodes'])}); observed ${r['observed_commonality'] ?? '–'}, expected ${expected ?? '–'}`,
      };
    });
    const chart = await this.chart(
      'commonality',
      { rows: chartRows, maxShare },
      'Observed share of episodes per error code against the expected range',
      `Bars: each code's share of the window's episodes; shaded: the range of the brief's expected level (Low below ${formatShare(c.frequentShare, 0)}, Frequent from ${formatShare(c.frequentShare, 0)}, Very Frequently from ${formatShare(c.veryFrequentShare, 0)}); red bars differ from the brief.`,
    );
    const differing = rows.filter((r) => r['differs'] === true).map((r) => String(r['error_code']));
    const tableHtml = table(
      rows,
      [
        { header: 'error code', kind: 'code', cell: (r) => r['error_code'] },
        { header: 'episodes', kind: 'num', cell: (r) => formatCount(r['episodes']), sort: (r) => num(r['episodes']) },
        { header: 'share', kind: 'num', cell: (r) => formatShare(r['share']), sort: (r) => num(r['share']) },
        { header: 'faulted', kind: 'num', cell: (r) => formatCount(r['faulted_episodes']), sort: (r) => num(r['faulted_episodes']) },
        { header: 'stations', kind: 'num', cell: (r) => formatCount(r['stations']), sort: (r) => num(r['stations']) },
        { header: 'median', kind: 'num', cell: (r) => formatDuration(r['median_duration_s']), sort: (r) => num(r['median_duration_s']) },
        { header: 'p90', kind: 'num', cell: (r) => formatDuration(r['p90_duration_s']), sort: (r) => num(r['p90_duration_s']) },
        { header: 'downtime h', kind: 'num', cell: (r) => formatNumber(r['downtime_h'], 1), sort: (r) => num(r['downtime_h']) },
        { header: 'expected', cell: (r) => text(r['expected_commonality']) },
        { header: 'observed', cell: (r) => text(r['observed_commonality']) },
        { header: 'differs', cell: (r) => (r['differs'] === true ? html`<span class="badge differs">differs</span>` : r['differs'] === false ? 'no' : '–') },
      ],
      { label: 'Error-code commonality', rowClass: (r) => (r['differs'] === true ? 'differs' : null), caption: 'Rows marked red: the observed level differs from the brief’s expected commonality.' },
    );
    return {
      id: 'codes',
      title: 'Error codes',
      body: html`<section id="codes"><h2>Error-code commonality</h2>
<p>${differing.length ? html`Observed level differs from the brief for <b>${differing.join(', ')}</b>.` : 'Every code is seen about as often as the brief expects.'}</p>
${chart}${tableHtml}</section>`,
    };
  }

  /** A bucket's label, unique in the window: the date, with the hour for hourly buckets. */
  private bucketLabel(value: unknown): string {
    return this.data.window.bucket === 'hour' ? `${formatMinute(value)}` : formatDate(value);
  }

  private bucketLabels(): string[] {
    return this.data.buckets.map((b) => this.bucketLabel(b['bucket_start']));
  }

  /** "hour of 2026-03-02 10:00", "2026-03-02", "week of 2026-03-02" */
  private bucketName(value: unknown): string {
    const unit = this.data.window.bucket;
    return `${unit === 'day' ? '' : `${unit} of `}${this.bucketLabel(value)}`;
  }

  private async trend(): Promise<Section> {
    const d = this.data;
    const labels = this.bucketLabels();
    const unit = d.window.bucket;
    const codes = codeScale(d.trend.map((t) => String(t['error_code'])));
    const order = new Map(codes.codeDomain.map((c, i) => [c, i]));
    const bars = d.trend.map((t) => ({
      bucket: this.bucketLabel(t['bucket_start']),
      error_code: t['error_code'],
      episodes: num(t['episodes']),
      code_order: order.get(String(t['error_code'])) ?? 0,
      tip: `${this.bucketName(t['bucket_start'])} · ${t['error_code']}: ${formatCountOf(t['episodes'], 'episode')}, ${formatCount(t['faulted_episodes'])} Faulted`,
    }));
    const previous = d.buckets
      .filter((b) => b['previous_episodes'] !== null && b['previous_episodes'] !== undefined)
      .map((b) => ({
        bucket: this.bucketLabel(b['bucket_start']),
        previous_episodes: num(b['previous_episodes']),
        tip: `previous window, ${unit} ${num(b['bucket_index'])! + 1}: ${formatCountOf(b['previous_episodes'], 'episode')} (this window: ${formatCount(b['episodes'])})`,
      }));
    const chart = await this.chart(
      'trend',
      { bars, previous, buckets: labels, axisValues: axisValues(labels, 14), ...codes },
      `Error episodes per ${unit}, stacked by error code, with the previous window`,
      `Episodes per ${unit === 'week' ? 'week (weeks start on Monday, UTC)' : `${unit} (UTC)`} by the ${unit} they started; an episode already running when the window began counts in the first ${unit}. Dashed line: the previous window, ${unit} by ${unit}${previous.length ? '' : ' (no data there)'}.`,
    );
    return { id: 'trend', title: 'Trend', body: html`<section id="trend"><h2>Trend</h2>${chart}</section>` };
  }

  private async heatmap(): Promise<Section> {
    const d = this.data;
    const labels = this.bucketLabels();
    const stations: string[] = [];
    for (const cell of d.heatmap) if (!stations.includes(String(cell['station_id']))) stations.push(String(cell['station_id']));
    const cells = d.heatmap.map((c) => ({
      station: String(c['station_id']),
      bucket: this.bucketLabel(c['bucket_start']),
      episodes: num(c['episodes']),
      tip: `${c['station_id']} · ${this.bucketName(c['bucket_start'])}: ${formatCountOf(c['episodes'], 'episode')}, ${formatNumber(c['downtime_h'], 1)} h Faulted`,
    }));
    const chart = await this.chart(
      'heatmap',
      { cells, buckets: labels, axisValues: axisValues(labels, 12), stations },
      `Episodes per station and ${d.window.bucket} for the ${stations.length} most affected stations`,
      `The ${formatCount(stations.length)} stations with the most episodes in the window (of ${formatCount(d.figures['stations_affected'])} affected), one row each, episodes per ${d.window.bucket}; blank: none.`,
    );
    return { id: 'heatmap', title: 'Heat map', body: html`<section id="heatmap"><h2>Most affected stations by ${d.window.bucket}</h2>${chart}</section>` };
  }

  private chronic(): Section {
    const d = this.data;
    const rows = d.chronic.rows;
    const body = rows.length
      ? table(
          rows,
          [
            { header: 'fleet rank', kind: 'num', cell: (r) => formatCount(r['rank']), sort: (r) => num(r['rank']) },
            { header: 'station', cell: (r) => this.link(r['station_id']), sort: (r) => String(r['station_id']) },
            { header: 'chronic codes', cell: (r) => text(r['chronic_code_list']) },
            { header: 'episodes', kind: 'num', cell: (r) => formatCount(r['episodes']), sort: (r) => num(r['episodes']) },
            { header: 'downtime h', kind: 'num', cell: (r) => formatNumber(r['downtime_h'], 1), sort: (r) => num(r['downtime_h']) },
            { header: 'MTTR', kind: 'num', cell: (r) => formatDuration(r['mttr_s']), sort: (r) => num(r['mttr_s']) },
            { header: 'open', kind: 'num', cell: (r) => formatCount(r['open_episodes']), sort: (r) => num(r['open_episodes']) },
            { header: 'lock failures', kind: 'num', cell: (r) => formatCount(r['lock_failures']), sort: (r) => num(r['lock_failures']) },
            { header: 'last seen', kind: 'code', cell: (r) => formatMinute(r['last_seen']) },
            { header: 'vendor · model · firmware', cell: (r) => modelLabel(r) },
          ],
          { label: 'Chronic stations', caption: shownOf(rows.length, d.chronic.total, 'chronic stations, the most affected first') },
        )
      : html`<p>No station has a chronic code in this window.</p>`;
    return {
      id: 'chronic',
      title: 'Chronic stations',
      body: html`<section id="chronic"><h2>Chronic stations</h2>
<p>${formatCountOf(d.chronic.total, 'station has', 'stations have')} a code that came back ${d.config.chronicMinEpisodes} or more times on one connector within ${d.config.chronicWindowDays} days; ranked by downtime, then chronic codes, then episodes. The fleet rank counts every station with an episode, so the ranks of stations without a chronic code are missing here. Station names link to their detail sections.</p>
${body}</section>`,
    };
  }

  private async locks(): Promise<Section> {
    const d = this.data;
    const f = d.figures;
    const r = d.remediation;
    const classes = ['stuck_lock', 'driver_misuse', 'undetermined'];
    const labels = classes.map((c) => lockClassLabels[c]!);
    const total = Number(f['lock_failures'] ?? 0);
    const split = total
      ? await this.chart(
          'locks',
          {
            rows: classes.map((c, i) => ({ label: labels[i], count: num(f[c]) ?? 0, tip: `${labels[i]}: ${formatCount(f[c])} of ${formatCount(total)} lock failures` })),
            labels,
          },
          'Lock failures by classification',
          'Stuck lock: the lock held the cable after the session (send help); driver misuse: the plug was not pushed home at the start (nothing to do); undetermined: the evidence is missing or conflicts.',
        )
      : html`<p>No lock failures in this window.</p>`;
    const stuck = Number(r['stuck_locks'] ?? 0);
    const remediation = stuck
      ? html`<p>Of ${formatCountOf(stuck, 'stuck lock')}, ${formatCount(r['with_unlock_attempt'])} got a remote unlock, which freed the cable ${formatCountOf(r['freed_by_unlock'], 'time')}${r['unlock_success_rate'] === null || r['unlock_success_rate'] === undefined ? '' : ` (${formatShare(r['unlock_success_rate'])})`}; a reset cleared ${formatCount(r['cleared_by_reset'])} (${formatShare(r['reset_needed_rate'])}), ${formatCount(r['cleared_by_itself'])} cleared by themselves, ${formatCount(r['still_open'])} are still open. Median time to clear: ${formatDuration(r['median_time_to_clear_s'])}; to the first remote command: ${formatDuration(r['median_time_to_first_command_s'])}.</p>`
      : '';
    const dispatch = d.dispatch.rows.length
      ? table(
          d.dispatch.rows,
          [
            { header: 'station', cell: (x) => this.link(x['station_id']), sort: (x) => String(x['station_id']) },
            { header: 'connector', kind: 'num', cell: (x) => formatCount(x['connector_id']), sort: (x) => num(x['connector_id']) },
            { header: 'since', kind: 'code', cell: (x) => formatMinute(x['started_at']) },
            { header: 'duration', kind: 'num', cell: (x) => formatDuration(x['full_duration_s']), sort: (x) => num(x['full_duration_s']) },
            {
              header: 'state',
              cell: (x) => (x['open'] === true ? html`<span class="badge open">still open</span>` : html`cleared: ${text(x['resolution'])}`),
              sort: (x) => (x['open'] === true ? '0 open' : `1 ${String(x['resolution'])}`),
            },
            { header: 'remote unlock', cell: (x) => (Number(x['unlock_attempts']) > 0 ? `${formatCount(x['unlock_attempts'])}× → ${text(x['unlock_result'])}` : 'none'), sort: (x) => String(x['unlock_result'] ?? '') },
            { header: 'reset', cell: (x) => (Number(x['reset_attempts']) > 0 ? `${formatCount(x['reset_attempts'])}× → ${text(x['reset_outcomes'])}` : 'none'), sort: (x) => num(x['reset_attempts']) },
            { header: 'reason', kind: 'text', cell: (x) => text(x['reason']) },
          ],
          { label: 'Stuck-lock dispatch list', stack: true, caption: shownOf(d.dispatch.rows.length, d.dispatch.total, 'stuck locks, open ones first, then the newest') },
        )
      : html`<p>No stuck locks in this window.</p>`;
    const mechanisms = d.lockConnectors.rows.length
      ? table(
          d.lockConnectors.rows,
          [
            { header: 'station', cell: (x) => this.link(x['station_id']), sort: (x) => String(x['station_id']) },
            { header: 'connector', kind: 'num', cell: (x) => formatCount(x['connector_id']), sort: (x) => num(x['connector_id']) },
            { header: 'lock failures', kind: 'num', cell: (x) => formatCount(x['lock_failures']), sort: (x) => num(x['lock_failures']) },
            { header: 'stuck', kind: 'num', cell: (x) => formatCount(x['stuck_lock']), sort: (x) => num(x['stuck_lock']) },
            { header: 'misuse', kind: 'num', cell: (x) => formatCount(x['driver_misuse']), sort: (x) => num(x['driver_misuse']) },
            { header: 'undetermined', kind: 'num', cell: (x) => formatCount(x['undetermined']), sort: (x) => num(x['undetermined']) },
            { header: 'plug-in attempts', kind: 'num', cell: (x) => formatCount(x['plug_in_attempts']), sort: (x) => num(x['plug_in_attempts']) },
            { header: 'successful sessions', kind: 'num', cell: (x) => formatCount(x['successful_sessions']), sort: (x) => num(x['successful_sessions']) },
            { header: 'why', kind: 'text', cell: (x) => text(x['verdict_reason']) },
          ],
          { label: 'Connectors with a suspected lock mechanism', stack: true, caption: shownOf(d.lockConnectors.rows.length, d.lockConnectors.total, 'connectors') },
        )
      : html`<p>No connector's lock mechanism is suspected in this window.</p>`;
    return {
      id: 'locks',
      title: 'Lock failures',
      body: html`<section id="locks"><h2>Lock failures</h2>
<p>${formatCount(total)} ConnectorLockFailure episodes (and vendor codes that name one): ${formatCount(f['stuck_lock'])} stuck locks, ${formatCount(f['driver_misuse'])} driver misuse, ${formatCount(f['undetermined'])} undetermined.</p>
${split}${remediation}
<h3 id="dispatch">Stuck-lock dispatch list</h3>
<p class="note">Each stuck lock with what was tried; open ones need someone now. Station names link to their detail sections.</p>
${dispatch}
<h3 id="mechanisms">Connectors with a suspected lock mechanism</h3>
<p class="note">Lock failures that repeat across plug-in attempts with few successful sessions between them (${d.config.mechanismMinFailures} or more within ${d.config.mechanismWindowDays} days and at least ${formatShare(d.config.mechanismMinFailedShare, 0)} of attempts failing), or repeated stuck locks: a technician should look at the lock, whatever each episode alone looked like.</p>
${mechanisms}</section>`,
    };
  }

  private async models(): Promise<Section> {
    const d = this.data;
    const rows = d.models.rows;
    const rated = rows.filter((r) => num(r['episodes_per_connector_day']) !== null);
    const chart = rated.length
      ? await this.chart(
          'models',
          {
            rows: rated.map((r) => ({
              group: modelLabel(r),
              rate: num(r['episodes_per_connector_day']),
              rate_label: `${formatNumber(r['episodes_per_connector_day'], 2)} (${formatCount(r['stations'])} st.)`,
              tip: `${modelLabel(r)}: ${formatNumber(r['episodes_per_connector_day'], 3)} episodes per connector-day; ${formatCount(r['episodes'])} episodes over ${formatNumber(r['connector_days'], 1)} connector-days on ${formatCount(r['stations'])} stations`,
            })),
          },
          'Error episodes per connector-day by vendor, model and firmware',
          'Error episodes per connector-day (connectors × days each station ran that firmware in the window), highest first.',
        )
      : '';
    const body = rows.length
      ? table(
          rows,
          [
            { header: 'vendor', cell: (r) => text(r['vendor']) },
            { header: 'model', cell: (r) => text(r['model']) },
            { header: 'firmware', cell: (r) => text(r['firmware_version']) },
            { header: 'stations', kind: 'num', cell: (r) => formatCount(r['stations']), sort: (r) => num(r['stations']) },
            { header: 'connector-days', kind: 'num', cell: (r) => formatNumber(r['connector_days'], 1), sort: (r) => num(r['connector_days']) },
            { header: 'sessions', kind: 'num', cell: (r) => formatCount(r['sessions']), sort: (r) => num(r['sessions']) },
            { header: 'episodes', kind: 'num', cell: (r) => formatCount(r['episodes']), sort: (r) => num(r['episodes']) },
            { header: 'per 100 sessions', kind: 'num', cell: (r) => formatNumber(r['episodes_per_100_sessions'], 1), sort: (r) => num(r['episodes_per_100_sessions']) },
            { header: 'per connector-day', kind: 'num', cell: (r) => formatNumber(r['episodes_per_connector_day'], 2), sort: (r) => num(r['episodes_per_connector_day']) },
            { header: 'time Faulted', kind: 'num', cell: (r) => formatShare(r['downtime_share'], 2), sort: (r) => num(r['downtime_share']) },
            { header: 'lock failures', kind: 'num', cell: (r) => formatCount(r['lock_failures']), sort: (r) => num(r['lock_failures']) },
            { header: 'stuck locks', kind: 'num', cell: (r) => formatCount(r['stuck_locks']), sort: (r) => num(r['stuck_locks']) },
          ],
          { label: 'Faults by vendor, model and firmware', caption: shownOf(rows.length, d.models.total, 'vendor/model/firmware groups, highest rate first') },
        )
      : html`<p>No vendor, model or firmware is known for these stations.</p>`;
    return {
      id: 'models',
      title: 'Vendors & firmware',
      body: html`<section id="models"><h2>Faults by vendor, model and firmware</h2>
<p class="note">From the stations' BootNotifications: each episode and session counts for the firmware its station ran when it started. Rates per 100 sessions and per connector-day let groups of different size compare; "time Faulted" is downtime over connector time.</p>
${chart}${body}</section>`,
    };
  }

  private quality(): Section {
    const d = this.data;
    const findings = d.quality.length
      ? table(
          d.quality,
          [
            { header: 'finding', kind: 'code', cell: (r) => r['finding'] },
            { header: 'what it means', kind: 'text', cell: (r) => text(r['description']) },
            { header: 'count', kind: 'num', cell: (r) => formatCount(r['count']), sort: (r) => num(r['count']) },
            { header: 'stations', kind: 'num', cell: (r) => formatCount(r['stations']), sort: (r) => num(r['stations']) },
            { header: 'files', kind: 'num', cell: (r) => formatCount(r['files']), sort: (r) => num(r['files']) },
          ],
          { label: 'Data-quality findings', stack: true },
        )
      : html`<p>No data-quality findings in this window.</p>`;
    const byModel = d.qualityModels.rows.length
      ? html`<h3>By vendor, model and firmware</h3>${table(
          d.qualityModels.rows,
          [
            { header: 'finding', kind: 'code', cell: (r) => r['finding'] },
            { header: 'vendor · model · firmware', cell: (r) => modelLabel(r) },
            { header: 'stations', kind: 'num', cell: (r) => formatCount(r['stations']), sort: (r) => num(r['stations']) },
            { header: 'of stations', kind: 'num', cell: (r) => formatCount(r['stations_total']), sort: (r) => num(r['stations_total']) },
            { header: 'count', kind: 'num', cell: (r) => formatCount(r['count']), sort: (r) => num(r['count']) },
            { header: 'per station', kind: 'num', cell: (r) => formatNumber(r['count_per_station'], 1), sort: (r) => num(r['count_per_station']) },
          ],
          { label: 'Data-quality findings by vendor, model and firmware', caption: shownOf(d.qualityModels.rows.length, d.qualityModels.total, 'rows') },
        )}`
      : '';
    return {
      id: 'quality',
      title: 'Data quality',
      body: html`<section id="quality"><h2>Data quality</h2>
<p class="note">Off-spec or unusable input, counted in the window${d.stations.length ? ' for the chosen stations (file-level findings such as duplicates and rejected lines are left out)' : ''}: it was kept and flagged, never dropped silently.</p>
${findings}${byModel}</section>`,
    };
  }

  private async stations(): Promise<Section> {
    const d = this.data;
    const chronicIds = new Set(d.chronic.rows.map((r) => String(r['station_id'])));
    const dispatchIds = new Set(d.dispatch.rows.map((r) => String(r['station_id'])));
    const start = d.window.start.getTime();
    const end = Math.max(d.window.end.getTime(), start + 1000);
    const codes = codeScale(d.detail.flatMap((x) => x.episodes.map((e) => String(e['error_code']))));
    // one compiled timeline for every station: the window and the colours are the same, only the bars change
    const timeline = new ChartTemplate('timeline', { from: start, to: end, ...codes });
    const colours = new Map(codes.codeDomain.map((c, i) => [c, codes.codeRange[i]!]));
    const parts: Html[] = [];
    for (const detail of d.detail) {
      parts.push(await this.station(detail, { timeline, colours, start, end, chronic: chronicIds.has(detail.stationId), dispatch: dispatchIds.has(detail.stationId) }));
    }
    return {
      id: 'stations',
      title: 'Station details',
      body: html`<section id="stations"><h2>Station details</h2>
<p class="note">One section per station in the chronic or dispatch list: its episodes over the window, one row per connector (0 = the whole station), and the episodes themselves.</p>
${parts}</section>`,
    };
  }

  private async station(
    detail: ReportData['detail'][number],
    context: { timeline: ChartTemplate; colours: Map<string, string>; start: number; end: number; chronic: boolean; dispatch: boolean },
  ): Promise<Html> {
    const d = this.data;
    const { chronic, dispatch, start, end } = context;
    const s = d.stationRows.get(detail.stationId) ?? {};
    const slug = stationSlug(detail.stationId);
    const episodes = detail.episodes;
    const minSpan = (end - start) / 300; // about 2 px: a 10-second episode in a month still shows
    const bars = episodes.map((e) => {
      const barStart = (e['bar_start'] as Date).getTime();
      const barEnd = Math.max((e['bar_end'] as Date).getTime(), barStart + minSpan);
      return {
        connector: num(e['connector_id']),
        start: barStart,
        end: Math.min(barEnd, end),
        error_code: e['error_code'],
        faded: e['faulted'] === true ? 0 : 1,
        tip: `${e['error_code']} (${e['status']}) ${formatMinute(e['started_at'])}, ${e['open'] === true ? 'still open' : formatDuration(e['full_duration_s'])}${e['classification'] ? `, ${lockClassLabels[String(e['classification'])] ?? e['classification']}` : ''}`,
      };
    });
    const id = `chart-${++this.chartCount}`;
    const svg = await context.timeline.render({ bars }, id, `Error episodes of station ${detail.stationId} over the window, per connector`);
    const present = [...context.colours.keys()].filter((c) => episodes.some((e) => e['error_code'] === c));
    const legend = html`<span class="legend">${present.map((c) => html`<span>${raw(swatch(context.colours.get(c)!))} ${c}</span>`)}${
      episodes.some((e) => e['faulted'] !== true) ? html`<span>${raw(swatch('#777777', 0.4))} faint: error without a Faulted status</span>` : ''
    }</span>`;
    const shown = shownOf(episodes.length, detail.totalEpisodes, 'episodes', 'the latest ones') || `All ${formatCount(episodes.length)} episodes in the window.`;
    const timeline = this.figure('timeline', id, svg, html`${legend} ${shown}`);
    const rows = [...episodes].sort((a, b) => (b['started_at'] as Date).getTime() - (a['started_at'] as Date).getTime() || num(a['connector_id'])! - num(b['connector_id'])!);
    const episodeTable = table(
      rows,
      [
        { header: 'started', kind: 'code', cell: (e) => formatTime(e['started_at']) },
        { header: 'connector', kind: 'num', cell: (e) => formatCount(e['connector_id']), sort: (e) => num(e['connector_id']) },
        { header: 'error code', kind: 'code', cell: (e) => e['error_code'] },
        { header: 'status', cell: (e) => text(e['status']) },
        { header: 'duration', kind: 'num', cell: (e) => (e['open'] === true ? html`${formatDuration(e['full_duration_s'])} <span class="badge open">open</span>` : formatDuration(e['full_duration_s'])), sort: (e) => num(e['full_duration_s']) },
        { header: 'repeats', kind: 'num', cell: (e) => formatCount(e['notifications']), sort: (e) => num(e['notifications']) },
        { header: 'lock class', cell: (e) => (e['classification'] ? html`<span class="badge ${String(e['classification'])}">${lockClassLabels[String(e['classification'])] ?? e['classification']}</span>` : '–'), sort: (e) => String(e['classification'] ?? '') },
        { header: 'info', kind: 'text', cell: (e) => text(e['info']) },
        { header: 'vendor code', cell: (e) => text(e['vendor_error_code']) },
      ],
      { label: `Episodes of station ${detail.stationId}`, caption: shownOf(episodes.length, detail.totalEpisodes, 'episodes, the latest', 'all are in ocpp-faults export') },
    );
    const back = [chronic && html`<a class="back" href="#chronic">↑ chronic stations</a>`, dispatch && html`<a class="back" href="#dispatch">↑ dispatch list</a>`].filter(Boolean);
    return html`<section class="station" id="${slug}"><h3>Station <span class="station-id">${detail.stationId}</span> ${chronic && html`<span class="badge chronic">chronic</span>`} ${dispatch && html`<span class="badge stuck_lock">stuck lock</span>`}</h3>
<div class="facts"><span>rank <b>${formatCount(s['rank'])}</b></span><span>episodes <b>${formatCount(s['episodes'])}</b></span><span>downtime <b>${formatNumber(s['downtime_h'], 1)} h</b></span><span>MTTR <b>${formatDuration(s['mttr_s'])}</b></span><span>chronic codes <b>${text(s['chronic_code_list'])}</b></span><span>lock failures <b>${formatCount(s['lock_failures'])}</b> (stuck ${formatCount(s['stuck_locks'])})</span><span>${modelLabel(s)}</span></div>
${timeline}${episodeTable}<p>${back.map((b, i) => html`${i ? ' · ' : ''}${b}`)}</p></section>`;
  }
}

