// Escaping for HTML text and attribute values. Every piece of text that came from a person (titles,
// messages, tags, authors, reasons) goes through `userText`: escaped, and isolated in `<bdi>` so that a
// right-to-left override inside it cannot reorder the page around it.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// Characters an HTML parser reports as errors (C0/C1 controls other than whitespace, lone surrogates)
// become U+FFFD, so that a pasted message cannot make the page invalid.
const INVALID =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes `& < > " '`: safe in text and in a double- or single-quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(INVALID, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Text from a person, escaped and isolated: `<bdi>…</bdi>`. */
export function userText(text: string): string {
  return `<bdi>${escapeHtml(text)}</bdi>`;
}

/** A paragraph of a person's text, its newlines shown as line breaks. */
export function userLines(text: string): string {
  return `<bdi>${escapeHtml(text).replace(/\r\n?|\n/g, '<br>')}</bdi>`;
}
