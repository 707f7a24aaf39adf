// Hostile inputs, one row each, for every surface that takes input from outside: chat text (through the core
// and through `herald run`), the configuration, and HTTP requests to the site server. Each row says what it
// is, what is fed in, and what must become of it: refused with a clear message (and nothing written), or
// accepted and shown escaped. hostile-inputs.test.ts runs them.
//
// Slack and Discord feed the same command text in: when their adapters land, add a `ChatSurface` for each to
// CHAT_SURFACES (every CHAT_ROWS row then runs through it too), and put platform-only rows (forged
// signatures, oversized payloads, mention syntax in replies) in SLACK_ROWS and DISCORD_ROWS.

import Database from 'better-sqlite3';
import { expect, vi } from 'vitest';
import { createDiscordAdapter, DISCORD_INTERACTIONS_PATH } from '../../src/adapters/chat/discord.js';
import { createSlackAdapter } from '../../src/adapters/chat/slack.js';
import type { RefusalCode } from '../../src/bot/refusal.js';
import { createHttpApp, listen } from '../../src/server.js';
import { ACTIONS } from '../../src/templates/slack/blocks.js';
import {
  buttonInteraction,
  commandInteraction,
  createInteractionSigner,
  FAKE_APPLICATION_ID,
  type FakeDiscord,
  type FakeUser,
  type InteractionSigner,
  postInteraction,
  signedHeaders,
  startFakeDiscord,
} from '../fakes/discord.js';
import {
  answerText,
  buttonPress,
  buttonValue,
  FAKE_SLACK,
  type FakeResponse,
  type FakeSlack,
  postSigned,
  type SignOptions,
  type SlackWorld,
  slashCommand,
  startFakeSlack,
  startSlackWorld,
} from '../fakes/slack.js';
import { TEST_CREDENTIALS } from '../helpers/credentials.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';
import { testLog } from '../helpers/log.js';
import { dumpDatabase } from '../store/dump.js';

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
    says: /option '--as <name>' argument missing/,
  },
  { what: 'only spaces and newlines', args: ['run', ' \n\t '], status: 1, says: /nothing to run/ },
  {
    what: 'markup as the author (--as)',
    args: ['run', 'nc018 smtp down "x"', '--as', '<img src=x onerror=alert(1)>\u202e'],
    status: 0,
    // The author is never published (issue 15): the page signs with site.signature, so the markup given as
    // the author appears nowhere public, escaped or not.
    says: /Posted by <bdi>NinerNet staff<\/bdi>/,
    absent: ['<img src=x', 'onerror'],
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

// Every platform row starts its own Herald with one incident already recorded and published (something to
// lose), feeds the payload in through the front door on 127.0.0.1, and compares the database dump.

const PLATFORM_SEED = 'nc026 web degraded "seed: something to lose"';
const NESTED_ARRAYS = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
const nestedObject = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const pause = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
let hostileKeys = 0;
const hostileKey = (what: string) => `hostile-${what}-${++hostileKeys}`;

/**
 * Every row of a Herald's database, read through a second (read-only) connection. The chat inbox is left
 * out: it keeps every request Herald acknowledged (a refused one too), which is the request, not a change.
 */
function dumpHerald(herald: TestHerald): string {
  const db = new Database(herald.config.paths.database, { readonly: true });
  try {
    return dumpDatabase(db, { except: ['inbox'] });
  } finally {
    db.close();
  }
}

/** Seeds the database and waits for the seed's deliveries, so the dump only changes if a row writes. */
async function seed(herald: TestHerald): Promise<void> {
  herald.record(PLATFORM_SEED);
  await herald.herald.publisher.runOnce();
}

// --------------------------------------------------------------------------------------------------- Slack

const ann = { id: 'U0STAFF', name: 'ann' };
const bob = { id: 'U0VISITOR', name: 'bob' };

interface SlackRig {
  world: SlackWorld;
  url: string;
  dump(): string;
}

async function withSlack(run: (rig: SlackRig) => Promise<void>, preview = false): Promise<void> {
  const world = await startSlackWorld({ mode: 'http', preview });
  try {
    await seed(world.herald);
    await run({ world, url: world.eventsUrl ?? '', dump: () => dumpHerald(world.herald) });
  } finally {
    await world.close();
  }
}

/** The last answer once every delivery of a recorded command is reported. */
const slackSettled = (world: SlackWorld, key: string): Promise<FakeResponse> =>
  world.fake.waitFor('every delivery settled', () =>
    world.fake.responsesTo(key).find((r) => answerText(r).includes('Only you can see this."')),
  );

/** A request Bolt must refuse with 401 before anything reads it: no answer, nothing recorded. */
function slackUnsigned(what: string, sign: SignOptions): PlatformRow {
  return {
    what: `${what}: 401, no answer, nothing recorded`,
    run: () =>
      withSlack(async ({ world, url, dump }) => {
        const before = dump();
        const key = hostileKey('sig');
        const form = slashCommand(world.fake, {
          text: 'nc018 smtp down "forged <!channel>"',
          responseKey: key,
        });
        const r = await postSigned(url, form, sign);
        expect(r.status).toBe(401);
        expect(r.body).not.toContain('forged');
        await pause(100);
        expect(world.fake.responsesTo(key)).toEqual([]);
        expect(world.fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
        expect(dump()).toBe(before);
      }),
  };
}

/** Herald with Slack in HTTP mode and announcements in FAKE_SLACK.announceChannel. */
async function withAnnouncingSlack(
  run: (rig: { fake: FakeSlack; herald: TestHerald; url: string }) => Promise<void>,
): Promise<void> {
  const fake = await startFakeSlack();
  const herald = createTestHerald({
    env: {
      SLACK_BOT_TOKEN: FAKE_SLACK.botToken,
      SLACK_API_URL: fake.apiUrl,
      SLACK_SIGNING_SECRET: FAKE_SLACK.signingSecret,
      SLACK_ANNOUNCE_CHANNEL: FAKE_SLACK.announceChannel,
    },
    configText: (shipped) =>
      shipped.replace('users: [] # Slack user ids, e.g. U024BE7LH', `users: ["${ann.id}"] # Slack user ids`),
  });
  const slack = herald.config.slack;
  if (!slack) throw new Error('Slack is not configured');
  const log = testLog();
  const adapter = createSlackAdapter({
    config: slack,
    chat: { ...herald.config.chat, preview: false },
    core: herald.herald,
    settings: herald.config.core,
    site: herald.config.site,
    log,
    clock: { now: () => Date.parse('2012-07-27T21:39:27Z') },
  });
  const server = await listen(
    createHttpApp({
      publicDir: herald.config.paths.publicDir,
      health: () => herald.herald.health(),
      log,
      routes: adapter.routes,
    }),
    '127.0.0.1',
    0,
  );
  try {
    await adapter.start();
    await run({ fake, herald, url: `${server.url}slack/events` });
  } finally {
    await adapter.stop();
    await server.close();
    await herald.close();
    await fake.close();
  }
}

/**
 * Slack-only rows: forged or stale signatures, replayed retries, 5 MB event bodies, `<!channel>` echoed in an
 * answer (it must reach Slack escaped), block_actions for another user's preview.
 */
export const SLACK_ROWS: PlatformRow[] = [
  slackUnsigned('a forged signature', { signature: `v0=${'0'.repeat(64)}` }),
  slackUnsigned('a signature made with another signing secret', {
    secret: TEST_CREDENTIALS.wrong.slackSigningSecret,
  }),
  slackUnsigned('a timestamp six minutes old', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }),
  slackUnsigned('no signature headers', { unsigned: true }),
  {
    what: 'a signed request replayed (same trigger_id, with and without the retry header): one post',
    run: () =>
      withSlack(async ({ world, url, dump }) => {
        const posts = () => world.herald.herald.store.recentPosts(100).length;
        const before = posts();
        const text = 'nc018 smtp down "replayed"';
        const first = await world.slash(text);
        for (const retryNum of [1, 2, 3])
          await world.slash(text, { triggerId: first.triggerId, key: first.key, retryNum });
        await slackSettled(world, first.key);
        expect(posts()).toBe(before + 1);
        const answers = world.fake.responsesTo(first.key).map(answerText);
        expect(answers.every((a) => a.includes('Recorded post'))).toBe(true);
        // The same signed bytes sent again, without Slack's retry header: "already done", nothing changed.
        const recorded = dump();
        const key = hostileKey('replay');
        const form = slashCommand(world.fake, { text, responseKey: key, triggerId: first.triggerId });
        expect((await postSigned(url, form)).status).toBe(200);
        expect(answerText(await world.answer(key))).toContain('nothing changed twice');
        expect(posts()).toBe(before + 1);
        expect(dump()).toBe(recorded);
      }),
  },
  {
    what: 'a 5 MB form body: refused with a 4xx, nothing recorded, and the next command still answered',
    run: () =>
      withSlack(async ({ world, url, dump }) => {
        const before = dump();
        const key = hostileKey('5mb');
        const form = slashCommand(world.fake, { text: `nc018 smtp down "${sized('x')}"`, responseKey: key });
        const r = await postSigned(url, form);
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(r.body).toBe('request body too large\n');
        await pause(100);
        expect(world.fake.responsesTo(key)).toEqual([]);
        expect(dump()).toBe(before);
        const next = await world.slash('list');
        expect(next.status).toBe(200);
        expect(answerText(await world.answer(next.key))).toContain('NC026 Web server*: degraded');
      }),
  },
  {
    what: 'an interaction payload that is not JSON: a 4xx, no answer, nothing recorded',
    run: () =>
      withSlack(async ({ world, url, dump }) => {
        const before = dump();
        for (const payload of ['{"type":"block_actions",', 'undefined', '<!channel>', '']) {
          const r = await postSigned(url, { payload });
          expect(r.status, payload).toBeGreaterThanOrEqual(400);
          expect(r.status, payload).toBeLessThan(500);
          expect(r.body).not.toContain('<!channel>');
        }
        await pause(100);
        expect(world.fake.responses).toEqual([]);
        expect(dump()).toBe(before);
        expect(answerText(await world.answer((await world.slash('list')).key))).toContain('NC026');
      }),
  },
  {
    what: 'deeply nested JSON in an interaction payload: nothing recorded, Herald still answers',
    run: () =>
      withSlack(async ({ world, url, dump }) => {
        const before = dump();
        const key = hostileKey('nested');
        const press = buttonPress(world.fake, {
          actionId: ACTIONS.publish,
          value: '{"p":"x","a":"U0STAFF"}',
          responseKey: key,
        });
        const nestedPress = JSON.stringify(press).replace(/}$/, `,"state":${nestedObject(100_000)}}`);
        for (const payload of [NESTED_ARRAYS, nestedObject(100_000), nestedPress]) {
          const r = await postSigned(url, { payload });
          expect(r.status).toBeLessThan(500);
        }
        await pause(200);
        for (const r of world.fake.responsesTo(key)) expect(answerText(r)).not.toContain('Recorded');
        expect(dump()).toBe(before);
        expect(answerText(await world.answer((await world.slash('list')).key))).toContain('NC026');
      }),
  },
  {
    what: 'a button value that is garbage: told privately the button no longer works, nothing recorded',
    run: () =>
      withSlack(async ({ world, dump }) => {
        const before = dump();
        for (const value of ['garbage', '{"p":', '{"p":1,"a":[]}', '"<!channel>"', sized('{', 1_900)]) {
          const pressed = await world.press(ACTIONS.publish, value);
          expect(pressed.status).toBe(200);
          const told = await world.answer(pressed.key);
          expect(told.body.response_type).toBe('ephemeral');
          expect(answerText(told)).toContain('This button no longer works. Run the command again.');
          expect(answerText(told)).not.toContain('<!');
        }
        expect(dump()).toBe(before);
      }, true),
  },
  {
    what: "another user's press on someone's preview: refused privately, nothing published or recorded",
    run: () =>
      withSlack(async ({ world, dump }) => {
        const sent = await world.slash('nc018 smtp down "ann wrote this"');
        const preview = await world.answer(sent.key);
        expect(answerText(preview)).toContain('Preview: nothing is published yet');
        const before = dump();
        for (const action of [ACTIONS.publish, ACTIONS.cancel]) {
          const pressed = await world.press(action, buttonValue(preview, action), { user: bob });
          const told = await world.answer(pressed.key);
          expect(told.body.response_type).toBe('ephemeral');
          expect(told.body.replace_original).toBe(false);
          expect(answerText(told)).toContain('only ann, who wrote it, can publish or cancel this preview');
        }
        // A forged value naming bob as the author changes nothing either: the preview knows its author.
        const forged = JSON.stringify({ ...JSON.parse(buttonValue(preview, ACTIONS.publish)), a: bob.id });
        const pressed = await world.press(ACTIONS.publish, forged, { user: bob });
        expect(answerText(await world.answer(pressed.key))).not.toContain('Recorded');
        await pause(100);
        expect(dump()).toBe(before);
        expect(world.herald.herald.store.recentPosts(100).map((p) => p.text)).not.toContain('ann wrote this');
        expect(world.fake.messages).toEqual([]);
      }, true),
  },
  {
    what: '<!channel>, <!everyone> and @here reach Slack escaped, in the answer and the announcement',
    run: () =>
      withAnnouncingSlack(async ({ fake, herald, url }) => {
        const key = hostileKey('mentions');
        // Slack sends a typed @channel as <!channel> and a typed < as &lt;.
        const form = slashCommand(fake, {
          text: 'nc026 ftp down "<!channel> <!everyone> <!here|here> @here &lt;!channel&gt; <@U0STAFF>"',
          responseKey: key,
        });
        expect((await postSigned(url, form)).status).toBe(200);
        await fake.waitFor('the announcement', () => fake.messages.length > 0);
        await fake.waitFor('every delivery settled', () =>
          fake.responsesTo(key).find((r) => answerText(r).includes('Only you can see this."')),
        );
        const post = herald.herald.store.recentPosts(1)[0];
        // Slack's markup is read back as what the user typed; the typed `<!channel>` stays literal.
        expect(post?.text).toBe('@channel @everyone @here @here <!channel> @U0STAFF');
        const seen = [
          ...fake.responsesTo(key).map(answerText),
          ...fake.messages.flatMap((m) => [m.text, JSON.stringify(m.blocks)]),
        ];
        for (const text of seen) {
          expect(text).not.toContain('<!');
          expect(text).not.toMatch(/@(channel|here|everyone)/);
          expect(text).not.toContain('<@U0STAFF>');
        }
        expect(fake.messages.map((m) => m.text).join('\n')).toContain('&lt;!channel&gt;');
      }),
  },
];

