// Hostile inputs, one row each, for every surface that takes input from outside: chat text (through the core
// and through `herald run`), the configuration, and HTTP requests to the site server. Each row says what it
// is, what is fed in, and what must become of it: refused with a clear message (and nothing written), or
// accepted and shown escaped. hostile-inputs.test.ts runs them.
//
// Slack and Discord feed the same command text in: when their adapters land, add a `ChatSurface` for each to
// CHAT_SURFACES (every CHAT_ROWS row then runs through it too), and put platform-only rows (forged
// signatures, oversized payloads, mention syntax in replies) in SLACK_ROWS and DISCORD_ROWS.

import type { RefusalCode } from '../../src/bot/refusal.js';

export const MB5 = 5 * 1024 * 1024;
/** `unit` repeated to `size` UTF-16 units (units of one code unit, so nothing is cut in half). */
export const sized = (unit: string, size = MB5): string =>
  unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

/** The longest refusal a person can be expected to read; anything the user typed is quoted back shortened. */
export const CLEAR_MESSAGE_MAX = 1_000;

// --------------------------------------------------------------------------------------------------- chat

/** What the site and feeds must show for an accepted command. */
export interface SiteCheck {
  /** Strings that must appear in the incident's page, as written to the file (escaped). */
  page: readonly string[];
  /** Text a feed reader must find in the entry (title or content), unescaped: the text survived. */
  feedText: readonly string[];
  /** Raw strings that must appear in no HTML page and no XML feed (the unescaped markup, say). */
  absent: readonly string[];
}

export type ChatExpectation =
  /** Refused with this code and words matching `says`; the database is unchanged. */
  | { refused: RefusalCode; says: RegExp }
  /** Answered (help, list) without writing anything; the answer is readable. */
  | { answered: 'help' | 'list'; says: RegExp }
  /** Recorded; after publishing, the site and feeds carry it escaped. */
  | { accepted: SiteCheck };

export interface ChatRow {
  what: string;
  text: string;
  expect: ChatExpectation;
}

/** A chat surface a hostile command text can be sent through. */
export interface ChatSurface {
  name: string;
  /** A fresh Herald with this surface on, and one incident already recorded (so there is something to lose). */
  open(): Promise<OpenChatSurface>;
}

export interface OpenChatSurface {
  /** Sends the text as staff would type it; resolves to what the user was answered. */
  send(text: string): Promise<{ kind: string; code?: string; reply: string }>;
  /** Every row of the database, as test/store/dump.ts writes it. */
  dump(): string;
  /** Delivers what is pending and returns the site's folder. */
  publish(): Promise<string>;
  close(): Promise<void>;
}

const WORD_5MB = sized('x');

