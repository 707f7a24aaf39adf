// How wide a badge's text is, so that each half of the badge fits its words. The table holds the advance
// widths (in pixels, at 11 px) of the printable ASCII characters in DejaVu Sans, the font the badge falls
// back to where Verdana is missing (measured once in Chromium; Verdana's are within a few percent). The SVG
// also gives each text its measured `textLength`, so that whichever font a viewer has, the words fill
// exactly the box they were measured for and never spill out of it.

// biome-ignore format: one row per 16 characters, from U+0020 (space).
const ASCII_WIDTHS = [
  3.5, 4.4, 5.1, 9.2, 7, 10.5, 8.6, 3, 4.3, 4.3, 5.5, 9.2, 3.5, 4, 3.5, 3.7,
  7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 3.7, 3.7, 9.2, 9.2, 9.2, 5.8,
  11, 7.5, 7.5, 7.7, 8.5, 7, 6.3, 8.5, 8.3, 3.2, 3.2, 7.2, 6.1, 9.5, 8.2, 8.7,
  6.6, 8.7, 7.6, 7, 6.7, 8.1, 7.5, 10.9, 7.5, 6.7, 7.5, 4.3, 3.7, 4.3, 9.2, 5.5,
  5.5, 6.7, 7, 6, 7, 6.8, 3.9, 7, 7, 3.1, 3.1, 6.4, 3.1, 10.7, 7, 6.7,
  7, 7, 4.5, 5.7, 4.3, 7, 6.5, 9, 6.5, 6.5, 5.8, 7, 3.7, 7, 9.2,
];

/** The size the table is for. */
const TABLE_SIZE = 11;
/** A character outside the table: as wide as an `M` (Latin letters with accents are narrower). */
const OTHER_WIDTH = 9.5;
/** East Asian wide characters and emoji take a full em. */
const WIDE =
  /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]|[\u{1F300}-\u{1FAFF}\u{20000}-\u{3FFFD}]/u;
/** Combining marks and zero-width characters take no room of their own. */
const ZERO = /\p{Mn}|\p{Me}|\p{Cf}/u;

/** The width of `text` in pixels at `size` px, rounded up to a whole pixel. */
export function measureText(text: string, size = TABLE_SIZE): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0x20 && code < 0x7f) width += ASCII_WIDTHS[code - 0x20] ?? OTHER_WIDTH;
    else if (ZERO.test(char)) continue;
    else if (WIDE.test(char)) width += TABLE_SIZE;
    else width += OTHER_WIDTH;
  }
  return Math.ceil((width * size) / TABLE_SIZE);
}
