import { describe, expect, test } from 'vitest';
import { contentSecurityPolicy, cspHash, escapeHtml, html, inlineCode, jsonForScript, raw, stationSlug } from '../../src/report/html.js';
import { finishSvg, fillSpec, codeScale, axisValues } from '../../src/report/charts.js';
import { formatCount, formatDuration, formatNumber, formatShare, formatTime } from '../../src/report/format.js';

describe('escaping', () => {
  test('markup characters in text become entities', () => {
    expect(escapeHtml(`<script>alert(1)</script>`)).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escapeHtml(`</script><img src=x onerror=alert(1)>`)).toBe('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml(`a "b" 'c' & d`)).toBe('a &quot;b&quot; &#39;c&#39; &amp; d');
    expect(escapeHtml(null)).toBe('');
  });

  test('the html template escapes values but keeps fragments built with it', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'" onclick="x'}">${inner}${['<', raw('<br>')]}${false}${null}</p>`.html).toBe(
      '<p title="&quot; onclick=&quot;x"><b>&lt;i&gt;</b>&lt;<br></p>',
    );
  });

  test('JSON for a script element cannot close it and reads back unchanged', () => {
    const value = { info: '</script><img src=x onerror=alert(1)>', other: '<!-- & \u2028 \u2029 >' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  test('our own inline code may not contain its closing tag', () => {
    expect(() => inlineCode('a = "</script>"', 'script')).toThrow();
    expect(() => inlineCode('p { color: red } </STYLE>', 'style')).toThrow();
    expect(inlineCode('var a = 1 < 2;', 'script')).toBe('var a = 1 < 2;');
  });

  test('the content security policy allows exactly the page script and style', () => {
    const policy = contentSecurityPolicy('run()', 'p{}');
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain(`script-src ${cspHash('run()')}`);
    expect(policy).toContain(`style-src ${cspHash('p{}')}`);
    expect(policy).not.toContain('unsafe');
  });
});

describe('station anchors', () => {
  const ids = ['CP-001', 'Bahnhofstraße "Nord" 3', "Gare d'Austerlitz #2 & <b>bold</b>", '東京 駅-01', 'cp_1', 'cp-1', 'CP 1', 'cp%201', '</script>'];

  test('a slug keeps ASCII letters, digits and hyphens and spells out every other byte', () => {
    expect(stationSlug('CP-001')).toBe('station-CP-001');
    expect(stationSlug('CP 1')).toBe('station-CP_201');
    expect(stationSlug('cp_1')).toBe('station-cp_5f1');
    expect(stationSlug('ß')).toBe('station-_c3_9f');
  });

  test('slugs are safe in an id and a fragment, and different ids never share one', () => {
    const slugs = ids.map(stationSlug);
    for (const slug of slugs) expect(slug).toMatch(/^station-[A-Za-z0-9_-]+$/);
    expect(new Set(slugs).size).toBe(ids.length);
  });
});

describe('charts', () => {
  test('placeholders are filled with any JSON value; a missing one is an error', () => {
    expect(fillSpec({ a: '${rows}', b: ['${n}', 'x${n}'], c: { d: '${n}' } }, { rows: [{ x: 1 }], n: 3 })).toEqual({
      a: [{ x: 1 }],
      b: [3, 'x${n}'],
      c: { d: 3 },
    });
    expect(() => fillSpec({ a: '${missing}' }, {})).toThrow(/missing/);
  });

  test('a chart SVG gets page-unique ids, no namespace URLs and hover titles for its marks', () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" class="marks" width="10" height="10" viewBox="0 0 10 10">' +
      '<path aria-label="a &lt;b&gt;" role="graphics-symbol" aria-roledescription="rect mark" d="M0.123456,0h1v1h-1Z" fill="url(#gradient_0)" opacity="1"/>' +
      '<defs><linearGradient id="gradient_0"></linearGradient></defs></svg>';
    const out = finishSvg(svg, 'chart-7', 'A "chart"');
    expect(out).toBe(
      '<svg class="marks" width="10" height="10" viewBox="0 0 10 10" role="img" aria-label="A &#34;chart&#34;">' +
        '<path d="M0.12,0h1v1h-1Z" fill="url(#chart-7-1)"><title>a &lt;b&gt;</title></path>' +
        '<defs><linearGradient id="chart-7-1"></linearGradient></defs></svg>',
    );
  });

  test("a chart labelled with a station id that holds a URL is kept, its label escaped", () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="10" height="10" viewBox="0 0 10 10"><g></g></svg>';
    expect(finishSvg(svg, 'chart-1', 'Error episodes of station CP-1 http://x')).toBe(
      '<svg class="marks" width="10" height="10" viewBox="0 0 10 10" role="img" aria-label="Error episodes of station CP-1 http://x"><g></g></svg>',
    );
    expect(() => finishSvg('<svg xmlns="http://www.w3.org/2000/svg" class="marks"><g></g></svg>', 'chart-1', 'x')).toThrow('unexpected SVG header');
  });

  test('codes named like Object members get a colour of the others and a place in the legend', () => {
    const scale = codeScale(['constructor', 'OtherError', '__proto__']);
    expect(scale.codeDomain).toEqual(['OtherError', '__proto__', 'constructor']);
    expect(scale.codeRange).toHaveLength(3);
    for (const colour of scale.codeRange) expect(colour).toMatch(/^#[0-9a-f]{6}$/i);
    expect(scale.codeRange[1]).not.toBe(scale.codeRange[2]);
  });

  test('error codes keep one colour across charts, unknown codes after the OCPP ones', () => {
    const a = codeScale(['OtherError', 'Error', 'ConnectorLockFailure']);
    expect(a.codeDomain).toEqual(['ConnectorLockFailure', 'OtherError', 'Error']);
    const b = codeScale(['ConnectorLockFailure']);
    expect(b.codeRange[0]).toBe(a.codeRange[0]);
  });

  test('at most the given number of axis labels, evenly spaced', () => {
    const labels = Array.from({ length: 30 }, (_, i) => `d${i}`);
    expect(axisValues(labels, 10)).toEqual(['d0', 'd3', 'd6', 'd9', 'd12', 'd15', 'd18', 'd21', 'd24', 'd27']);
    expect(axisValues(labels.slice(0, 5), 10)).toEqual(labels.slice(0, 5));
  });
});

describe('formats', () => {
  test('fixed, locale-free number and time formats', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatNumber(1234.56, 1)).toBe('1,234.6');
    expect(formatNumber(-0.01, 1)).toBe('0.0');
    expect(formatShare(0.5263)).toBe('52.6%');
    expect(formatDuration(8)).toBe('8 s');
    expect(formatDuration(720)).toBe('12 min');
    expect(formatDuration(12_600)).toBe('3.5 h');
    expect(formatDuration(181_440)).toBe('2.1 d');
    expect(formatTime(new Date('2026-03-02T10:05:30.123Z'))).toBe('2026-03-02 10:05:30');
    expect(formatCount(null)).toBe('–');
  });
});
