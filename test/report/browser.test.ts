import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildAlerts } from '../../src/analysis/alerts.js';
import { buildReport } from '../../src/report/report.js';
import { stationSlug } from '../../src/report/html.js';
import { fixtureLogs, ingested, outputDir, repoRoot } from './helpers.js';

/**
 * The report in Debian's chromium, headless, with every request that is not a file:// URL blocked: charts drawn,
 * nothing loaded from outside, no console error, no script from the data run, station links land on their
 * sections, tables sort, a phone-width page does not scroll sideways. Full-page screenshots go to
 * test-output/report/. Without /usr/bin/chromium the test is skipped, except in CI, where it must run.
 */

const chromiumPath = '/usr/bin/chromium';
const launchArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const sample = join(repoRoot, 'fixtures', 'sample');
const skip = !existsSync(chromiumPath) && !process.env['CI'];

interface Observed {
  consoleErrors: string[];
  failedRequests: string[];
  blockedRequests: string[];
  dialogs: string[];
}

async function open(context: BrowserContext, file: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; seen: Observed }> {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const seen: Observed = { consoleErrors: [], failedRequests: [], blockedRequests: [], dialogs: [] };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') seen.consoleErrors.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => seen.consoleErrors.push(`pageerror: ${error.message}`));
  page.on('requestfailed', (request) => seen.failedRequests.push(`${request.url()} ${request.failure()?.errorText ?? ''}`));
  page.on('dialog', (dialog) => {
    seen.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    seen.blockedRequests.push(url);
    return route.abort('blockedbyclient');
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, seen };
}

/** Per chart figure: its chart name and how many drawn marks (children of vega's mark groups) it holds. */
async function chartMarks(page: Page): Promise<{ chart: string; marks: number; width: number }[]> {
  return page.$$eval('figure.chart', (figures) =>
    figures.map((f) => ({
      chart: f.getAttribute('data-chart') ?? '',
      marks: f.querySelectorAll('svg.marks g.role-mark > *').length,
      width: f.querySelector('svg.marks')?.getBoundingClientRect().width ?? 0,
    })),
  );
}

async function screenshots(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(outputDir, `${name}.png`), fullPage: true });
}

