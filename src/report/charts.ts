import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { packageRoot } from '../sql/load.js';
import { showHiddenFormatting } from '../text.js';

/**
 * Charts are Vega-Lite specs in reports/charts/<name>.vl.json with "${name}" placeholders for their data, filled
 * here and rendered to SVG in Node (vega's SVG string renderer), so the page needs no chart runtime: it opens
 * instantly, prints as drawn, and works where scripts are blocked. Text widths are estimated (no canvas), so the
 * same data gives the same SVG on every machine.
 */

export const chartNames = ['commonality', 'trend', 'heatmap', 'locks', 'models', 'timeline'] as const;
export type ChartName = (typeof chartNames)[number];

// vega-typings leave these two out; both are exported by vega-scenegraph
const scenegraph = vega as unknown as { textMetrics: { canvas(use: boolean): void }; resetSVGDefIds(): void };
scenegraph.textMetrics.canvas(false);

const specCache = new Map<ChartName, unknown>();

/** The Vega-Lite spec of a chart, with its placeholders. */
export function loadSpec(name: ChartName): unknown {
  let spec = specCache.get(name);
  if (spec === undefined) {
    spec = JSON.parse(readFileSync(join(packageRoot, 'reports', 'charts', `${name}.vl.json`), 'utf8')) as unknown;
    specCache.set(name, spec);
  }
  return spec;
}

/** A copy of `value` with every string in it, in arrays and plain objects at any depth, replaced by `replace`'s result. */
function mapStrings(value: unknown, replace: (text: string) => unknown): unknown {
  if (typeof value === 'string') return replace(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, replace));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, replace)]));
  }
  return value;
}

/** A copy of `spec` with every string that is exactly "${name}" replaced by values[name]; a missing value is an error. */
export function fillSpec(spec: unknown, values: Record<string, unknown>): unknown {
  return mapStrings(spec, (text) => {
    const m = /^\$\{([A-Za-z][A-Za-z0-9]*)\}$/.exec(text);
    if (!m) return text;
    if (!(m[1]! in values)) throw new Error(`chart spec placeholder \${${m[1]}} has no value`);
    return values[m[1]!];
  });
}

/** A layer whose inline data is empty is left out: it would draw nothing, and vega warns about its empty extent. */
function dropEmptyLayers(spec: unknown): unknown {
  const s = spec as { layer?: { data?: { values?: unknown } }[] };
  if (!Array.isArray(s.layer)) return spec;
  return { ...s, layer: s.layer.filter((l) => !(Array.isArray(l.data?.values) && l.data.values.length === 0)) };
}

/** vega-lite and vega warnings are collected, not printed: a chart that warns is a bug the tests should see. */
export const chartWarnings: string[] = [];

