import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/bot/tokenize.js';

const texts = (input: string): string[] => {
  const r = tokenize(input);
  if (!r.ok) throw new Error(`refused: ${r.code}: ${r.message}`);
  return r.value.map((t) => t.text);
};

const refusal = (input: string): { code: string; message: string } => {
  const r = tokenize(input);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.value)}`);
  return { code: r.code, message: r.message };
};

describe('tokenize', () => {
  it('splits words on spaces, tabs and newlines, and records where each starts', () => {
    expect(tokenize('nc018  smtp\tdown\n"spam"')).toEqual({
      ok: true,
      value: [
        { text: 'nc018', quoted: false, start: 0 },
        { text: 'smtp', quoted: false, start: 7 },
        { text: 'down', quoted: false, start: 12 },
        { text: 'spam', quoted: true, start: 17 },
      ],
    });
  });

  it('gives no tokens for blank text', () => {
    expect(texts('')).toEqual([]);
    expect(texts('  \n\t ')).toEqual([]);
  });

  it('reads straight quotes with \\" and \\\\ escapes; other backslashes stay', () => {
    expect(texts(String.raw`"say \"hi\" to C:\temp \\ now"`)).toEqual(['say "hi" to C:\\temp \\ now']);
  });

  it('keeps an empty quoted string as a quoted token', () => {
    expect(tokenize('""')).toEqual({ ok: true, value: [{ text: '', quoted: true, start: 0 }] });
  });

  it('reads typographic quotes, counting nested pairs the way phones write them', () => {
    expect(texts('“We are down” next')).toEqual(['We are down', 'next']);
    expect(texts('“a “b” c”')).toEqual(['a “b” c']);
    expect(texts('“an “update” about “the “inner” one””')).toEqual(['an “update” about “the “inner” one”']);
  });

  it("reads „…“, ‘…’, '…' and «…»", () => {
    expect(texts('„Wartung heute“ x')).toEqual(['Wartung heute', 'x']);
    expect(texts('«maintenance ce soir» x')).toEqual(['maintenance ce soir', 'x']);
    expect(texts('‘we’ll be back’ x')).toEqual(['we’ll be back', 'x']);
    expect(texts("'don't panic' x")).toEqual(["don't panic", 'x']);
  });

  it('keeps every other kind of quote literal inside a quoted string', () => {
    expect(texts('"This is the last post that we’ll refer to as an “update”"')).toEqual([
      'This is the last post that we’ll refer to as an “update”',
    ]);
    expect(texts('“a straight " inside and a ‘single’ one”')).toEqual([
      'a straight " inside and a ‘single’ one',
    ]);
  });

  it('keeps a quote in the middle of a word literal', () => {
    expect(texts('don\'t it"s we’ll')).toEqual(["don't", 'it"s', 'we’ll']);
  });

  it('keeps newlines and inner whitespace of quoted text, after turning \\r\\n into \\n', () => {
    expect(texts('"first line\r\n\r\n  • second"')).toEqual(['first line\n\n  • second']);
  });

  it('keeps emoji, right-to-left overrides and zero-width characters', () => {
    const text = '"down 🔥 \u202Eevil\u202C zero\u200Bwidth \u200D"';
    expect(texts(text)).toEqual(['down 🔥 \u202Eevil\u202C zero\u200Bwidth \u200D']);
  });

  it('refuses an unclosed quote, saying where it opened and what would close it', () => {
    const r = refusal('nc018 smtp down “We are down');
    expect(r.code).toBe('unbalanced_quote');
    expect(r.message).toContain('character 17');
    expect(r.message).toContain('closing ”');
    expect(refusal('x "open').message).toContain('closing "');
  });

  it('refuses an unbalanced nested typographic quote', () => {
    const r = refusal('“a “b c”');
    expect(r.code).toBe('unbalanced_quote');
    expect(r.message).toContain('each inner “ needs its own ”');
  });

  it('refuses a closing quote with no space after it', () => {
    const r = refusal('"down"now');
    expect(r.code).toBe('syntax');
    expect(r.message).toContain('put a space after the closing quote');
    // The usual cause: straight quotes inside a straight-quoted message.
    expect(refusal('"refer to it as an "update" please"').message).toContain('\\"');
  });

  it('refuses control characters, naming the code point and where it is', () => {
    const r = refusal('nc018\u0000 smtp');
    expect(r.code).toBe('syntax');
    expect(r.message).toContain('U+0000');
    expect(r.message).toContain('character 6');
    expect(refusal('"bell \u0007"').message).toContain('U+0007');
    expect(refusal('"next line \u0085"').message).toContain('U+0085');
    expect(refusal('lone \r return').message).toContain('U+000D');
  });
});