// ------------------------------------------------------------------------------------------------- Discord

const STAFF_ROLE = '1600000000000000001';
const anna: FakeUser = { id: '1500000000000000001', username: 'anna', roles: [STAFF_ROLE] };
const stranger: FakeUser = { id: '1500000000000000009', username: 'stranger', roles: [STAFF_ROLE] };
const SMTP_DOWN = { system: 'nc018', services: 'smtp', state: 'down', message: 'Spam problem on NC018.' };

interface DiscordRig {
  fake: FakeDiscord;
  herald: TestHerald;
  signer: InteractionSigner;
  url: string;
  setNow(at: number): void;
  now(): number;
  /** Posts a signed interaction (or a signed raw body) and plays Discord's part with the answer. */
  post(
    interaction: Record<string, unknown> | string,
  ): Promise<{ status: number; json: unknown; text: string }>;
  dump(): string;
}

type DiscordBody = Record<string, unknown> & {
  content?: string;
  components?: Array<{ components: Array<{ custom_id: string }> }>;
  allowed_mentions?: unknown;
};

async function withDiscord(run: (rig: DiscordRig) => Promise<void>, preview = false): Promise<void> {
  const fake = await startFakeDiscord();
  const signer = createInteractionSigner();
  const herald = createTestHerald({
    configText: (shipped) =>
      shipped
        .replace('roles: [] # Discord role ids', `roles: ["${STAFF_ROLE}"]`)
        .replace('preview: true', `preview: ${preview}`),
    env: {
      DISCORD_TOKEN: '',
      DISCORD_APPLICATION_ID: FAKE_APPLICATION_ID,
      DISCORD_PUBLIC_KEY: signer.publicKey,
      DISCORD_API_URL: fake.apiUrl,
    },
  });
  let now = Date.parse('2012-07-27T21:39:27Z');
  const log = testLog();
  const discord = herald.config.discord;
  if (!discord) throw new Error('Discord is not configured');
  const adapter = createDiscordAdapter({
    config: discord,
    chat: herald.config.chat,
    core: herald.herald,
    settings: herald.config.core,
    site: herald.config.site,
    log,
    clock: { now: () => now },
  });
  if (!adapter.router) throw new Error('no router: the public key is not set');
  const server = await listen(
    createHttpApp({
      publicDir: herald.config.paths.publicDir,
      health: () => herald.herald.health(),
      log,
      routes: [{ path: DISCORD_INTERACTIONS_PATH, router: adapter.router }],
    }),
    '127.0.0.1',
    0,
  );
  const url = new URL(DISCORD_INTERACTIONS_PATH, server.url).href;
  try {
    await seed(herald);
    await run({
      fake,
      herald,
      signer,
      url,
      setNow(at) {
        now = at;
        herald.setNow(at);
      },
      now: () => now,
      async post(interaction) {
        const body = typeof interaction === 'string' ? interaction : JSON.stringify(interaction);
        const res = await postInteraction(url, body, signedHeaders(signer, body));
        if (res.status === 200 && typeof interaction !== 'string') fake.answered(interaction, res.json);
        return res;
      },
      dump: () => dumpHerald(herald),
    });
  } finally {
    await adapter.stop();
    await server.close();
    await herald.close();
    await fake.close();
  }
}

