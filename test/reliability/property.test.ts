// Property tests of the parts that read what people type: the tokenizer, the command parser and the time
// parser. Whatever arrives — pasted logs, phone quotes, emoji, bidi overrides, lone surrogates, control
// characters — the answer is a value (a command, an instant, or a refusal with a known code and words for
// the user), never an exception. HERALD_LONG=1 runs each property 50,000 times instead of 2,000.

import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandKind } from '../../src/bot/command.js';
import { SUBCOMMANDS } from '../../src/bot/command-spec.js';
import { parseCommand } from '../../src/bot/parse-command.js';
import { parseTime } from '../../src/bot/parse-time.js';
import type { RefusalCode, Result } from '../../src/bot/refusal.js';
import { tokenize } from '../../src/bot/tokenize.js';
import { quoteMessage } from '../../src/demo/status-blog.js';
import { createTestCore, type TestCore } from '../helpers/core.js';
import { testSettings } from '../helpers/settings.js';

const LONG = process.env.HERALD_LONG === '1';
const RUNS = LONG ? 50_000 : 2_000;
const runs = { numRuns: RUNS };
// Long runs take minutes; the default ones take seconds.
const TIMEOUT = LONG ? 3_600_000 : 120_000;

/** Every refusal code: the type makes this list complete, and lets no unknown code in. */
const CODES: Record<RefusalCode, true> = {
  empty: true,
  syntax: true,
  unbalanced_quote: true,
  unknown_subcommand: true,
  unknown_system: true,
  unknown_service: true,
  unknown_state: true,
  missing_message: true,
  message_too_long: true,
  unknown_option: true,
  unknown_template: true,
  unfilled_placeholder: true,
  option_value: true,
  bad_time: true,
  future_time: true,
  past_time: true,
  promise_on_close: true,
  end_before_start: true,
  before_open: true,
  not_maintenance: true,
  not_started: true,
  cancel_first: true,
  unknown_incident: true,
  ambiguous_incident: true,
  incident_closed: true,
  unknown_post: true,
  post_retracted: true,
  no_change: true,
  bad_number: true,
  not_staff: true,
  unknown_preview: true,
  not_author: true,
  preview_expired: true,
  preview_closed: true,
  unknown_prompt: true,
};
const KNOWN_CODES = new Set(Object.keys(CODES));

const KINDS: Record<CommandKind, true> = {
  change: true,
  update: true,
  resolve: true,
  cancel: true,
  maintenance: true,
  notice: true,
  edit: true,
  retract: true,
  list: true,
  deliveries: true,
  retry: true,
  subscribers: true,
  proposals: true,
  help: true,
};

/** A refusal is a known code and a sentence for the user. */
function expectClearRefusal(r: Result<unknown>, codes: ReadonlySet<string> = KNOWN_CODES): void {
  if (r.ok) return;
  expect(codes.has(r.code), `unexpected code ${r.code}`).toBe(true);
  expect(r.message.trim().length).toBeGreaterThan(0);
}

// --------------------------------------------------------------------------------------------- arbitraries

const QUOTES = ['"', '“', '”', '„', '‟', '«', '»', '‹', '›', '‘', '’', '‚', "'", '`', '「', '」', '＂'];
/** Characters that have broken parsers and pages before: escapes, line ends, invisible and bidi marks. */
const TRICKY = [
  '\\',
  '\\"',
  '\\\\',
  '\n',
  '\r\n',
  '\r',
  '\t',
  ' ',
  '\u00a0',
  '\u2003',
  '\u3000',
  '\u2028',
  '\u2029',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u00ad',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009b',
  '\ud800',
  '\udfff',
  '😀',
  '👩‍👩‍👧',
  '👍🏽',
  '🇿🇲',
  'e\u0301',
  'ש',
  'م',
  '<',
  '>',
  '&',
  ']]>',
  '<script>',
  '@everyone',
  '<!channel>',
  '--at',
  '—title',
  '#',
  ',',
  '=',
];

