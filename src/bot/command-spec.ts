// The command grammar as data. One table drives the parser's option handling, the help text, the error
// messages that list what a subcommand takes, and (later) Discord's slash-command registration.

import type { RefusalCode } from './refusal.js';
import type { ComponentState } from './types.js';

export type SubcommandId =
  | 'change'
  | 'update'
  | 'resolve'
  | 'cancel'
  | 'maintenance'
  | 'notice'
  | 'edit'
  | 'retract'
  | 'list'
  | 'deliveries'
  | 'retry'
  | 'subscribers'
  | 'proposals'
  | 'help';

/** Every subcommand, in the order help lists them. */
export const SUBCOMMAND_ORDER: readonly SubcommandId[] = [
  'change',
  'update',
  'resolve',
  'cancel',
  'maintenance',
  'notice',
  'edit',
  'retract',
  'list',
  'deliveries',
  'retry',
  'subscribers',
  'proposals',
  'help',
];

/**
 * The words that select a subcommand when they come first (so no system may be called one of them);
 * `change` has no keyword: it is the bare `<system> <service> <state>` form.
 */
export const SUBCOMMANDS: readonly SubcommandId[] = SUBCOMMAND_ORDER.filter((id) => id !== 'change');

export type OptionName = 'at' | 'tag' | 'title' | 'start' | 'end' | 'next' | 'number' | 'template' | 'with';
export type OptionKind = 'time' | 'tags' | 'text' | 'number' | 'template' | 'pairs';

export interface OptionSpec {
  name: OptionName;
  /** Other spellings accepted for the same option (`--tags`). */
  aliases: readonly string[];
  kind: OptionKind;
  /** For a time: whether a bare `22:13` or `Friday 19:00` means the last one or the next one. */
  direction?: 'past' | 'future';
  /** Placeholder shown in usage lines: `TIME`, `T[,T...]`. */
  placeholder: string;
  description: string;
  /** May be given more than once (`--with a=1 --with b=2`); others are refused when given twice. */
  repeatable?: boolean;
}

export const TITLE_LIMIT = 200;
/** How far in the future an event time (`--at`) may be before it is refused: clocks differ a little. */
export const FUTURE_TOLERANCE_MS = 60_000;

export const OPTIONS: Readonly<Record<OptionName, OptionSpec>> = {
  at: {
    name: 'at',
    aliases: [],
    kind: 'time',
    direction: 'past',
    placeholder: 'TIME',
    description: 'when it happened, if not just now: `--at 22:13` (UTC), `--at "15:13 Vancouver"`',
  },
  tag: {
    name: 'tag',
    aliases: ['tags'],
    kind: 'tags',
    placeholder: 'T[,T...]',
    description: 'tags for the post, comma- or space-separated, lowercase: `--tag spam,smtp`',
  },
  title: {
    name: 'title',
    aliases: [],
    kind: 'text',
    placeholder: '"..."',
    description: `a title for the post instead of the one Herald writes; one line, at most ${TITLE_LIMIT} characters`,
  },
  start: {
    name: 'start',
    aliases: [],
    kind: 'time',
    direction: 'future',
    placeholder: 'TIME',
    description: 'when the maintenance begins: `--start "Friday 19:00"`',
  },
  end: {
    name: 'end',
    aliases: [],
    kind: 'time',
    direction: 'future',
    placeholder: 'TIME',
    description: 'when the maintenance is expected to end; a bare time means the next one after the start',
  },
  next: {
    name: 'next',
    aliases: [],
    kind: 'time',
    direction: 'future',
    placeholder: 'TIME',
    description:
      'promises the next update by then, shown with the post; Herald reminds you 5 minutes before: `--next 20:00`',
  },
  number: {
    name: 'number',
    aliases: [],
    kind: 'number',
    placeholder: 'N',
    description: 'continue an update numbering begun before Herald: `--number 14`',
  },
  template: {
    name: 'template',
    aliases: [],
    kind: 'template',
    placeholder: 'NAME',
    description:
      'a canned message from the configuration instead of a quoted one: `--template spam` (see `help templates`)',
  },
  with: {
    name: 'with',
    aliases: [],
    kind: 'pairs',
    placeholder: 'NAME=VALUE',
    description:
      'fills the template’s placeholder {NAME}: `--with eta=23:00`; the value runs to the next option or NAME= word',
    repeatable: true,
  },
};

