// Splits a typed command into words and quoted strings. Quotes arrive straight from keyboards and typographic
// from phones (which also nest them: "a "b" c" becomes “a “b” c”), so every common pair is understood.

import { accept, type Result, refuse } from './refusal.js';

export interface Token {
  text: string;
  /** True for a string written in quotes: a message, a title, a quoted option value. */
  quoted: boolean;
  /** Index of the token (its opening quote, if quoted) in the text after `\r\n` → `\n`. */
  start: number;
}

interface QuotePair {
  close: string;
  /** Straight double quotes take `\"` and `\\` escapes. */
  escapes: boolean;
  /** Single quotes double as apostrophes (`we’ll`), so they open and close only at word edges. */
  apostrophe: boolean;
}

const PAIRS: ReadonlyMap<string, QuotePair> = new Map([
  ['"', { close: '"', escapes: true, apostrophe: false }],
  ['“', { close: '”', escapes: false, apostrophe: false }],
  ['„', { close: '“', escapes: false, apostrophe: false }],
  ['«', { close: '»', escapes: false, apostrophe: false }],
  ['‘', { close: '’', escapes: false, apostrophe: true }],
  ["'", { close: "'", escapes: false, apostrophe: true }],
]);

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/u.test(c);

/** C0 and C1 controls and DEL, except tab and newline. */
const isForbiddenControl = (code: number): boolean =>
  (code < 0x20 && code !== 0x09 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f);

const codePoint = (code: number): string => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/** 1-based position in characters (code points), as a person would count. */
const column = (text: string, index: number): number => [...text.slice(0, index)].length + 1;

export function tokenize(input: string): Result<Token[]> {
  const text = input.replace(/\r\n/g, '\n');
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isForbiddenControl(code)) {
      return refuse(
        'syntax',
        `the text contains the control character ${codePoint(code)} at character ${column(text, i)}; remove it and send again.`,
      );
    }
  }

  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (isSpace(c)) {
      i++;
      continue;
    }
    const pair = PAIRS.get(c);
    if (pair) {
      const quoted = readQuoted(text, i, c, pair);
      if (!quoted.ok) return quoted;
      tokens.push({ text: quoted.value.text, quoted: true, start: i });
      i = quoted.value.end;
      continue;
    }
    const start = i;
    while (i < text.length && !isSpace(text[i])) i++;
    tokens.push({ text: text.slice(start, i), quoted: false, start });
  }
  return accept(tokens);
}

/** Reads the quoted string opening at `open`; `end` is the index just after its closing quote. */
function readQuoted(
  text: string,
  open: number,
  opener: string,
  pair: QuotePair,
): Result<{ text: string; end: number }> {
  let out = '';
  let depth = 1;
  let nested = false;
  let i = open + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (pair.escapes && c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      out += text[i + 1];
      i += 2;
      continue;
    }
    const prev = text[i - 1];
    const next = text[i + 1];
    if (
      c === pair.close &&
      (!pair.apostrophe || next === undefined || isSpace(next) || next === pair.close)
    ) {
      depth--;
      if (depth === 0) {
        if (next !== undefined && !isSpace(next)) {
          return refuse(
            'syntax',
            `the quote that opened with ${opener} at character ${column(text, open)} closes with ${c} at character ${column(text, i)}, ` +
              `and "${next}" follows it: put a space after the closing quote.` +
              (pair.escapes ? ' To put a " inside a message, write \\" or use typographic quotes “ ”.' : ''),
          );
        }
        return accept({ text: out, end: i + 1 });
      }
    } else if (c === opener && opener !== pair.close && (!pair.apostrophe || isSpace(prev))) {
      depth++;
      nested = true;
    }
    out += c;
    i++;
  }
  return refuse(
    'unbalanced_quote',
    `the quote opened with ${opener} at character ${column(text, open)} is never closed: expected a closing ${pair.close}` +
      (nested ? ` (quotes inside it are counted: each inner ${opener} needs its own ${pair.close}).` : '.'),
  );
}