/** Waits until the interaction's answer (its latest edit, or a follow-up) says `pattern`. */
async function discordAnswer(fake: FakeDiscord, token: string, pattern: RegExp): Promise<DiscordBody> {
  return vi.waitFor(
    () => {
      const body = (fake.answer(token) ?? fake.followUps.find((f) => f.token === token)?.body) as
        | DiscordBody
        | undefined;
      expect(body?.content ?? '').toMatch(pattern);
      return body as DiscordBody;
    },
    { timeout: 5_000, interval: 20 },
  );
}

/** Everything Herald sent the fake Discord that carries text. */
const discordSent = (fake: FakeDiscord): DiscordBody[] =>
  fake.requests
    .map((r) => r.body)
    .filter((b): b is DiscordBody => typeof b === 'object' && b !== null && 'content' in b);

/** A request refused with 401 before it is read: nothing answered, nothing recorded. */
function discordUnsigned(
  what: string,
  headersFor: (rig: DiscordRig, body: string) => { body: string; headers: Record<string, string> },
): PlatformRow {
  return {
    what: `${what}: 401, nothing answered, nothing recorded`,
    run: () =>
      withDiscord(async (rig) => {
        const before = rig.dump();
        const body = JSON.stringify(commandInteraction({ user: anna }, 'change', SMTP_DOWN));
        const sent = headersFor(rig, body);
        const r = await postInteraction(rig.url, sent.body, sent.headers);
        expect(r.status).toBe(401);
        expect(r.text).toBe('invalid request signature\n');
        await pause(100);
        expect(rig.fake.callbacks).toEqual([]);
        expect(rig.fake.edits).toEqual([]);
        expect(rig.dump()).toBe(before);
      }),
  };
}