function collectingLogger(): vega.LoggerInterface {
  let level = vega.Warn;
  const logger: vega.LoggerInterface = {
    level(value?: number) {
      if (value === undefined) return level as never;
      level = value;
      return logger as never;
    },
    error(...args: readonly unknown[]) {
      throw new Error(`chart error: ${args.map(String).join(' ')}`);
    },
    warn(...args: readonly unknown[]) {
      chartWarnings.push(args.map(String).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

/**
 * A chart compiled and parsed once, drawn as often as needed with new values for its named data sets (the station
 * timelines: one spec, one per station). `constants` fill the spec's placeholders.
 */
export class ChartTemplate {
  private readonly runtime: vega.Runtime;
  private readonly logger = collectingLogger();

  constructor(readonly name: ChartName, constants: Record<string, unknown>) {
    const spec = dropEmptyLayers(fillSpec(loadSpec(name), withHiddenFormattingShown(constants) as Record<string, unknown>)) as TopLevelSpec;
    this.runtime = vega.parse(compile(spec, { logger: this.logger }).spec);
  }

  /** One drawing as an SVG element for inline use: `id` makes its internal ids unique in the page, `label` names it. */
  async render(data: Record<string, readonly object[]>, id: string, label: string): Promise<string> {
    const view = new vega.View(this.runtime, { renderer: 'none', logger: this.logger });
    for (const [name, values] of Object.entries(data)) view.data(name, withHiddenFormattingShown(values) as object[]);
    scenegraph.resetSVGDefIds();
    try {
      return finishSvg(await view.toSVG(), id, label);
    } finally {
      view.finalize();
    }
  }
}

/**
 * A chart's data with hidden formatting in its texts (a station id's bidi override) shown as visible codes, as the
 * page shows it, before vega lays the texts out. The same text always maps to the same string, so a scale's domain
 * still matches its data.
 */
function withHiddenFormattingShown(value: unknown): unknown {
  return mapStrings(value, showHiddenFormatting);
}

/** Renders a chart whose data is inline in its spec (filled from `values`). */
export async function renderChart(name: ChartName, values: Record<string, unknown>, id: string, label: string): Promise<string> {
  return new ChartTemplate(name, values).render({}, id, label);
}

/**
 * An SVG from vega made ready to sit inline in the page: no namespace URLs (inline SVG needs none), ids prefixed
 * with `id`, the root labelled as one image, and each mark's description (its aria-label) turned into a <title>
 * child so that hovering a bar or cell shows it. vega has already escaped every text and attribute value.
 */
export function finishSvg(svg: string, id: string, label: string): string {
  const ids = new Map<string, string>();
  let out = minifySvg(svg).replace(/ id="([^"]+)"/g, (_m, old: string) => {
    const fresh = `${id}-${ids.size + 1}`;
    ids.set(old, fresh);
    return ` id="${fresh}"`;
  });
  out = out.replace(/url\(#([^)]+)\)/g, (m, old: string) => (ids.has(old) ? `url(#${ids.get(old)})` : m));
  out = out.replace(/^<svg [^>]*?(width="[^"]*" height="[^"]*" viewBox="[^"]*")>/, (_m, size: string) => `<svg class="marks" ${size} role="img">`);
  if (!out.startsWith('<svg class="marks" ') || /xmlns|https?:/.test(out.slice(0, 300))) throw new Error('unexpected SVG header from vega');
  // the label goes in after the check of vega's header: it is a station's text, which may hold a URL (or a `$'`,
  // hence a function as the replacement)
  const escapedLabel = showHiddenFormatting(label).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return out.replace(' role="img">', () => ` role="img" aria-label="${escapedLabel}">`);
}

/**
 * Drops what a static picture does not need, so that a page of many charts stays small: empty foreground and
 * background paths, attributes at their default (opacity 1, stroke-width 1; black text fill comes from the stylesheet), labels vega hid to avoid
 * overlaps, pointer-event and ARIA attributes inside the image (the root is one role="img" with a label; mark
 * descriptions become <title> children instead, which browsers show on hover). The font family moves to the
 * stylesheet (every vega text here is sans-serif).
 */
export function minifySvg(svg: string): string {
  return svg
    .replace(
      /<(path|rect|circle|line|text)([^>]*?) aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="[^"]*"([^>]*?)\/>/g,
      (_m, tag: string, before: string, text: string, after: string) => `<${tag}${before}${after}><title>${text}</title></${tag}>`,
    )
    .replace(/<path class="foreground" aria-hidden="true" d=""( pointer-events="none")? display="none"\/>/g, '')
    .replace(/<path class="background" aria-hidden="true" d="M0,0h0v0h0Z"( pointer-events="none")?\/>/g, '')
    .replace(/<text [^>]*? opacity="0"[^>]*>[^<]*<\/text>/g, '')
    .replace(/<text ([^>]*)>/g, (_m, attrs: string) => `<text ${attrs.replace(/ ?fill="#000"/, '').replace(/ ?font-family="sans-serif"/, '')}>`)
    .replace(/ (?:pointer-events="none"|opacity="1"|stroke-width="1"|stroke-miterlimit="4"|aria-hidden="true"|class="(?:background|foreground)"|transform="translate\(0,0\)")(?=[ />])/g, '')
    .replace(/ (?:role="graphics-(?:object|symbol)"|aria-roledescription="[^"]*"|aria-label="[^"]*")(?=[ />])/g, '')
    .replace(/ (d|transform|x|y|x1|x2|y1|y2|width|height)="([^"]*)"/g, (_m, name: string, value: string) => ` ${name}="${value.replace(/(\d\.\d\d)\d+/g, '$1')}"`);
}

// ------------------------------------------------------------------------------------------------
// Colours: every chart gives an error code the same colour.

const codeColours: Record<string, string> = {
  ConnectorLockFailure: '#4c78a8',
  EVCommunicationError: '#9ecae9',
  GroundFailure: '#f58518',
  HighTemperature: '#e45756',
  InternalError: '#72b7b2',
  LocalListConflict: '#b279a2',
  OtherError: '#bab0ac',
  OverCurrentFailure: '#eeca3b',
  OverVoltage: '#ff9da6',
  PowerMeterFailure: '#54a24b',
  PowerSwitchFailure: '#88d27a',
  ReaderFailure: '#9d755d',
  ResetFailure: '#d6a5c9',
  UnderVoltage: '#ffbf79',
  WeakSignal: '#439894',
};
const otherColours = ['#6f6f6f', '#a0a0a0', '#4a4a4a', '#c4c4c4'];
export const knownCodes = Object.keys(codeColours);

/** A small colour swatch for an HTML legend (SVG attributes, so the page's style policy needs no inline styles). */
export function swatch(colour: string, opacity = 1): string {
  if (!/^#[0-9a-f]{6}$/i.test(colour)) throw new Error(`not a colour: ${colour}`);
  return `<svg class="swatch" width="12" height="12" aria-hidden="true"><rect width="12" height="12" rx="2" fill="${colour}"${opacity === 1 ? '' : ` fill-opacity="${opacity}"`}/></svg>`;
}

/** The codes in a stable order (OCPP codes in the table's order, then others by name) with their colours. */
export function codeScale(codes: Iterable<string>): { codeDomain: string[]; codeRange: string[] } {
  const seen = new Set(codes);
  const known = knownCodes.filter((c) => seen.has(c));
  // own keys only: a charger's code may be named like an Object member ('constructor', '__proto__')
  const others = [...seen].filter((c) => !Object.hasOwn(codeColours, c)).sort();
  return {
    codeDomain: [...known, ...others],
    codeRange: [...known.map((c) => codeColours[c]!), ...others.map((_c, i) => otherColours[i % otherColours.length]!)],
  };
}

/** Every n-th of `labels` so that at most `max` axis labels show. */
export function axisValues(labels: readonly string[], max: number): string[] {
  const step = Math.max(1, Math.ceil(labels.length / max));
  return labels.filter((_l, i) => i % step === 0);
}