/** One piece of a message: a tricky character, any code point, or any UTF-16 unit (lone surrogates too). */
const piece = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...QUOTES, ...TRICKY) },
  { weight: 5, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 4 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
);
const shortText = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));
/** Text around the message limit (4,000 characters), in one- and two-unit characters and spaces. */
const nearLimit = fc
  .tuple(fc.integer({ min: 3_990, max: 4_010 }), fc.constantFrom('x', '😀', ' ', 'é'), shortText, shortText)
  .map(([n, c, a, b]) => `${a}${c.repeat(n)}${b}`);
const messageText = fc.oneof({ weight: 9, arbitrary: shortText }, { weight: 1, arbitrary: nearLimit });

const SYSTEM_WORDS = ['nc018', 'nc18', 'NC026', 'email', 'mail', 'nc81', 'nc999'];
const SERVICE_WORDS = ['smtp', 'imap,pop', 'web', 'all', 'db', 'relay', 'smtpp', 'smtp,', ','];
const STATE_WORDS = ['up', 'down', 'degraded', 'maintenance', 'ok', 'restored', 'slow', 'outage', 'dwon'];
const OPTION_WORDS = [
  '--at',
  '--tag',
  '--tags',
  '--title',
  '--start',
  '--end',
  '--number',
  '—at',
  '--at=22:13',
  '--tag=spam,smtp',
  '--nope',
  '-at',
  '--',
];
const TIME_WORDS = [
  '22:13',
  '7pm',
  '7:30',
  'pm',
  'am',
  'yesterday',
  'today',
  'tomorrow',
  'now',
  'Friday',
  'fri',
  '3',
  '3rd',
  'May',
  'sept',
  '2013-05-03',
  '2013-02-29',
  '2013-05-03T19:00',
  '2013-05-03T19:00:00Z',
  '2013-05-03t19:00+02:00',
  '2013-05-03T19:00-0530',
  '2013-05-03T19:00+99:99',
  '2013-03-10T02:30',
  '2013',
  '0000-01-01',
  '9999-12-31T23:59',
  'at',
  'UTC',
  'GMT',
  'Z',
  'Vancouver',
  'Lusaka',
  'America/Vancouver',
  'Africa/Lusaka',
  'Mars/Olympus',
  'Etc/GMT+14',
  'Etc/GMT-14',
  '24:00',
  '23:59:60',
  '00:00',
  '12am',
  '0pm',
  '13pm',
  '99:99',
  '1e3:00',
  ',',
];
const NUMBER_WORDS = ['42', '#42', '0', '#0', '12.3', '#12.3', '0.0', '1.2.3', '99999999999999999999', '-1'];

/** Text that looks like a command: grammar words, quoted pieces and noise, with all kinds of spacing. */
const commandLike = fc
  .array(
    fc.oneof(
      fc.constantFrom('/status', '/STATUS', 'help', ...SUBCOMMANDS),
      fc.constantFrom(...SYSTEM_WORDS, ...SERVICE_WORDS, ...STATE_WORDS),
      fc.constantFrom(...OPTION_WORDS, ...TIME_WORDS, ...NUMBER_WORDS),
      fc
        .tuple(fc.constantFrom(...QUOTES), shortText, fc.constantFrom(...QUOTES))
        .map(([open, text, close]) => `${open}${text}${close}`),
      fc.tuple(fc.constantFrom(...QUOTES), shortText).map(([q, text]) => `${q}${text}${q}`),
      piece,
    ),
    { maxLength: 14 },
  )
  .chain((words) =>
    fc
      .array(fc.constantFrom(' ', ' ', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', ''), {
        minLength: words.length,
        maxLength: words.length,
      })
      .map((gaps) => words.map((w, i) => `${w}${gaps[i]}`).join('')),
  );
const quoted = fc
  .tuple(fc.constantFrom('"', '“', '«', "'"), shortText)
  .map(([q, text]) =>
    q === '"'
      ? quoteMessage(text)
      : `${q}${text.replace(/[”»']/g, '')}${q === '“' ? '”' : q === '«' ? '»' : q}`,
  );