/**
 * Discord-only rows: bad Ed25519 signatures, option values of the wrong type or 5 MB long, `@everyone` in an
 * answer (allowed_mentions must be empty), component clicks on an expired preview.
 */
export const DISCORD_ROWS: PlatformRow[] = [
  discordUnsigned('a forged signature', (rig, body) => ({
    body,
    headers: { ...signedHeaders(rig.signer, body), 'x-signature-ed25519': 'ab'.repeat(64) },
  })),
  discordUnsigned('a tampered body (signed, then changed)', (rig, body) => ({
    body: body.replace('Spam problem', 'Spam problems'),
    headers: signedHeaders(rig.signer, body),
  })),
  discordUnsigned('missing signature headers', (_rig, body) => ({ body, headers: {} })),
  discordUnsigned('a signature from another key', (_rig, body) => ({
    body,
    headers: signedHeaders(createInteractionSigner(), body),
  })),
  discordUnsigned('a signature that is not hex, with a timestamp that is not a number', (_rig, body) => ({
    body,
    headers: { 'x-signature-ed25519': 'zz'.repeat(64), 'x-signature-timestamp': '-1e309' },
  })),
  {
    what: 'option values of the wrong type: refused clearly, nothing recorded',
    run: () =>
      withDiscord(async (rig) => {
        const before = rig.dump();
        const wrong: Array<[string, unknown, RegExp]> = [
          ['message', true, /`message`/],
          ['message', { text: 'x' }, /`message`/],
          ['message', ['a', 'b'], /`message`/],
          ['message', null, /`message`/],
          ['system', 18, /unknown system "18"|`system`/],
          ['state', 1e308, /`state`|unknown state/],
        ];
        for (const [name, value, says] of wrong) {
          const interaction = commandInteraction({ user: anna }, 'change', SMTP_DOWN);
          const data = interaction.data as {
            options: Array<{ options: Array<{ name: string; value: unknown }> }>;
          };
          const option = data.options[0]?.options.find((o) => o.name === name);
          if (!option) throw new Error(`no option ${name}`);
          option.value = value;
          expect((await rig.post(interaction)).status).toBe(200);
          const body = await discordAnswer(rig.fake, String(interaction.token), /\*\*Refused:\*\*/);
          expect(body.content, `${name}: ${JSON.stringify(value)}`).toMatch(says);
          expect(String(body.content).length).toBeLessThan(CLEAR_MESSAGE_MAX);
        }
        // Options that are not a list at all.
        const shapeless = commandInteraction({ user: anna }, 'change', SMTP_DOWN);
        (shapeless.data as { options: unknown }).options = { change: SMTP_DOWN };
        expect((await rig.post(shapeless)).status).toBe(200);
        await discordAnswer(rig.fake, String(shapeless.token), /\*\*Refused:\*\*/);
        expect(rig.dump()).toBe(before);
      }),
  },
  {
    what: 'a 5 MB option value: refused (413 for the body, the limit named for a long one), nothing recorded',
    run: () =>
      withDiscord(async (rig) => {
        const before = rig.dump();
        const huge = commandInteraction({ user: anna }, 'change', { ...SMTP_DOWN, message: sized('x') });
        const r = await rig.post(huge);
        expect(r.status).toBe(413);
        expect(r.text.length).toBeLessThan(CLEAR_MESSAGE_MAX);
        // Under the body limit, the core names the message limit.
        const long = commandInteraction({ user: anna }, 'change', {
          ...SMTP_DOWN,
          message: sized('x', 500_000),
        });
        expect((await rig.post(long)).status).toBe(200);
        const body = await discordAnswer(rig.fake, String(long.token), /\*\*Refused:\*\*/);
        expect(body.content).toMatch(/500,000 characters; the limit is 4,000/);
        expect(String(body.content).length).toBeLessThan(CLEAR_MESSAGE_MAX);
        expect(rig.fake.callbacks.map((c) => c.token)).not.toContain(huge.token);
        expect(rig.dump()).toBe(before);
      }),
  },
  {
    what: 'an unknown system choice: refused, named, nothing recorded',
    run: () =>
      withDiscord(async (rig) => {
        const before = rig.dump();
        for (const [system, says] of [
          ['nc81', /unknown system "nc81": did you mean "nc018"\?/],
          ['<script>alert(1)</script>', /unknown system "<script>alert\(1\)<\/script>"/],
          ['__proto__', /unknown system "__proto__"/],
          ['help', /"help" is a subcommand, not a system/],
          ['nc018 --at 10:00', /takes one word/],
        ] as const) {
          const interaction = commandInteraction({ user: anna }, 'change', { ...SMTP_DOWN, system });
          await rig.post(interaction);
          await discordAnswer(rig.fake, String(interaction.token), says);
        }
        expect(rig.dump()).toBe(before);
      }),
  },
  {
    what: 'a component custom_id that is garbage: "not Herald’s", privately, nothing recorded',
    run: () =>
      withDiscord(async (rig) => {
        const before = rig.dump();
        for (const id of [
          'garbage',
          'herald:publish:',
          'herald:publish:../../1',
          'herald:drop:1',
          sized('h', 100),
        ]) {
          const press = buttonInteraction({ user: anna }, id);
          const r = await rig.post(press);
          expect(r.status).toBe(200);
          expect(r.json).toMatchObject({
            type: 4,
            data: { flags: 64, content: expect.stringMatching(/not Herald’s|no longer|expired|Refused/) },
          });
        }
        expect(rig.dump()).toBe(before);
      }, true),
  },
  {
    what: "a click on someone else's preview, or an expired one: refused, nothing published",
    run: () =>
      withDiscord(async (rig) => {
        const interaction = commandInteraction({ user: anna }, 'change', SMTP_DOWN);
        await rig.post(interaction);
        const shown = await discordAnswer(rig.fake, String(interaction.token), /\*\*Preview\*\*/);
        const publish = shown.components?.[0]?.components[0]?.custom_id ?? '';
        expect(publish).toMatch(/^herald:publish:/);
        const before = rig.dump();
        const other = buttonInteraction({ user: stranger }, publish);
        await rig.post(other);
        await discordAnswer(rig.fake, String(other.token), /only anna, who wrote it, can publish/);
        expect(rig.dump()).toBe(before);

        rig.setNow(rig.now() + rig.herald.config.chat.previewTtlMs + 1);
        const late = buttonInteraction({ user: anna }, publish);
        await rig.post(late);
        await discordAnswer(
          rig.fake,
          String(late.token),
          /this preview has expired and nothing was published/,
        );
        expect(rig.herald.herald.store.recentPosts(100).map((p) => p.text)).not.toContain(SMTP_DOWN.message);
        expect(rig.fake.messages).toEqual([]);
      }, true),
  },
  {
    what: '@everyone in a message: recorded as typed, and everything sent to Discord has allowed_mentions.parse empty',
    run: () =>
      withDiscord(async (rig) => {
        const message = '@everyone @here <@&1600000000000000001> <@1500000000000000009> ping';
        const interaction = commandInteraction({ user: anna }, 'change', {
          ...SMTP_DOWN,
          message,
          title: '@everyone down',
        });
        await rig.post(interaction);
        await discordAnswer(rig.fake, String(interaction.token), /• \*\*site\*\*: sent/);
        expect(rig.herald.herald.store.recentPosts(1)[0]?.text).toBe(message);
        const sent = discordSent(rig.fake);
        expect(sent.length).toBeGreaterThan(0);
        for (const body of sent) expect(body.allowed_mentions).toEqual({ parse: [] });
      }),
  },
  {
    what: 'deeply nested JSON, signed: nothing recorded, and Herald still answers',
    run: () =>
      withDiscord(async (rig) => {
        const before = rig.dump();
        const command = JSON.stringify(commandInteraction({ user: anna }, 'change', SMTP_DOWN));
        for (const body of [
          NESTED_ARRAYS,
          nestedObject(100_000),
          command.replace(/}$/, `,"deep":${nestedObject(100_000)}}`).replace('"change"', '"nothing"'),
        ]) {
          const r = await rig.post(body);
          expect(r.status).toBeLessThan(500);
        }
        await pause(200);
        expect(rig.dump()).toBe(before);
        const list = commandInteraction({ user: anna }, 'list');
        await rig.post(list);
        await discordAnswer(rig.fake, String(list.token), /NC026/);
      }),
  },
];

/** Surfaces every CHAT_ROWS row runs through besides the core's own (which the test builds): Slack, Discord. */
export const CHAT_SURFACES: ChatSurface[] = [];
