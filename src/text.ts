/**
 * Characters that change how the text around them reads without showing themselves: bidi embeddings, overrides,
 * isolates and marks (U+202E shows "CP-1\u202Egnp.exe" as "CP-1exe.png"), line and paragraph separators, and
 * invisible ones (zero-width spaces and joiners, word joiner, soft hyphen, BOM). A charger's text that holds one is
 * shown with the character as a visible code, in the terminal and in the report alike.
 */
export const hiddenFormatting = /[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

/** A character as a visible code: \x07 up to U+00FF, \u202e above. */
export function visibleCode(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Text with its hidden formatting characters shown as visible codes. */
export function showHiddenFormatting(text: string): string {
  return text.replace(hiddenFormatting, visibleCode);
}