const option = (names: string[], values: fc.Arbitrary<string>) =>
  fc.option(
    fc.tuple(fc.constantFrom(...names), values).map(([n, v]) => ` ${n} ${v}`),
    { nil: '' },
  );
const timeValue = fc.oneof(
  fc.constantFrom(...TIME_WORDS),
  fc.constantFrom(...TIME_WORDS).map((t) => `"${t} Vancouver"`),
);
/** Text shaped like each subcommand, with its parts drawn from good and bad words: often recorded. */
const commandShaped = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...SYSTEM_WORDS),
      fc.constantFrom(...SERVICE_WORDS),
      fc.constantFrom(...STATE_WORDS),
      quoted,
      option(['--at'], timeValue),
      option(['--tag', '--tags'], fc.constantFrom('spam,smtp', '#spam', 'Spam', '<b>', '""')),
      option(['--title'], quoted),
    )
    .map((p) => p.join(' ')),
  fc
    .tuple(
      fc.constantFrom('update', 'resolve'),
      fc.constantFrom(...NUMBER_WORDS, 'nc018 smtp', 'nc018'),
      quoted,
    )
    .map((p) => p.join(' ')),
  fc
    .tuple(
      fc.constantFrom('maintenance nc018 web', 'maintenance email all', 'maintenance nc026'),
      quoted,
      option(['--start'], timeValue),
      option(['--end'], timeValue),
    )
    .map((p) => p.join(' ')),
  fc
    .tuple(fc.constant('notice'), quoted, quoted, option(['--number'], fc.constantFrom(...NUMBER_WORDS)))
    .map((p) => p.join(' ')),
  fc
    .tuple(fc.constantFrom('edit', 'retract'), fc.constantFrom(...NUMBER_WORDS), quoted)
    .map((p) => p.join(' ')),
);
const anyText = fc.oneof(
  { weight: 4, arbitrary: commandShaped },
  { weight: 6, arbitrary: commandLike },
  { weight: 2, arbitrary: shortText },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
  },
);

const timeText = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.array(fc.oneof(fc.constantFrom(...TIME_WORDS), piece), { maxLength: 6 }).chain((words) =>
      fc
        .array(fc.constantFrom(' ', ',', ', ', '  ', '\t', ''), {
          minLength: words.length,
          maxLength: words.length,
        })
        .map((gaps) => words.map((w, i) => `${w}${gaps[i]}`).join('')),
    ),
  },
  { weight: 2, arbitrary: shortText },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
);
/** Instants from 1970 to 2100, plus the days around daylight-saving changes in the configured zones. */
const instant = fc.oneof(
  fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }),
  fc
    .constantFrom(
      '2013-03-10T10:00:00Z',
      '2013-11-03T09:00:00Z',
      '2024-03-10T09:59:30Z',
      '2012-12-31T23:59:59Z',
    )
    .chain((iso) => fc.integer({ min: -86_400_000, max: 86_400_000 }).map((d) => Date.parse(iso) + d)),
);

// ----------------------------------------------------------------------------------------------- properties

const NOW = Date.parse('2012-07-27T21:39:27Z');
const ctx = { settings: testSettings, now: NOW };

/** C0 and C1 controls and DEL, except tab and newline: what the tokenizer refuses. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the controls are what this finds.
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** Nothing a reader would see: whitespace and default-ignorable characters (zero-width, bidi marks, BOM). */
const INVISIBLE = /^[\s\p{Default_Ignorable_Code_Point}]*$/u;

describe('the tokenizer', () => {
  it(
    'turns any text into tokens or a quoting refusal, and never throws',
    () => {
      fc.assert(
        fc.property(anyText, (text) => {
          const r = tokenize(text);
          expectClearRefusal(r, new Set(['syntax', 'unbalanced_quote']));
          if (!r.ok) return;
          const normalized = text.replace(/\r\n/g, '\n');
          let last = -1;
          for (const t of r.value) {
            expect(t.start).toBeGreaterThan(last);
            expect(t.start).toBeLessThan(normalized.length);
            last = t.start;
            if (!t.quoted) {
              expect(t.text).not.toBe('');
              expect(normalized.startsWith(t.text, t.start)).toBe(true);
              expect(/\s/u.test(t.text)).toBe(false);
            }
          }
        }),
        runs,
      );
    },
    TIMEOUT,
  );
});