export interface ArgSpec {
  name: string;
  description: string;
}

export interface SubcommandSpec {
  id: SubcommandId;
  usage: string;
  summary: string;
  /** The words before the options, in order (for help and Discord registration). */
  args: readonly ArgSpec[];
  options: readonly OptionName[];
  required: readonly OptionName[];
  /** Options that make no sense here, and why: the refusal given instead of "does not take". */
  refuses?: Partial<Record<OptionName, { code: RefusalCode; message: string }>>;
  examples: readonly string[];
}

const MESSAGE_ARG: ArgSpec = { name: 'message', description: 'the text of the post, in quotes' };
const INCIDENT_ARG: ArgSpec = {
  name: 'incident',
  description: 'the incident number (`42` or `#42`) or its component (`nc018 smtp`)',
};
const POST_ARG: ArgSpec = { name: 'post', description: 'incident and post number: `12.3` or `#12.3`' };

export const SUBCOMMAND_SPECS: Readonly<Record<SubcommandId, SubcommandSpec>> = {
  change: {
    id: 'change',
    usage:
      '/status <system> <service>[,<service>...] <state> "<message>" [--at TIME] [--tag T[,T...]] [--title "..."] [--next TIME] [--template NAME [--with NAME=VALUE]]',
    summary: 'Change the state of services on a system and post why; opens or updates an outage.',
    args: [
      { name: 'system', description: 'a server or platform: `nc018`, `email`' },
      { name: 'services', description: 'one or more services, comma- or space-separated, or `all`' },
      { name: 'state', description: 'up, degraded, down or maintenance (see `help states`)' },
      MESSAGE_ARG,
    ],
    options: ['at', 'tag', 'title', 'next', 'template', 'with'],
    required: [],
    examples: [
      '/status nc018 smtp down --template spam --at 21:39',
      '/status nc018 smtp down "We are once again dealing with a spam problem on NC018 and have shut down the SMTP server." --at 21:39 --tag spam,smtp',
      '/status nc018 smtp up "We’ve cleaned up the spam and restarted SMTP on server NC018 at 22:13 UTC. You can now send email again." --at "15:13 Vancouver"',
      '/status nc018 spam degraded "We have disabled the spam defences on server NC018." --title "Spam defences on server NC018"',
    ],
  },
  update: {
    id: 'update',
    usage:
      '/status update <incident> "<message>" [--at TIME] [--tag T[,T...]] [--title "..."] [--number N] [--next TIME] [--template NAME [--with NAME=VALUE]]',
    summary: 'Post the next numbered update of an open incident or notice.',
    args: [INCIDENT_ARG, MESSAGE_ARG],
    options: ['at', 'tag', 'title', 'number', 'next', 'template', 'with'],
    required: [],
    examples: [
      '/status update 42 "We continue to work against the spam, and are escalating the defences."',
      '/status update nc018 smtp "SMTP (the outgoing mail server) on NC018 was restarted at 18:20 UTC." --at 18:20',
      '/status update #7 "This is the last post that we’ll refer to as an “update” regarding the email migration." --number 14',
      '/status update 42 "We are still restoring the mailboxes from last night’s backup." --next 20:00',
    ],
  },
  resolve: {
    id: 'resolve',
    usage:
      '/status resolve <incident> "<message>" [--at TIME] [--tag T[,T...]] [--template NAME [--with NAME=VALUE]]',
    summary: 'Close an incident; its components go back to operational.',
    args: [INCIDENT_ARG, MESSAGE_ARG],
    options: ['at', 'tag', 'template', 'with'],
    required: [],
    refuses: {
      next: {
        code: 'promise_on_close',
        message:
          '`resolve` closes the incident, so there is no next update to promise: leave --next out. To keep the incident open and promise one, use `update <incident> "…" --next TIME`.',
      },
    },
    examples: [
      '/status resolve nc018 smtp "We’ve cleaned up the spam and restarted SMTP on server NC018. You can now send email again." --at 22:13',
      '/status resolve 42 --template spam-restart --at 22:13',
    ],
  },
  cancel: {
    id: 'cancel',
    usage: '/status cancel <incident> "<reason>"',
    summary: 'Call off a maintenance, saying why: published as cancelled.',
    args: [
      { name: 'incident', description: 'the maintenance number or component' },
      { name: 'reason', description: 'why it is called off, in quotes' },
    ],
    options: [],
    required: [],
    examples: ['/status cancel 6 "We have postponed the MySQL restart; a new date will follow."'],
  },
  maintenance: {
    id: 'maintenance',
    usage:
      '/status maintenance <system> <service>... "<message>" --start TIME [--end TIME] [--tag T[,T...]] [--title "..."] [--next TIME]',
    summary: 'Schedule maintenance of services on a system, with a start and an expected end.',
    args: [
      { name: 'system', description: 'a server or platform: `nc018`, `email`' },
      { name: 'services', description: 'one or more services, comma- or space-separated, or `all`' },
      MESSAGE_ARG,
    ],
    options: ['start', 'end', 'tag', 'title', 'next'],
    required: ['start'],
    examples: [
      '/status maintenance nc018 web "We are ready to begin the process of migrating accounts from server NC018 to NC026. We will start with websites." --start "2013-05-03 19:00" --end "2013-05-03 23:00" --tag migration',
    ],
  },
  notice: {
    id: 'notice',
    usage: '/status notice "<title>" "<message>" [--tag T[,T...]] [--at TIME] [--number N] [--next TIME]',
    summary: 'Open an announcement series; `update` continues it.',
    args: [{ name: 'title', description: 'the title of the series, in quotes, one line' }, MESSAGE_ARG],
    options: ['tag', 'at', 'number', 'next'],
    required: [],
    examples: [
      '/status notice "Email migration" "Since the migration of many email accounts to the new server, we’ve had reports of email bouncing." --tag email,migration --number 13',
    ],
  },
  edit: {
    id: 'edit',
    usage: '/status edit <post> "<message>"',
    summary: 'Correct a post; the correction is shown, dated, under the original.',
    args: [POST_ARG, MESSAGE_ARG],
    options: [],
    required: [],
    examples: ['/status edit 12.3 "SMTP on NC018 was restarted at 18:20 UTC, not 18:02."'],
  },
  retract: {
    id: 'retract',
    usage: '/status retract <post> "<reason>"',
    summary: 'Withdraw a post, saying why; it stays visible as retracted.',
    args: [POST_ARG, { name: 'reason', description: 'why it is withdrawn, in quotes' }],
    options: [],
    required: [],
    examples: ['/status retract #12.4 "Posted to the wrong incident."'],
  },
  list: {
    id: 'list',
    usage: '/status [list]',
    summary: 'Show what is down, degraded or scheduled (answered privately).',
    args: [],
    options: [],
    required: [],
    examples: ['/status', '/status list'],
  },
  deliveries: {
    id: 'deliveries',
    usage: '/status deliveries <post>',
    summary:
      'Show where a post went: each outlet, pending, sent (with its link) or failed (with the reason and the next try).',
    args: [{ name: 'post', description: 'incident and post number: `12.3`' }],
    options: [],
    required: [],
    examples: ['/status deliveries 12.3'],
  },
  retry: {
    id: 'retry',
    usage: '/status retry <post> | all',
    summary: 'Send again what failed for a post (or every failed delivery), after fixing the cause.',
    args: [{ name: 'post', description: 'incident and post number (`12.3`), or `all`' }],
    options: [],
    required: [],
    examples: ['/status retry 12.3', '/status retry all'],
  },
  subscribers: {
    id: 'subscribers',
    usage: '/status subscribers',
    summary:
      'Show how many follow by e-mail and webhook, per component, and whose deliveries fail (staff only).',
    args: [],
    options: [],
    required: [],
    examples: ['/status subscribers'],
  },
  proposals: {
    id: 'proposals',
    usage: '/status proposals [all]',
    summary:
      'Show the monitors’ open proposals with their command, and what became of the latest (staff only).',
    args: [{ name: 'scope', description: '`all` for every decided proposal, not only the latest' }],
    options: [],
    required: [],
    examples: ['/status proposals', '/status proposals all'],
  },
  help: {
    id: 'help',
    usage: '/status help [topic]',
    summary: 'Show help on a subcommand, or on `times`, `states`, `options` or `templates`.',
    args: [{ name: 'topic', description: 'a subcommand, or `times`, `states`, `options`, `templates`' }],
    options: [],
    required: [],
    examples: ['/status help', '/status help maintenance', '/status help times', '/status help templates'],
  },
};