if (skip) {
  test.skip(`browser test skipped: ${chromiumPath} is missing (apt-get install -y chromium); with CI set it runs and fails instead`, () => {});
} else {
  describe('the report in a real browser', () => {
    let context: BrowserContext;
    let userDataDir: string;
    let fixturesFile: string;
    let sampleFile: string;
    let sampleAlertsFile: string;
    let emptyFile: string;

    beforeAll(async () => {
      if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: CI must install Debian's chromium (apt-get install -y chromium) before npm test`);
      await mkdir(outputDir, { recursive: true });
      const now = new Date('2026-04-01T00:00:00Z');
      const db = await ingested();
      try {
        fixturesFile = join(outputDir, 'fixtures-report.html');
        await writeFile(fixturesFile, (await buildReport(db, { window: { from: null, to: null }, now })).html);
      } finally {
        db.close();
      }
      // between the odd-id fixture's stuck lock (cleared 09:55) and its next fault (10:00)
      const oddDb = await ingested(fixtureLogs().filter((f) => f.endsWith('odd_station_ids.jsonl')));
      try {
        emptyFile = join(outputDir, 'empty-window-report.html');
        const empty = await buildReport(oddDb, { window: { from: '2026-03-02T09:56:00.000Z', to: '2026-03-02T10:00:00.000Z' }, now });
        await writeFile(emptyFile, empty.html);
      } finally {
        oddDb.close();
      }
      const sampleDb = await ingested([sample]);
      try {
        sampleFile = join(outputDir, 'sample-report.html');
        await writeFile(sampleFile, (await buildReport(sampleDb, { window: { from: null, to: null }, now })).html);
        sampleAlertsFile = join(outputDir, 'sample-alerts-report.html');
        const alerts = await buildAlerts(sampleDb, { window: { from: null, to: null } });
        await writeFile(sampleAlertsFile, (await buildReport(sampleDb, { window: { from: null, to: null }, now, alerts })).html);
      } finally {
        sampleDb.close();
      }
      userDataDir = mkdtempSync(join(tmpdir(), 'ocpp-faults-chromium-'));
      context = await chromium.launchPersistentContext(userDataDir, { executablePath: chromiumPath, headless: true, args: launchArgs });
    });

    afterAll(async () => {
      await context?.close();
      if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    });

    test('the fixture report: charts drawn, nothing loaded from outside, no script from the data ran', async () => {
      const { page, seen } = await open(context, fixturesFile);
      const charts = await chartMarks(page);
      expect(new Set(charts.map((c) => c.chart))).toEqual(new Set(['commonality', 'trend', 'heatmap', 'locks', 'models', 'timeline']));
      for (const c of charts) {
        expect(c.marks, c.chart).toBeGreaterThan(0);
        expect(c.width, c.chart).toBeGreaterThan(100);
      }
      expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
      expect(seen.dialogs).toEqual([]);
      expect(seen.consoleErrors).toEqual([]);
      expect(seen.failedRequests).toEqual([]);
      expect(seen.blockedRequests).toEqual([]);
      // the hostile texts are on the page, as text
      await expect(page.getByText('<script>alert(1)</script>', { exact: true }).count()).resolves.toBeGreaterThan(0);
      await expect(page.getByText('</script><img src=x onerror=alert(1)>', { exact: true }).count()).resolves.toBeGreaterThan(0);
      expect(await page.locator('img, iframe, object, embed').count()).toBe(0);
      await screenshots(page, 'fixtures-report');
    });

    test('station links in the chronic and dispatch tables land on their sections', async () => {
      const { page, seen } = await open(context, fixturesFile);
      const links = await page.$$eval('#chronic a.station-id, #dispatch ~ .table-wrap a.station-id', (as) =>
        as.map((a) => ({ href: a.getAttribute('href') ?? '', text: a.textContent ?? '' })),
      );
      const texts = links.map((l) => l.text);
      for (const id of ['Bahnhofstraße "Nord" 3', "Gare d'Austerlitz #2 & <b>bold</b>", '</script><img src=x onerror=window.__xss=1>', '東京 駅-01']) {
        expect(texts).toContain(id);
      }
      for (const link of links) {
        expect(link.href).toBe(`#${stationSlug(link.text)}`);
        await page.locator(`a.station-id[href="${link.href}"]`).first().click();
        const target = await page.evaluate(() => {
          const el = document.querySelector(':target');
          return el ? { id: el.id, top: el.getBoundingClientRect().top, heading: el.querySelector('h3 .station-id')?.textContent ?? '', viewport: window.innerHeight } : null;
        });
        expect(target, link.text).not.toBeNull();
        expect(target!.id).toBe(link.href.slice(1));
        expect(target!.heading).toBe(link.text);
        expect(target!.top).toBeGreaterThanOrEqual(0);
        expect(target!.top).toBeLessThan(target!.viewport - 100);
      }
      expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
      expect(seen.consoleErrors).toEqual([]);
    });

    test('a column header sorts its table, again to reverse', async () => {
      const { page } = await open(context, fixturesFile);
      const table = page.locator('#codes table');
      const episodes = async () => (await table.locator('tbody tr td:nth-child(2)').allTextContents()).map((t) => Number(t.replace(/,/g, '')));
      await table.locator('th', { hasText: 'episodes' }).locator('button').click();
      const up = await episodes();
      expect(up).toEqual([...up].sort((a, b) => a - b));
      await table.locator('th', { hasText: 'episodes' }).locator('button').click();
      const down = await episodes();
      expect(down).toEqual([...down].sort((a, b) => b - a));
      expect(await table.locator('th[aria-sort="descending"]').count()).toBe(1);
    });

    test('on a phone the page does not scroll sideways; printing hides the navigation', async () => {
      const { page, seen } = await open(context, fixturesFile, { width: 390, height: 844 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshots(page, 'fixtures-report-phone');
      await page.emulateMedia({ media: 'print' });
      await page.setViewportSize({ width: 794, height: 1123 });
      expect(await page.locator('nav.toc').isVisible()).toBe(false);
      // at the width an A4 page prints (210 mm less the 12 mm margins, 703 px), no table is wider than the page
      for (const file of [fixturesFile, sampleFile]) {
        await page.goto(pathToFileURL(file).href);
        await page.setViewportSize({ width: 703, height: 1000 });
        const wide = await page.$$eval('table', (tables) =>
          tables.filter((t) => t.getBoundingClientRect().width > t.parentElement!.clientWidth + 1).map((t) => `${t.getAttribute('aria-label')}: ${Math.round(t.getBoundingClientRect().width)} px`),
        );
        expect(wide, file).toEqual([]);
      }
      await page.setViewportSize({ width: 794, height: 1123 });
      await screenshots(page, 'fixtures-report-print');
      expect(seen.consoleErrors).toEqual([]);
    });

    test('on a phone each alert and each stuck lock is one block, its advice or reason as wide as the screen', async () => {
      const { page, seen } = await open(context, sampleAlertsFile, { width: 390, height: 844 });
      const cells = await page.$$eval('#alerts td.text, #locks table.stack td.text', (tds) => tds.map((td) => ({ left: td.getBoundingClientRect().left, right: td.getBoundingClientRect().right })));
      // 12 alerts, 10 stuck locks in the dispatch list and 1 suspected connector
      expect(cells.length).toBe(23);
      // the text column had been 137 px wide, from x = 565 to 702: beside four other columns and off the screen
      for (const cell of cells) {
        expect(cell.left).toBeGreaterThanOrEqual(0);
        expect(cell.right).toBeLessThanOrEqual(390);
        expect(cell.right - cell.left).toBeGreaterThan(300);
      }
      expect(await page.locator('#alerts thead').isVisible()).toBe(false);
      expect(await page.locator('#alerts td[data-label="station"]').first().evaluate((td) => getComputedStyle(td, '::before').content)).toBe('"station: "');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshots(page, 'sample-alerts-phone');
      // on a laptop it stays a table with its header
      await page.setViewportSize({ width: 1280, height: 900 });
      expect(await page.locator('#alerts thead').isVisible()).toBe(true);
      expect(seen.consoleErrors).toEqual([]);
    });

    test('an empty window gives a clean page that says so', async () => {
      const { page, seen } = await open(context, emptyFile);
      await expect(page.locator('#no-faults').textContent()).resolves.toMatch(/No faults in this window/);
      expect(await page.locator('figure.chart').count()).toBe(0);
      expect(seen.consoleErrors).toEqual([]);
      expect(seen.failedRequests).toEqual([]);
      await screenshots(page, 'empty-window-report');
    });

    test('the bundled sample: every section filled, every chart drawn', async () => {
      const { page, seen } = await open(context, sampleFile);
      for (const id of ['headline', 'codes', 'trend', 'heatmap', 'chronic', 'locks', 'models', 'quality', 'stations']) {
        expect(await page.locator(`section#${id}`).count(), id).toBe(1);
      }
      const charts = await chartMarks(page);
      expect(charts.length).toBeGreaterThan(6);
      for (const c of charts) expect(c.marks, c.chart).toBeGreaterThan(0);
      expect(await page.locator('section.station').count()).toBeGreaterThan(0);
      expect(seen.consoleErrors).toEqual([]);
      expect(seen.failedRequests).toEqual([]);
      expect(seen.blockedRequests).toEqual([]);
      await screenshots(page, 'sample-report');
    });
  });
}
