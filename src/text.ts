/**
 * Characters that change how the text around them reads without showing themselves: bidi embeddings, overrides,
 * isolates and marks (U+202E shows "CP-1\u202Egnp.exe" as "CP-1exe.png"), line and paragraph separators, and
 * invisible ones (zero-width spaces and joiners, word joiner, soft hyphen, BOM). A charger's text that holds one is
 * shown with the character as a visible code, in the terminal and in the report alike.
 */
export const hiddenFormatting = /[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

/**
 * What a charger's text must not carry unseen: hidden formatting, and the C0/C1 controls (escape sequences, tabs and
 * line breaks), which drive a terminal, and which a browser shows as nothing or a space, so that "CP-1\t" and "CP-1"
 * would look alike.
 */
export const unseenCharacters = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f]|${hiddenFormatting.source}`, 'g');

const namedEscapes: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };

/** A character as a visible code: \n, \t and \r by name, \x07 up to U+00FF, \u202e above. */
export function visibleCode(c: string): string {
  const named = namedEscapes[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Text with its hidden formatting and control characters shown as visible codes. */
export function showHiddenFormatting(text: string): string {
  return text.replace(unseenCharacters, visibleCode);
}