/** The words accepted for each state, canonical word first. */
export const STATE_WORDS: Readonly<Record<ComponentState, readonly string[]>> = {
  operational: ['operational', 'up', 'ok', 'restored', 'restarted', 'fixed', 'resolved', 'online'],
  degraded: ['degraded', 'slow', 'partial', 'degradation', 'impaired'],
  down: ['down', 'outage', 'offline', 'shutdown', 'stopped', 'broken'],
  maintenance: ['maintenance', 'maint', 'scheduled'],
};

const STATE_BY_WORD: ReadonlyMap<string, ComponentState> = new Map(
  (Object.entries(STATE_WORDS) as [ComponentState, readonly string[]][]).flatMap(([state, words]) =>
    words.map((w) => [w, state] as const),
  ),
);

export const ALL_STATE_WORDS: readonly string[] = [...STATE_BY_WORD.keys()];

export function lookupState(word: string): ComponentState | undefined {
  return STATE_BY_WORD.get(word.trim().toLowerCase());
}

/** Every form parse-time accepts, with an example each: for `help times` and for bad-time refusals. */
export const TIME_FORMS: readonly { form: string; example: string }[] = [
  { form: 'a time of day, taken as UTC', example: '22:13' },
  { form: 'a time of day with seconds', example: '22:13:05' },
  { form: 'a date and time', example: '2013-05-03 19:00' },
  { form: 'ISO 8601, with Z or an offset', example: '2013-05-03T19:00Z' },
  { form: 'a day, month and time (the year is optional)', example: '3 May 2013 19:00' },
  { form: 'yesterday, today or tomorrow and a time', example: 'yesterday 21:39' },
  { form: 'a weekday and a time (`fri` works too)', example: 'Friday 19:00' },
  { form: 'the moment the command is sent', example: 'now' },
  {
    form: 'any of these followed by a zone: UTC, GMT, Z, a client city, its own abbreviation (`15:13 PDT`), an offset (`15:13 +01:00`) or an IANA name (`15:13 Europe/London`)',
    example: '15:13 Vancouver',
  },
];

