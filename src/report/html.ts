import { createHash } from 'node:crypto';
import { showHiddenFormatting } from '../text.js';

/**
 * The page's safety rules in one place: text and attribute escaping, JSON that cannot end its <script> element,
 * anchors for any station id, and the Content-Security-Policy that lets only the page's own inline script run.
 */

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text for element content or a quoted attribute value: & < > " ' escaped, and hidden formatting (bidi overrides,
 * zero-width characters) shown as visible codes, so a charger's text cannot reorder or hide the page's words around
 * it. null/undefined become ''.
 */
export function escapeHtml(value: unknown): string {
  if (value === null || value === undefined) return '';
  return showHiddenFormatting(String(value)).replace(/[&<>"']/g, (c) => htmlEscapes[c]!);
}

/** An HTML fragment that is already safe (built from escaped parts). */
export interface Html {
  readonly html: string;
}

export const raw = (html: string): Html => ({ html });

/**
 * A tagged template: interpolated values are escaped unless they are Html (or arrays of Html); null, undefined and
 * false render nothing, so `${cond && html`...`}` works.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += fragment(value) + strings[i + 1]!;
  });
  return raw(out);
}

function fragment(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(fragment).join('');
  if (typeof value === 'object' && 'html' in value && typeof (value as Html).html === 'string') return (value as Html).html;
  return escapeHtml(value);
}

/**
 * JSON for a <script type="application/json"> element: `<`, `>` and `&` as \u escapes so no text can close the
 * element or open a comment, and U+2028/U+2029 escaped for older parsers. JSON.parse reads it back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * An HTML id (and URL fragment) for a station: `station-` and the id with ASCII letters, digits and `-` kept and
 * every other UTF-8 byte written as `_xx` (hex), `_` included. Different ids give different slugs, and the slug
 * needs no further escaping in an attribute or a fragment.
 */
export function stationSlug(stationId: string): string {
  let out = 'station-';
  for (const byte of Buffer.from(stationId, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9-]/.test(c) ? c : `_${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** The base64 sha256 of a script or style text, as CSP wants it. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The page's policy: nothing may load (no network, no images, no frames), only the page's own script and style
 * (by hash) apply. Should escaping ever fail, an injected <script> or onerror= still cannot run.
 */
export function contentSecurityPolicy(script: string, style: string): string {
  return [
    "default-src 'none'",
    `script-src ${cspHash(script)}`,
    `style-src ${cspHash(style)}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Text safe inside a <script> or <style> element we wrote ourselves: fails loudly if it could close the element. */
export function inlineCode(text: string, element: 'script' | 'style'): string {
  if (new RegExp(`</${element}`, 'i').test(text) || text.includes('<!--')) throw new Error(`inline ${element} must not contain </${element} or <!--`);
  return text;
}