describe('the command parser', () => {
  it(
    'turns any text into a command or a clear refusal, and never throws',
    () => {
      let accepted = 0;
      fc.assert(
        fc.property(anyText, instant, (text, now) => {
          const r = parseCommand(text, { settings: testSettings, now });
          expectClearRefusal(r);
          if (r.ok) {
            expect(KINDS[r.value.kind]).toBe(true);
            accepted++;
          }
        }),
        runs,
      );
      // The texts must reach past the first refusal now and then, or the property proves little.
      expect(accepted).toBeGreaterThan(RUNS / 100);
    },
    TIMEOUT,
  );

  it(
    'gives back any quoted message exactly (ends trimmed), or refuses it only for controls, emptiness or length',
    () => {
      fc.assert(
        fc.property(messageText, (text) => {
          const r = parseCommand(`nc018 smtp down ${quoteMessage(text)}`, ctx);
          // The tokenizer reads CRLF as LF (documented in tokenize.ts); a lone CR is a control character.
          const expected = text.replace(/\r\n/g, '\n');
          const trimmed = expected.trim();
          if (FORBIDDEN_CONTROL.test(expected)) {
            expect(r).toMatchObject({ ok: false, code: 'syntax', message: expect.stringMatching(/control/) });
          } else if (INVISIBLE.test(trimmed)) {
            expect(r).toMatchObject({ ok: false, code: 'missing_message' });
          } else if ([...trimmed].length > testSettings.messageLimit) {
            expect(r).toMatchObject({ ok: false, code: 'message_too_long' });
          } else {
            expect(r).toEqual({
              ok: true,
              value: expect.objectContaining({ kind: 'change', message: trimmed }),
            });
          }
          expectClearRefusal(r);
        }),
        runs,
      );
    },
    TIMEOUT,
  );
});

describe('the time parser', () => {
  it(
    'reads any text as a finite instant or a bad_time refusal, and never throws',
    () => {
      let accepted = 0;
      fc.assert(
        fc.property(timeText, instant, fc.constantFrom('past', 'future'), (text, now, direction) => {
          const r = parseTime(text, { now, zones: testSettings.zones, direction });
          expectClearRefusal(r, new Set(['bad_time']));
          if (r.ok) {
            expect(Number.isFinite(r.value)).toBe(true);
            accepted++;
          }
        }),
        runs,
      );
      expect(accepted).toBeGreaterThan(RUNS / 100);
    },
    TIMEOUT,
  );
});

describe('the core', () => {
  let core: TestCore;
  let db: Database.Database;
  beforeAll(() => {
    core = createTestCore({ now: '2012-07-27T21:39:27Z' });
    db = new Database(path.join(core.dir, 'herald.db'), { readonly: true });
  });
  afterAll(() => {
    db.close();
    core.close();
  });

  it(
    'answers any text with an outcome, never an exception; a refusal writes nothing',
    () => {
      // data_version moves when another connection commits: a cheap and exact "nothing was written".
      const version = () => db.pragma('data_version', { simple: true });
      const kinds = new Set<string>();
      fc.assert(
        fc.property(anyText, (text) => {
          const before = version();
          const outcome = core.run(text);
          kinds.add(outcome.kind);
          if (outcome.kind === 'refused') {
            expect(KNOWN_CODES.has(outcome.code)).toBe(true);
            expect(outcome.message.trim()).not.toBe('');
            expect(version()).toBe(before);
          }
          // ...and the check sees a write when there is one.
          if (outcome.kind === 'recorded') expect(version()).not.toBe(before);
        }),
        runs,
      );
      expect([...kinds]).toEqual(expect.arrayContaining(['refused', 'recorded', 'list', 'help']));
    },
    TIMEOUT,
  );
});