export const TIME_NOTES: readonly string[] = [
  'A time of day or weekday alone means the last one for `--at` and the next one for `--start`, `--end` and `--next`.',
  'Zones are UTC unless one follows the time. Daylight saving time is applied for the date given.',
  'Abbreviations are read only as the client zones’ own standard or daylight time, in the season it is used (`PST` in winter, `PDT` in summer); others (`BST`, `IST`, `CEST`) are refused, because the same letters name different zones: write an offset or an IANA name.',
  'A time that happens twice (the hour when clocks go back) is refused unless an abbreviation or an offset says which: `2026-11-01 01:30 PST`.',
  'When a time of day alone is read as yesterday (or tomorrow), the reply says so.',
  'In a message, every `HH:MM UTC` is followed by the client zones’ times, taken on the date the message gives it (`on 15 July 2027 at 20:00 UTC`), else nearest the post’s event (`--at`, a maintenance’s start), else on the day of the post.',
  'Put a time of more than one word in quotes, or let it run to the next option: `--at yesterday 21:39 --tag spam`.',
];

/** `--at`, `—at` and `–at` (phones turn `--` into a dash) → `at`; anything else → undefined. */
export function optionWord(text: string): { name: string; value: string | null } | undefined {
  const m = /^(?:--|[—–])([A-Za-z][\w-]*)(?:=(.*))?$/s.exec(text);
  if (!m?.[1]) return undefined;
  return { name: m[1].toLowerCase(), value: m[2] ?? null };
}

/** The option a subcommand accepts under `name` (or one of its aliases). */
export function findOption(id: SubcommandId, name: string): OptionSpec | undefined {
  const n = name.toLowerCase();
  return SUBCOMMAND_SPECS[id].options
    .map((o) => OPTIONS[o])
    .find((o) => o.name === n || o.aliases.includes(n));
}

/** `--at, --tag, --title`: for messages that list what a subcommand takes. */
export function listOptions(id: SubcommandId): string {
  return SUBCOMMAND_SPECS[id].options.map((o) => `--${o}`).join(', ');
}