export const CHAT_ROWS: readonly ChatRow[] = [
  // Control characters: refused where they are, by code point and position.
  {
    what: 'NUL inside the message',
    text: 'nc018 smtp down "spam\u0000cleanup"',
    expect: { refused: 'syntax', says: /control character U\+0000 at character 22/ },
  },
  { what: 'NUL alone', text: '\u0000', expect: { refused: 'syntax', says: /U\+0000/ } },
  {
    what: 'an ANSI colour escape in the message',
    text: 'nc018 smtp down "\u001b[31mred\u001b[0m"',
    expect: { refused: 'syntax', says: /U\+001B/ },
  },
  {
    what: 'a C1 control (NEL) in the message',
    text: 'nc018 smtp down "a\u0085b"',
    expect: { refused: 'syntax', says: /U\+0085/ },
  },
  {
    what: 'DEL in the system name',
    text: 'nc0\u007f18 smtp down "x"',
    expect: { refused: 'syntax', says: /U\+007F/ },
  },
  {
    what: 'a lone carriage return (not CRLF)',
    text: 'nc018 smtp down "line\rover"',
    expect: { refused: 'syntax', says: /U\+000D/ },
  },
  {
    what: 'backspaces that would hide words in a terminal',
    text: 'nc018 smtp up "all fine\b\b\b\bdown"',
    expect: { refused: 'syntax', says: /U\+0008/ },
  },

  // Size: five megabytes wherever a word or a message goes; answered quickly, and quoted back shortened.
  {
    what: 'a 5 MB message',
    text: `nc018 smtp down "${WORD_5MB}"`,
    expect: { refused: 'message_too_long', says: /5,242,880 characters; the limit is 4,000/ },
  },
  {
    what: 'a 5 MB message without quotes',
    text: `nc018 smtp down ${sized('spam ')}`,
    expect: { refused: 'syntax', says: /put the message in quotes: "spam spam/ },
  },
  {
    what: 'a 5 MB word where the system goes',
    text: `${WORD_5MB} smtp down "x"`,
    expect: { refused: 'unknown_system', says: /unknown system "x+…"/ },
  },
  {
    what: 'a 5 MB word where the service goes',
    text: `nc018 ${WORD_5MB} down "x"`,
    expect: { refused: 'unknown_service', says: /unknown service "x+…" on NC018/ },
  },
  {
    what: 'a 5 MB word where the state goes',
    text: `nc018 smtp ${WORD_5MB} "x"`,
    expect: { refused: 'unknown_state', says: /unknown state "x+…"/ },
  },
  {
    what: 'a 5 MB time',
    text: `nc018 smtp down "x" --at "${WORD_5MB}"`,
    expect: { refused: 'bad_time', says: /cannot read "x+…" as a time/ },
  },
  {
    what: 'a 5 MB option name',
    text: `nc018 smtp down "x" --${WORD_5MB}`,
    expect: { refused: 'unknown_option', says: /unknown option --x+…/ },
  },
  {
    what: 'a 5 MB title',
    text: `nc018 smtp down "x" --title "${WORD_5MB}"`,
    expect: { refused: 'message_too_long', says: /--title is 5,242,880 characters; the limit is 200/ },
  },
  {
    what: 'a 5 MB incident reference',
    text: `update ${sized('9')} "x"`,
    expect: { refused: 'unknown_incident', says: /there is no incident 9+…/ },
  },
  {
    what: 'a 5 MB help topic',
    text: `help ${WORD_5MB}`,
    expect: { answered: 'help', says: /No help on "x+…"/ },
  },
  {
    what: 'a 5 MB quote that never closes',
    text: `nc018 smtp down "${WORD_5MB}`,
    expect: { refused: 'unbalanced_quote', says: /never closed: expected a closing "/ },
  },

  // Deeply nested quotes: counted, not recursed into.
  {
    what: '100,000 nested typographic quotes, never closed',
    text: `nc018 smtp down ${'“'.repeat(100_000)}x`,
    expect: { refused: 'unbalanced_quote', says: /each inner “ needs its own ”/ },
  },
  {
    what: '100,000 nested typographic quotes, balanced (too long as a message)',
    text: `nc018 smtp down ${'“'.repeat(100_000)}x${'”'.repeat(100_000)}`,
    expect: { refused: 'message_too_long', says: /the limit is 4,000/ },
  },

  // Markup, mentions and lookalikes where a word is expected: refused, named, nothing written.
  {
    what: 'a script tag as the system',
    text: '<script>alert(1)</script> smtp down "x"',
    expect: { refused: 'unknown_system', says: /unknown system "<script>alert\(1\)<\/script>"/ },
  },
  {
    what: 'markup as a tag',
    text: 'nc018 smtp down "x" --tag "<b>spam</b>"',
    expect: { refused: 'option_value', says: /bad tag/ },
  },
  {
    what: 'a line break inside the title',
    text: 'nc018 smtp down "x" --title "one\n<h1>two</h1>"',
    expect: { refused: 'option_value', says: /must be one line/ },
  },
  {
    what: '@everyone as the service',
    text: 'nc018 @everyone down "x"',
    expect: { refused: 'unknown_service', says: /unknown service "@everyone" on NC018/ },
  },
  {
    what: '<!channel> as the state',
    text: 'nc018 smtp <!channel> "x"',
    expect: { refused: 'unknown_state', says: /unknown state "<!channel>"/ },
  },
  {
    what: 'a zero-width space inside the system name',
    text: 'nc\u200b018 smtp down "x"',
    expect: { refused: 'unknown_system', says: /did you mean "nc018"/ },
  },
  {
    what: 'a Cyrillic lookalike in the system name',
    text: 'n\u0441018 smtp down "x"',
    expect: { refused: 'unknown_system', says: /did you mean "nc018"/ },
  },
  {
    what: 'a right-to-left override inside the state',
    text: 'nc018 smtp \u202enwod "x"',
    expect: { refused: 'unknown_state', says: /unknown state/ },
  },
  {
    what: 'a message of zero-width and bidi characters only',
    text: 'nc018 smtp down "\u200b\u200d\u2060\ufeff\u202e\u2066"',
    expect: { refused: 'missing_message', says: /empty \(it has only invisible characters\)/ },
  },
  {
    what: 'a message of Unicode spaces only',
    text: 'nc018 smtp down "\u00a0\u2003\u3000\u2028 \t\n"',
    expect: { refused: 'missing_message', says: /the message is empty/ },
  },
  {
    what: 'a title of invisible characters only',
    text: 'nc018 smtp down "x" --title "\u200b\u200b"',
    expect: { refused: 'option_value', says: /--title is empty/ },
  },
  {
    what: 'an incident number beyond the safe integers',
    text: 'update 99999999999999999999 "x"',
    expect: { refused: 'unknown_incident', says: /numbered from 1/ },
  },
  {
    what: 'a post written in exponent notation',
    text: 'retract 1e3.1 "x"',
    expect: { refused: 'unknown_post', says: /"1e3\.1" is not a post/ },
  },
  {
    what: 'an update number beyond the safe integers',
    text: 'update 1 "x" --number 1e309',
    expect: { refused: 'bad_number', says: /positive whole number/ },
  },
  {
    what: 'a time in year 275760 (past what a Date holds)',
    text: 'nc018 smtp down "x" --at "275760-09-14T00:00"',
    expect: { refused: 'bad_time', says: /cannot read/ },
  },
  {
    what: 'a time zone that is a path',
    text: 'nc018 smtp down "x" --at "22:13 ../../etc/localtime"',
    expect: { refused: 'bad_time', says: /not a time zone I know/ },
  },
  {
    what: 'an option given 10,000 times',
    text: `nc018 smtp down "x"${' --tag a'.repeat(10_000)}`,
    expect: { refused: 'syntax', says: /--tag is given twice/ },
  },

  // Accepted: whatever the text, the page and the feeds carry it escaped, and the feeds still parse.
  {
    what: 'a script tag in the message',
    text: 'nc018 smtp down "<script>alert(1)</script> spam"',
    expect: {
      accepted: {
        page: ['&lt;script&gt;alert(1)&lt;/script&gt; spam'],
        feedText: ['<script>alert(1)</script> spam'],
        absent: ['<script>alert(1)'],
      },
    },
  },
  {
    what: 'an event handler in the title',
    text: 'nc018 smtp down "x" --title "<img src=x onerror=alert(1)>"',
    expect: {
      accepted: {
        page: ['&lt;img src=x onerror=alert(1)&gt;'],
        feedText: ['<img src=x onerror=alert(1)>'],
        absent: ['<img src=x'],
      },
    },
  },
  {
    what: 'a CDATA end, twice, in the message and the title',
    text: 'nc018 smtp down "a ]]> b ]]> <![CDATA[ c" --title "t ]]> ]]>"',
    expect: {
      accepted: {
        page: ['a ]]&gt; b ]]&gt; &lt;![CDATA[ c'],
        feedText: ['a ]]> b ]]> <![CDATA[ c', 't ]]> ]]>'],
        absent: [],
      },
    },
  },
  {
    what: 'Slack and Discord mentions in the message',
    text: 'nc018 smtp down "@everyone @here <!channel> <!here> <@U024BE7LH> <@&123456789012345678> <#C1|general>"',
    expect: {
      accepted: {
        page: [
          '@everyone @here &lt;!channel&gt; &lt;!here&gt; &lt;@U024BE7LH&gt; &lt;@&amp;123456789012345678&gt;',
        ],
        feedText: ['@everyone @here <!channel> <!here> <@U024BE7LH> <@&123456789012345678> <#C1|general>'],
        absent: ['<!channel>', '<@U024BE7LH>'],
      },
    },
  },
  {
    what: 'right-to-left overrides and isolates in the message',
    text: 'nc018 smtp down "invoice \u202egpj.exe\u202c and \u2067RTL\u2069 text"',
    expect: {
      accepted: {
        page: ['<bdi>invoice \u202egpj.exe\u202c and \u2067RTL\u2069 text</bdi>'],
        feedText: ['invoice \u202egpj.exe\u202c and \u2067RTL\u2069 text'],
        absent: [],
      },
    },
  },
  {
    what: 'zero-width characters inside a message',
    text: 'nc018 smtp down "spam\u200bclean\u200dup\u2060 done\ufeff"',
    expect: {
      accepted: {
        page: ['spam\u200bclean\u200dup\u2060 done'],
        feedText: ['spam\u200bclean\u200dup\u2060 done'],
        absent: [],
      },
    },
  },
  {
    what: 'link markup with a javascript: URL',
    text: 'nc018 smtp down "<https://evil.example|click> [here](javascript:alert(1)) javascript:alert(2)"',
    expect: {
      accepted: {
        page: ['&lt;https://evil.example|click&gt; [here](javascript:alert(1))'],
        feedText: ['[here](javascript:alert(1))'],
        absent: ['href="javascript:', "href='javascript:", '<https://evil'],
      },
    },
  },
  {
    // SQLite stores each lone half as replacement characters (three of them, one per byte it was encoded in).
    what: 'lone surrogates in the message',
    text: 'nc018 smtp down "half \ud800 and \udfff halves"',
    expect: { accepted: { page: ['half \ufffd'], feedText: ['half \ufffd'], absent: ['\ud800', '\udfff'] } },
  },
  {
    what: 'line and paragraph separators and CRLF in the message',
    text: 'nc018 smtp down "one\u2028two\u2029three\r\nfour"',
    expect: { accepted: { page: ['four'], feedText: ['four'], absent: [] } },
  },
  {
    what: 'a thousand nested typographic quotes, balanced',
    text: `nc018 smtp down ${'“'.repeat(1_000)}deep${'”'.repeat(1_000)}`,
    expect: {
      accepted: {
        page: [`${'“'.repeat(999)}deep${'”'.repeat(999)}`],
        feedText: [`${'“'.repeat(999)}deep${'”'.repeat(999)}`],
        absent: [],
      },
    },
  },
  {
    what: 'entities that must stay literal',
    text: 'nc018 smtp down "&amp;lt; &#x3C;script&#x3E; &lt;b&gt;"',
    expect: {
      accepted: {
        page: ['&amp;amp;lt; &amp;#x3C;script&amp;#x3E; &amp;lt;b&amp;gt;'],
        feedText: ['&amp;lt; &#x3C;script&#x3E; &lt;b&gt;'],
        absent: ['&#x3C;script'],
      },
    },
  },
  {
    what: 'SQL in the message',
    text: `nc018 smtp down "'); DROP TABLE posts; -- \\" OR 1=1"`,
    expect: {
      accepted: {
        page: ['&#39;); DROP TABLE posts; -- &quot; OR 1=1'],
        feedText: ['\'); DROP TABLE posts; -- " OR 1=1'],
        absent: [],
      },
    },
  },
  {
    what: 'title placeholders in a title',
    text: 'nc018 smtp down "x" --title "{services} on {system} {title} {n}"',
    expect: {
      accepted: {
        page: ['{services} on {system} {title} {n}'],
        feedText: ['{services} on {system} {title} {n}'],
        absent: [],
      },
    },
  },
  {
    what: 'emoji sequences and stacked combining marks',
    text: 'nc018 smtp down "👩‍👩‍👧 👍🏽 🇿🇲 Z̷̢̛a̸͎͝l̴̡̛g̸̣̕o̵̧͝"',
    expect: { accepted: { page: ['👩‍👩‍👧 👍🏽 🇿🇲 Z̷̢̛a̸͎͝l̴̡̛g̸̣̕o̵̧͝'], feedText: ['👩‍👩‍👧 👍🏽 🇿🇲'], absent: [] } },
  },
  {
    what: 'a message of exactly 4,000 astral characters (8,000 UTF-16 units)',
    text: `nc018 smtp down "${'😀'.repeat(4_000)}"`,
    expect: { accepted: { page: ['😀'.repeat(4_000)], feedText: ['😀'.repeat(4_000)], absent: [] } },
  },
];

// ------------------------------------------------------------------------------------------------- herald run

export interface CliRow {
  what: string;
  args: readonly string[];
  /** Exit status: 0 recorded (then published and checked), 1 refused, 2 configuration or usage. */
  status: number;
  /** Standard error (refused) or the published incident page (recorded) must match. */
  says: RegExp;
  /** Raw strings no page or feed may contain once published. */
  absent?: readonly string[];
}

export const CLI_ROWS: readonly CliRow[] = [
  {
    what: 'an ANSI escape in the command',
    args: ['run', 'nc018 smtp down "\u001b[2J\u001b[Hcleared"'],
    status: 1,
    says: /control character U\+001B/,
  },
  {
    // The kernel caps one argument at 128 KiB; 100 KB is what a shell can pass.
    what: 'a 100 KB message',
    args: ['run', `nc018 smtp down "${sized('x', 100_000)}"`],
    status: 1,
    says: /100,000 characters; the limit is 4,000/,
  },
  {
    what: 'a right-to-left override in the system name',
    args: ['run', '\u202e810cn smtp down "x"'],
    status: 1,
    says: /unknown system "\u202e810cn"/,
  },
  {
    what: '--as with no name',
    args: ['run', 'nc018 smtp down "x"', '--as'],
    status: 2,
    says: /--as needs a name/,
  },
  { what: 'only spaces and newlines', args: ['run', ' \n\t '], status: 1, says: /nothing to run/ },
  {
    what: 'markup as the author (--as)',
    args: ['run', 'nc018 smtp down "x"', '--as', '<img src=x onerror=alert(1)>\u202e'],
    status: 0,
    says: /&lt;img src=x onerror=alert\(1\)&gt;/,
    absent: ['<img src=x'],
  },
];

// ----------------------------------------------------------------------------------------------- configuration

export interface ConfigRow {
  what: string;
  /** The configuration file's content (`(shipped) => …` to change the shipped file); the shipped file if absent. */
  file?: string | Buffer | ((shipped: string) => string);
  /** HERALD_CONFIG names a folder, or nothing at all, instead of a file. */
  at?: 'directory' | 'missing';
  /** More environment. */
  env?: Record<string, string>;
  /** One of the problems listed must match. */
  says: RegExp;
  /**
   * A bug whose fix belongs in a file this suite may not change (src/config.ts): the row is run, and is
   * expected to fail until the fix lands. Says what the fix is.
   */
  knownBug?: string;
}

/** The shipped file with one line replaced (the first line starting with `from`, as written). */
const replaceLine =
  (from: string, to: string) =>
  (shipped: string): string => {
    if (!shipped.includes(from)) throw new Error(`the shipped configuration has no "${from}"`);
    return shipped.replace(from, to);
  };

const aliasBomb = (): string => {
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 10; i++)
    lines.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return lines.join('\n');
};

export const CONFIG_ROWS: readonly ConfigRow[] = [
  { what: 'an empty file', file: '', says: /site: Invalid input: expected object/ },
  {
    what: 'a list where the title goes',
    file: replaceLine('title: NinerNet Communications System Status', 'title: [1, 2]'),
    says: /site\.title: Invalid input: expected string/,
  },
  {
    what: 'a string where the message limit goes',
    file: replaceLine('messageLength: 4000', 'messageLength: "4000"'),
    says: /limits\.messageLength/,
  },
  {
    what: 'a message limit of a billion',
    file: replaceLine('messageLength: 4000', 'messageLength: 1000000000'),
    says: /limits\.messageLength: Too big/,
  },
  { what: 'an unknown top-level key', file: (s) => `${s}\nsites: {}\n`, says: /Unrecognized key: "sites"/ },
  {
    what: 'an unknown key in a system',
    file: replaceLine(
      '    kind: server\n    aliases: [nc18]',
      '    kind: server\n    servcies: [smtp]\n    aliases: [nc18]',
    ),
    says: /systems\.nc018: Unrecognized key: "servcies"/,
  },
  {
    what: 'services as a list',
    file: (s) => s.replace(/^services:\n(?: {2}.*\n)+/m, 'services: [smtp, imap]\n'),
    says: /services: .*expected record/,
  },
  {
    what: 'a javascript: base URL',
    file: replaceLine('baseUrl: http://127.0.0.1:8080/', 'baseUrl: "javascript:alert(1)"'),
    says: /expected an http\(s\) URL/,
  },
  {
    what: 'a system named after a command word',
    file: replaceLine('  nc026:\n', '  help:\n'),
    says: /"help" is a command word/,
  },
  {
    what: 'a zone that does not exist',
    file: replaceLine('zone: Africa/Lusaka', 'zone: Mars/Olympus_Mons'),
    says: /expected an IANA time zone/,
  },
  {
    what: 'a service id inherited from Object.prototype ("constructor") that is never defined',
    file: replaceLine(
      'services: [smtp, imap, pop, relay]',
      'services: [smtp, imap, pop, relay, constructor]',
    ),
    says: /unknown service "constructor"/,
  },
  {
    what: '__proto__ as a service id',
    file: replaceLine(
      '  relay: { name: Mail relay, aliases: [smarthost] }',
      '  relay: { name: Mail relay, aliases: [smarthost] }\n  __proto__: { name: Polluted }',
    ),
    says: /__proto__/,
  },
  { what: 'duplicate keys', file: (s) => `${s}\nsite: {}\n`, says: /Map keys must be unique/ },
  { what: 'tabs as indentation', file: 'site:\n\ttitle: x\n', says: /Tabs are not allowed/ },
  { what: 'a billion laughs (aliases of aliases)', file: aliasBomb(), says: /alias count/ },
  {
    what: 'a sequence nested 100,000 deep',
    file: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    says: /not valid YAML/,
  },
  {
    what: 'a mapping nested 5,000 deep (12 MB of indentation)',
    file: Array.from({ length: 5_000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'),
    says: /too large for a configuration/,
  },
  {
    what: 'a JavaScript function tag',
    file: 'site: !!js/function "function () { process.exit(9) }"\n',
    says: /site: Invalid input: expected object/,
  },
  {
    what: 'a binary file (a SQLite database) named as the configuration',
    file: Buffer.concat([
      Buffer.from('SQLite format 3\u0000'),
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
    ]),
    says: /herald\.config\.yaml/,
  },
  {
    what: 'a 5 MB file of keys',
    file: Array.from({ length: 600_000 }, (_, i) => `k${i}: 1`).join('\n'),
    says: /MB/,
  },
  { what: 'HERALD_CONFIG names a folder', at: 'directory', says: /cannot read the configuration \(EISDIR\)/ },
  {
    what: 'HERALD_CONFIG names nothing',
    at: 'missing',
    says: /cannot read the configuration \(ENOENT\); set HERALD_CONFIG/,
  },
  { what: 'a port out of range', env: { HERALD_PORT: '99999' }, says: /HERALD_PORT/ },
  { what: 'a shell command as the port', env: { HERALD_PORT: '8080; rm -rf /' }, says: /HERALD_PORT/ },
  {
    what: 'a file: URL for Mastodon',
    env: { MASTODON_URL: 'file:///etc/passwd', MASTODON_ACCESS_TOKEN: 't' },
    says: /MASTODON_URL/,
  },
  {
    what: 'a javascript: URL for Slack',
    env: { SLACK_API_URL: 'javascript:alert(1)' },
    says: /SLACK_API_URL/,
  },
  {
    what: 'a Discord public key that is not hex',
    env: { DISCORD_PUBLIC_KEY: '<script>' },
    says: /64 hex digits/,
  },
  { what: 'markup as the log level', env: { LOG_LEVEL: '<script>' }, says: /LOG_LEVEL/ },
];

// ------------------------------------------------------------------------------------------------------ HTTP

export interface HttpRow {
  what: string;
  method: string;
  /** The request target exactly as written on the wire. */
  target: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Acceptable statuses. */
  status: readonly number[];
}

/** Statuses that refuse a path outside the site, or a path that is not one. */
const REFUSED = [400, 403, 404];
const NESTED_JSON = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;

export const HTTP_ROWS: readonly HttpRow[] = [
  { what: 'dot-dot', method: 'GET', target: '/../herald.db', status: REFUSED },
  { what: 'dot-dot, percent-encoded dots', method: 'GET', target: '/%2e%2e/herald.db', status: REFUSED },
  { what: 'dot-dot, encoded slash', method: 'GET', target: '/%2E%2E%2Fherald.db', status: REFUSED },
  {
    what: 'dot-dot with an encoded slash after it',
    method: 'GET',
    target: '/..%2fherald.db',
    status: REFUSED,
  },
  { what: 'dot-dot with an encoded backslash', method: 'GET', target: '/..%5cherald.db', status: REFUSED },
  { what: 'dot-dot with a raw backslash', method: 'GET', target: '/..\\herald.db', status: REFUSED },
  { what: 'double-encoded dot-dot', method: 'GET', target: '/%252e%252e%252fherald.db', status: REFUSED },
  {
    what: 'overlong UTF-8 dots (2 bytes)',
    method: 'GET',
    target: '/%c0%ae%c0%ae/herald.db',
    status: REFUSED,
  },
  {
    what: 'overlong UTF-8 dots (3 bytes)',
    method: 'GET',
    target: '/%e0%80%ae%e0%80%ae/herald.db',
    status: REFUSED,
  },
  {
    what: 'dot-dot below a real folder',
    method: 'GET',
    target: '/incidents/../../herald.db',
    status: REFUSED,
  },
  {
    what: 'encoded dot-dot below a real folder',
    method: 'GET',
    target: '/incidents/%2e%2e/%2e%2e/herald.db',
    status: REFUSED,
  },
  { what: 'an absolute path', method: 'GET', target: '//etc/passwd', status: REFUSED },
  { what: 'an absolute path, encoded', method: 'GET', target: '/%2fetc%2fpasswd', status: REFUSED },
  {
    what: 'an absolute-form URL for another host',
    method: 'GET',
    target: 'http://evil.example/../herald.db',
    status: REFUSED,
  },
  { what: 'a dotfile', method: 'GET', target: '/.secret', status: REFUSED },
  { what: 'a dotfile, encoded dot', method: 'GET', target: '/%2esecret', status: REFUSED },
  { what: 'an encoded NUL', method: 'GET', target: '/index.html%00.css', status: REFUSED },
  { what: 'a raw NUL in the request line', method: 'GET', target: '/index.html\u0000.css', status: [400] },
  { what: 'a malformed percent-escape', method: 'GET', target: '/%E0%A4%A', status: REFUSED },
  {
    what: 'markup in the path (not reflected)',
    method: 'GET',
    target: '/<script>alert(1)</script>',
    status: REFUSED,
  },
  { what: 'a 64 KB path', method: 'GET', target: `/${sized('a', 64 * 1024)}`, status: [414, 431] },
  {
    what: 'a 64 KB header',
    method: 'GET',
    target: '/',
    headers: { 'X-Junk': sized('a', 64 * 1024) },
    status: [431],
  },
  {
    what: 'a protocol-relative redirect',
    method: 'GET',
    target: '//evil.example/..%2fincidents',
    status: [...REFUSED, 301],
  },
  {
    what: 'a 5 MB body posted to a page',
    method: 'POST',
    target: '/index.html',
    body: sized('a'),
    status: [404, 405, 413],
  },
  {
    what: 'a 5 MB body on a GET',
    method: 'GET',
    target: '/index.html',
    body: sized('a'),
    status: [200, 400, 413],
  },
  {
    what: 'PUT over a page',
    method: 'PUT',
    target: '/index.html',
    body: '<h1>defaced</h1>',
    status: [404, 405],
  },
  { what: 'DELETE of a page', method: 'DELETE', target: '/index.html', status: [404, 405] },
  { what: 'PATCH of a page', method: 'PATCH', target: '/index.html', body: 'x', status: [404, 405] },
  { what: 'OPTIONS', method: 'OPTIONS', target: '*', status: [200, 204, 400, 404, 405] },
  {
    what: 'TRACE (must not echo the request)',
    method: 'TRACE',
    target: '/',
    headers: { Cookie: 'secret=1' },
    status: [404, 405],
  },
  { what: 'WebDAV PROPFIND', method: 'PROPFIND', target: '/', status: [404, 405] },
  {
    what: 'JSON nested 100,000 deep posted to /healthz',
    method: 'POST',
    target: '/healthz',
    headers: { 'Content-Type': 'application/json' },
    body: NESTED_JSON,
    status: [404, 405, 413],
  },
  {
    what: 'JSON nested 100,000 deep sent with GET /healthz',
    method: 'GET',
    target: '/healthz',
    headers: { 'Content-Type': 'application/json' },
    body: NESTED_JSON,
    status: [200],
  },
  {
    what: '5 MB of JSON posted to /healthz',
    method: 'POST',
    target: '/healthz',
    headers: { 'Content-Type': 'application/json' },
    body: `[${sized('1,', MB5 - 4)}1]`,
    status: [404, 405, 413],
  },
];

// ------------------------------------------------------------------------------------------- Slack, Discord

/** A hostile payload that only one platform can carry; `run` feeds it in and asserts what became of it. */
export interface PlatformRow {
  what: string;
  run(): Promise<void>;
}

/**
 * Slack-only rows: forged or stale signatures, replayed retries, 5 MB event bodies, `<!channel>` echoed in an
 * answer (it must reach Slack escaped), block_actions for another user's preview.
 */
export const SLACK_ROWS: PlatformRow[] = [];

/**
 * Discord-only rows: bad Ed25519 signatures, option values of the wrong type or 5 MB long, `@everyone` in an
 * answer (allowed_mentions must be empty), component clicks on an expired preview.
 */
export const DISCORD_ROWS: PlatformRow[] = [];

/** Surfaces every CHAT_ROWS row runs through besides the core's own (which the test builds): Slack, Discord. */
export const CHAT_SURFACES: ChatSurface[] = [];
