// Turns the text typed after `/status` into one typed Command, or a refusal that says what was wrong and what
// was probably meant. The grammar lives in command-spec.ts; this file only walks it.

import { type CoreSettings, findService, findSystem, type SystemDef, suggest } from './catalog.js';
import type { Command, IncidentRef, MessageSource, PostRef, ReadTime } from './command.js';
import {
  ALL_STATE_WORDS,
  FUTURE_TOLERANCE_MS,
  findOption,
  listOptions,
  lookupState,
  OPTIONS,
  type OptionName,
  optionWord,
  SUBCOMMAND_SPECS,
  SUBCOMMANDS,
  type SubcommandId,
  TITLE_LIMIT,
} from './command-spec.js';
import {
  BUILTIN_PLACEHOLDERS,
  componentValues,
  findTemplate,
  isBuiltin,
  listPlaceholders,
  missingPlaceholders,
  PLACEHOLDER_NAME,
  placeholdersOf,
  templateTime,
} from './message-templates.js';
import { formatUtc, readTime as readTyped } from './parse-time.js';
import { accept, type Refusal, type Result, refuse, shorten } from './refusal.js';
import { type Token, tokenize } from './tokenize.js';
import type { ComponentState } from './types.js';

export interface ParseContext {
  settings: CoreSettings;
  now: number;
}

/** An option's value as typed: one quoted string, or the unquoted words up to the next option or quote. */
interface RawOption {
  /** As the user spelled it: `--at`, `—at`. */
  spelled: string;
  text: string;
  quoted: boolean;
  /** A repeatable option's later occurrences (`--with a=1 --with b=2`). */
  repeats?: RawOption[];
}

type RawOptions = Partial<Record<OptionName, RawOption>>;

interface Options {
  at: ReadTime | null;
  start: ReadTime | null;
  end: ReadTime | null;
  next: ReadTime | null;
  tags: string[];
  title: string | null;
  number: number | null;
}

/** The words and quoted strings left once the options are taken out, split around the (first) quoted one. */
interface Positional {
  before: Token[];
  quoted: Token[];
  after: Token[];
}

const nf = new Intl.NumberFormat('en-US');
const length = (s: string): number => [...s].length;
/** Nothing a reader would see: a text of zero-width, bidi and other default-ignorable characters is empty. */
const blank = (s: string): boolean => /^[\s\p{Default_Ignorable_Code_Point}]*$/u.test(s);

/** Words quoted back to the user, shortened when long. */
function quoteBack(words: readonly Token[] | string): string {
  const text = typeof words === 'string' ? words : words.map((t) => t.text).join(' ');
  return `"${shorten(text)}"`;
}

const describe = (id: SubcommandId): string => (id === 'change' ? 'a state change' : `\`${id}\``);
const usage = (id: SubcommandId): string => `\`${SUBCOMMAND_SPECS[id].usage}\``;

export function parseCommand(text: string, ctx: ParseContext): Result<Command> {
  const tokenized = tokenize(text);
  if (!tokenized.ok) return tokenized;
  let tokens = tokenized.value;
  const lead = tokens[0];
  if (lead && !lead.quoted && lead.text.toLowerCase() === '/status') tokens = tokens.slice(1);

  const first = tokens[0];
  if (!first) return accept({ kind: 'list' });
  if (first.quoted || optionWord(first.text)) {
    return refuse(
      'syntax',
      `a command starts with a system or a subcommand, not ${quoteBack(first.text)}: ` +
        `\`/status nc018 smtp down "…"\`, \`/status update 42 "…"\`; see \`/status help\`.`,
    );
  }
  const keyword = first.text.toLowerCase();
  if (keyword === 'help') {
    const topic = tokens[1]?.text.trim().toLowerCase();
    return accept({ kind: 'help', topic: topic ? topic : null });
  }
  const id: SubcommandId = SUBCOMMANDS.find((s) => s === keyword) ?? 'change';

  // Options are read before the words around them, so that a message swallowed as an option's value
  // (`--at "We are down"`) is reported as that rather than as a missing message.
  const split = splitOptions(id, id === 'change' ? tokens : tokens.slice(1));
  if (!split.ok) return split;
  const options = readOptions(id, split.value.options, ctx);
  if (!options.ok) return options;
  const p = splitPositional(split.value.positional);
  const raw = split.value.options;

  switch (id) {
    case 'change':
      return parseChange(p, options.value, raw, ctx);
    case 'update':
    case 'resolve':
    case 'cancel':
      return parseIncidentCommand(id, p, options.value, raw, ctx);
    case 'maintenance':
      return parseMaintenance(p, options.value, raw, ctx);
    case 'notice':
      return parseNotice(p, options.value, raw, ctx);
    case 'edit':
    case 'retract':
      return parsePostCommand(id, p, raw, ctx);
    case 'list':
      if (p.before.length + p.quoted.length > 0) {
        return refuse('syntax', '`list` takes nothing after it: `/status list`, or just `/status`.');
      }
      return accept({ kind: 'list' });
    case 'subscribers':
      if (p.before.length + p.quoted.length > 0)
        return refuse('syntax', `\`subscribers\` takes nothing after it. Usage: ${usage(id)}`);
      return accept({ kind: 'subscribers' });
    case 'proposals': {
      const [scope, ...extra] = p.before;
      if (extra.length + p.quoted.length > 0 || (scope && scope.text.toLowerCase() !== 'all'))
        return refuse('syntax', `\`proposals\` takes only \`all\` after it. Usage: ${usage(id)}`);
      return accept({ kind: 'proposals', all: scope !== undefined });
    }
    case 'deliveries':
    case 'retry': {
      const extra = [...p.before.slice(1), ...p.quoted];
      if (extra.length > 0) return refuse('syntax', `unexpected ${quoteBack(extra)}. Usage: ${usage(id)}`);
      if (id === 'retry' && p.before[0]?.text.toLowerCase() === 'all')
        return accept({ kind: 'retry', post: null });
      const post = parsePostRef(p.before, id);
      if (!post.ok) return post;
      return accept({ kind: id, post: post.value });
    }
    case 'help':
      // Answered above, before options are read: `help --at` asks about an option.
      return accept({ kind: 'help', topic: null });
  }
}

// ---------------------------------------------------------------------------------------------- options

function splitOptions(
  id: SubcommandId,
  tokens: readonly Token[],
): Result<{ positional: Token[]; options: RawOptions }> {
  const positional: Token[] = [];
  const options: RawOptions = {};
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i] as Token;
    const word = t.quoted ? undefined : optionWord(t.text);
    if (!word) {
      positional.push(t);
      i++;
      continue;
    }
    const spec = findOption(id, word.name);
    if (!spec) return unknownOption(id, word.name);
    const spelled = t.text.replace(/=.*$/s, '');
    const earlier = options[spec.name];
    if (earlier && !spec.repeatable) {
      return refuse(
        'syntax',
        `--${spec.name} is given twice; give it once` +
          (spec.kind === 'tags' ? ', with every tag: `--tag spam,smtp`.' : '.'),
      );
    }
    i++;
    const words: string[] = word.value ? [word.value] : [];
    let quoted = false;
    const next = tokens[i];
    if (words.length === 0 && next?.quoted) {
      words.push(next.text);
      quoted = true;
      i++;
    } else {
      while (i < tokens.length) {
        const n = tokens[i] as Token;
        if (n.quoted || optionWord(n.text)) break;
        words.push(n.text);
        i++;
      }
    }
    if (words.length === 0) {
      return refuse(
        'option_value',
        `${spelled} needs a value: ${spec.description}. Put a value of several words in quotes.`,
      );
    }
    const value = { spelled, text: words.join(' '), quoted };
    if (earlier) earlier.repeats = [...(earlier.repeats ?? []), value];
    else options[spec.name] = value;
  }
  return accept({ positional, options });
}

function unknownOption(id: SubcommandId, name: string): Refusal {
  const takes = SUBCOMMAND_SPECS[id].options;
  const takesText = takes.length > 0 ? `takes ${listOptions(id)}` : 'takes no options';
  const known = OPTIONS[name as OptionName] ?? Object.values(OPTIONS).find((o) => o.aliases.includes(name));
  const why = known && SUBCOMMAND_SPECS[id].refuses?.[known.name];
  if (why) return refuse(why.code, why.message);
  if (known) {
    return refuse('unknown_option', `${describe(id)} does not take --${shorten(name)}; it ${takesText}.`);
  }
  const guess = suggest(
    name,
    takes.flatMap((o) => [o, ...OPTIONS[o].aliases]),
  );
  return refuse(
    'unknown_option',
    `unknown option --${shorten(name)}${guess ? `: did you mean --${guess}?` : '.'} ${capitalize(describe(id))} ${takesText}.`,
  );
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
/** A command carries `next` only when an update was promised. */
const promised = (o: Options): { next?: ReadTime } => (o.next ? { next: o.next } : {});
const unionTags = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])];

function readOptions(id: SubcommandId, raw: RawOptions, ctx: ParseContext): Result<Options> {
  const out: Options = {
    at: null,
    start: null,
    end: null,
    next: null,
    tags: [],
    title: null,
    number: null,
  };

  if (raw.at) {
    const at = readTime(raw.at, 'past', ctx, ctx.now);
    if (!at.ok) return at;
    if (at.value.at > ctx.now + FUTURE_TOLERANCE_MS) {
      return refuse(
        'future_time',
        `${raw.at.spelled} ${raw.at.text} was read as ${formatUtc(at.value.at)}, which is in the future ` +
          `(it is now ${formatUtc(ctx.now)}). ${raw.at.spelled} says when something happened; ` +
          'to announce planned work, use `maintenance … --start TIME`.',
      );
    }
    out.at = at.value;
  }
  if (raw.start) {
    const start = readTime(raw.start, 'future', ctx, ctx.now);
    if (!start.ok) return start;
    out.start = start.value;
  }
  if (raw.end) {
    // A bare `--end 01:00` means the first 01:00 after the start, not after now.
    const end = readTime(raw.end, 'future', ctx, out.start?.at ?? ctx.now);
    if (!end.ok) return end;
    if (out.start && end.value.at <= out.start.at) {
      return refuse(
        'end_before_start',
        `the maintenance would end (${raw.end.spelled} ${raw.end.text}: ${formatUtc(end.value.at)}) ` +
          `before it starts (${raw.start?.spelled} ${raw.start?.text}: ${formatUtc(out.start.at)}); the end must come after the start.`,
      );
    }
    out.end = end.value;
  }
  if (raw.next) {
    const next = readTime(raw.next, 'future', ctx, ctx.now);
    if (!next.ok) return next;
    if (next.value.at <= ctx.now) {
      return refuse(
        'past_time',
        `${raw.next.spelled} ${raw.next.text} was read as ${formatUtc(next.value.at)}, which is not in the future ` +
          `(it is now ${formatUtc(ctx.now)}). ${raw.next.spelled} promises the next update: give a time still to come, ` +
          'such as `--next 20:00` (the next 20:00 UTC) or `--next "tomorrow 09:00"`.',
      );
    }
    out.next = next.value;
  }
  if (raw.tag) {
    const tags = readTags(raw.tag);
    if (!tags.ok) return tags;
    out.tags = tags.value;
  }
  if (raw.title) {
    const title = readTitle(raw.title.text, raw.title.spelled);
    if (!title.ok) return title;
    out.title = title.value;
  }
  if (raw.number) {
    const m = /^#?(\d+)$/.exec(raw.number.text.trim());
    const n = m ? Number(m[1]) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 1) {
      return refuse(
        'bad_number',
        `${raw.number.spelled} must be a positive whole number, the number of the update: \`--number 14\`; ` +
          `${quoteBack(raw.number.text)} is not one.`,
      );
    }
    out.number = n;
  }
  const missing = SUBCOMMAND_SPECS[id].required.find((o) => !raw[o]);
  if (missing) {
    return refuse(
      'option_value',
      `${describe(id)} needs --${missing}: ${OPTIONS[missing].description}. Usage: ${usage(id)}`,
    );
  }
  return accept(out);
}

function readTime(
  raw: RawOption,
  direction: 'past' | 'future',
  ctx: ParseContext,
  now: number,
): Result<ReadTime> {
  const r = readTyped(raw.text, { now, zones: ctx.settings.zones, direction });
  // A bare time moved to yesterday or tomorrow is said in the echo; `--end` is read from the start, not now.
  if (r.ok) {
    const { at, dayShift, zoneLabel } = r.value;
    return accept({
      at,
      input: raw.text,
      ...(dayShift && now === ctx.now ? { shifted: { to: dayShift, zone: zoneLabel } } : {}),
    });
  }
  const hint =
    raw.quoted && raw.text.trim().split(/\s+/).length > 3
      ? ` (The quoted text right after ${raw.spelled} was taken as the time: put the message before ${raw.spelled}.)`
      : '';
  return refuse(r.code, `${raw.spelled}: ${r.message}${hint}`);
}

const TAG = /^[a-z0-9][a-z0-9-]*$/;

function readTags(raw: RawOption): Result<string[]> {
  const tags: string[] = [];
  const bad: string[] = [];
  for (const word of raw.text.split(/[\s,]+/)) {
    if (word === '') continue;
    const tag = word.replace(/^#/, '').toLowerCase();
    if (!TAG.test(tag)) bad.push(word);
    else if (!tags.includes(tag)) tags.push(tag);
  }
  if (bad.length > 0) {
    return refuse(
      'option_value',
      `${bad.length === 1 ? 'bad tag' : 'bad tags'} ${bad.map((b) => quoteBack(b)).join(', ')}: a tag is lowercase ` +
        'letters, digits and hyphens, starting with a letter or digit; separate tags with commas or spaces: `--tag spam,smtp`.',
    );
  }
  if (tags.length === 0) {
    return refuse('option_value', `${raw.spelled} needs at least one tag: \`--tag spam,smtp\`.`);
  }
  return accept(tags);
}

function readTitle(text: string, what: string): Result<string> {
  const title = text.trim();
  if (blank(title)) return refuse('option_value', `${what} is empty: write the title in the quotes.`);
  if (title.includes('\n')) return refuse('option_value', `${what} must be one line; it has line breaks.`);
  const n = length(title);
  if (n > TITLE_LIMIT) {
    return refuse(
      'message_too_long',
      `${what} is ${nf.format(n)} characters; the limit is ${nf.format(TITLE_LIMIT)}.`,
    );
  }
  return accept(title);
}

// ------------------------------------------------------------------------------------------- positional

function splitPositional(tokens: readonly Token[]): Positional {
  const q = tokens.findIndex((t) => t.quoted);
  if (q < 0) return { before: [...tokens], quoted: [], after: [] };
  const rest = tokens.slice(q);
  return {
    before: tokens.slice(0, q),
    quoted: rest.filter((t) => t.quoted),
    after: rest.filter((t) => !t.quoted),
  };
}

/** The one quoted message, checked; `words` are unquoted words that may have been meant as the message. */
function readMessage(
  id: SubcommandId,
  p: Positional,
  words: readonly Token[],
  raw: RawOptions,
  ctx: ParseContext,
  what = 'message',
): Result<string> {
  if (p.quoted.length > 1) {
    return refuse(
      'syntax',
      `${describe(id)} takes one ${what} in quotes, and ${p.quoted.length} quoted strings were given ` +
        `(${p.quoted.map((t) => quoteBack(t.text)).join(', ')}). Put the whole ${what} in one pair of quotes; ` +
        'for quotes inside it use typographic quotes “ ” or write \\".',
    );
  }
  if (p.after.length > 0) {
    return refuse(
      'syntax',
      `unexpected words after the ${what}: ${quoteBack(p.after)}. Put all of the ${what} inside the quotes.`,
    );
  }
  const quoted = p.quoted[0];
  if (!quoted) {
    if (words.length > 0) {
      return refuse('syntax', `put the ${what} in quotes: ${quoteBack(words)}. Usage: ${usage(id)}`);
    }
    const taken = Object.values(raw).find((o) => o?.quoted);
    return refuse(
      'missing_message',
      `${describe(id)} needs a ${what} in quotes. Usage: ${usage(id)}` +
        (taken ? ` (The quoted text after ${taken.spelled} was taken as its value.)` : ''),
    );
  }
  return checkMessage(quoted.text, ctx, what);
}

function checkMessage(text: string, ctx: ParseContext, what: string): Result<string> {
  const message = text.trim();
  if (blank(message)) {
    const invisible = message === '' ? '' : ' (it has only invisible characters)';
    return refuse('missing_message', `the ${what} is empty${invisible}: write it inside the quotes.`);
  }
  const n = length(message);
  if (n > ctx.settings.messageLimit) {
    return refuse(
      'message_too_long',
      `the ${what} is ${nf.format(n)} characters; the limit is ${nf.format(ctx.settings.messageLimit)}.`,
    );
  }
  return accept(message);
}

// ------------------------------------------------------------------------------------------- templates

/** What a command's own words fill in a template, and the placeholders decide fills later (from the incident). */
interface TemplateFills {
  values: Record<string, string>;
  later: readonly string[];
}

/**
 * The quoted message, or the template `--template` names: its `--with` values read and every placeholder
 * checked, so that one left unfilled is refused here, naming it and how to fill it. Its tags join `--tag`'s.
 */
function readMessageSource(
  id: 'change' | 'update' | 'resolve' | 'cancel',
  p: Positional,
  words: readonly Token[],
  raw: RawOptions,
  ctx: ParseContext,
  fills: TemplateFills,
): Result<{ message: MessageSource; tags: string[] }> {
  if (!raw.template) {
    if (raw.with) {
      return refuse(
        'option_value',
        `${raw.with.spelled} fills a template’s placeholders; use it with --template NAME (see \`help templates\`).`,
      );
    }
    const message = readMessage(id, p, words, raw, ctx);
    return message.ok ? accept({ message: message.value, tags: [] }) : message;
  }
  // A name is one word; unquoted words after it (taken as the option's value) were meant as a message.
  const [name = '', ...more] = raw.template.quoted
    ? [raw.template.text.trim()]
    : raw.template.text.trim().split(/\s+/);
  const typed = [
    ...words.map((t) => t.text),
    ...more,
    ...p.quoted.map((t) => t.text),
    ...p.after.map((t) => t.text),
  ];
  if (typed.length > 0) {
    return refuse(
      'syntax',
      `give either a message in quotes or ${raw.template.spelled} ${shorten(name)}, not both ` +
        `(${quoteBack(typed.join(' '))} was given too).`,
    );
  }
  const templates = ctx.settings.templates;
  const template = findTemplate(templates, name);
  if (!template) {
    if (templates.length === 0) {
      return refuse(
        'unknown_template',
        `there is no template ${quoteBack(name)}: none are configured (add them under \`templates:\` in herald.config.yaml).`,
      );
    }
    const guess = suggest(
      name,
      templates.map((t) => t.name),
    );
    return refuse(
      'unknown_template',
      `unknown template ${quoteBack(name)}${guess ? `: did you mean "${guess}"?` : '.'} ` +
        `Templates: ${templates.map((t) => t.name).join(', ')} (see \`help templates\`).`,
    );
  }
  const own = placeholdersOf(template).filter((n) => !isBuiltin(n));
  const given = readWith(raw.with, template.name, own);
  if (!given.ok) return given;
  const values = { ...fills.values, ...given.value };
  const missing = missingPlaceholders(template, values).filter((n) => !fills.later.includes(n));
  const unfilled = missing.filter((n) => !isBuiltin(n));
  if (unfilled.length > 0) {
    return refuse(
      'unfilled_placeholder',
      `template \`${template.name}\` needs ${listPlaceholders(unfilled)}: add ${unfilled.map((n) => `--with ${n}=…`).join(' ')}.`,
    );
  }
  const cannot = missing.filter(isBuiltin);
  if (cannot.length > 0) {
    return refuse(
      'unfilled_placeholder',
      `template \`${template.name}\` uses ${listPlaceholders(cannot)}, which ${describe(id)} cannot fill ` +
        `(${cannot.map((n) => `{${n}}: ${BUILTIN_PLACEHOLDERS[n]}`).join('; ')}).`,
    );
  }
  return accept({
    message: { name: template.name, message: template.message, title: template.title, values },
    tags: template.tags,
  });
}

/** `--with eta=23:00 cause=a disk --with "note=…"`: a new pair starts at each NAME= word. */
function readWith(
  raw: RawOption | undefined,
  template: string,
  own: readonly string[],
): Result<Record<string, string>> {
  const values: Record<string, string> = {};
  if (!raw) return accept(values);
  for (const option of [raw, ...(raw.repeats ?? [])]) {
    for (const pair of option.text.trim().split(/\s+(?=[^\s=]+=)/)) {
      const eq = pair.indexOf('=');
      const name = pair.slice(0, Math.max(eq, 0)).toLowerCase();
      const value = pair.slice(eq + 1).trim();
      if (eq < 0 || !PLACEHOLDER_NAME.test(name)) {
        return refuse(
          'option_value',
          `${option.spelled} takes NAME=VALUE, a placeholder’s name and its value: \`--with eta=23:00\`; ` +
            `not ${quoteBack(pair)}.`,
        );
      }
      if (isBuiltin(name)) {
        return refuse(
          'option_value',
          `{${name}} is filled by Herald (${BUILTIN_PLACEHOLDERS[name]}); ${option.spelled} cannot set it.`,
        );
      }
      if (!own.includes(name)) {
        const guess = suggest(name, own);
        const has = own.length > 0 ? `its own are ${listPlaceholders(own)}` : 'it has none of its own';
        return refuse(
          'option_value',
          `template \`${template}\` has no {${shorten(name)}}${guess ? `: did you mean {${guess}}?` : ';'} ${guess ? capitalize(has) : has}.`,
        );
      }
      if (Object.hasOwn(values, name)) {
        return refuse('option_value', `{${name}} is given twice with ${option.spelled}; give it once.`);
      }
      if (blank(value)) {
        return refuse('option_value', `${option.spelled} ${name}= is empty: give {${name}} a value.`);
      }
      values[name] = value;
    }
  }
  return accept(values);
}

function resolveSystem(word: string, ctx: ParseContext): Result<SystemDef> {
  const { catalog } = ctx.settings;
  const found = findSystem(catalog, word);
  if (found) return accept(found);
  const byWord = new Map<string, string>();
  for (const s of catalog.systems) {
    for (const w of [s.id, ...s.aliases]) if (!byWord.has(w)) byWord.set(w, s.id);
  }
  const guess = suggest(word, [...byWord.keys()]);
  if (guess) {
    return refuse(
      'unknown_system',
      `unknown system ${quoteBack(word)}: did you mean "${byWord.get(guess)}"?`,
    );
  }
  const known = catalog.systems.map((s) => s.id).join(', ');
  const command = suggest(word, SUBCOMMANDS);
  if (command) {
    return refuse(
      'unknown_system',
      `${quoteBack(word)} is not a system or a subcommand: did you mean \`${command}\`? Known systems: ${known}.`,
    );
  }
  return refuse('unknown_system', `unknown system ${quoteBack(word)}. Known systems: ${known}.`);
}

/** The service ids named by `words` (comma- or space-separated, `all`) that `system` runs. */
function resolveServices(system: SystemDef, words: readonly Token[], ctx: ParseContext): Result<string[]> {
  const ids: string[] = [];
  for (const piece of words.flatMap((w) => w.text.split(','))) {
    if (piece === '') continue;
    if (piece.toLowerCase() === 'all') {
      for (const s of system.services) if (!ids.includes(s)) ids.push(s);
      continue;
    }
    const one = resolveService(system, piece, ctx);
    if (!one.ok) return one;
    if (!ids.includes(one.value)) ids.push(one.value);
  }
  if (ids.length === 0) return missingServices(system);
  return accept(ids);
}

function resolveService(system: SystemDef, word: string, ctx: ParseContext): Result<string> {
  const { catalog } = ctx.settings;
  const runs = `${system.name} runs ${system.services.join(', ')}`;
  const found = findService(catalog, word);
  if (found) {
    if (system.services.includes(found.id)) return accept(found.id);
    return refuse(
      'unknown_service',
      `${system.name} does not run ${found.id} (${found.name}); it runs ${system.services.join(', ')}.`,
    );
  }
  const guess = guessService(system, word, ctx);
  return refuse(
    'unknown_service',
    `unknown service ${quoteBack(word)} on ${system.name}${guess ? `: did you mean "${guess}"?` : '.'} ${runs}.`,
  );
}

/** The service of `system` whose id or alias is closest to `word`, if one is close enough. */
function guessService(system: SystemDef, word: string, ctx: ParseContext): string | undefined {
  const byWord = new Map<string, string>();
  for (const id of system.services) {
    const s = ctx.settings.catalog.services.find((x) => x.id === id);
    for (const w of [id, ...(s?.aliases ?? [])]) if (!byWord.has(w)) byWord.set(w, id);
  }
  const guess = suggest(word, [...byWord.keys()]);
  return guess === undefined ? undefined : byWord.get(guess);
}

const missingServices = (system: SystemDef): Refusal =>
  refuse(
    'unknown_service',
    `say which services of ${system.name}: it runs ${system.services.join(', ')} (or \`all\`), e.g. ` +
      `\`/status ${system.id} ${system.services[0] ?? 'smtp'} down "…"\`.`,
  );

const isServiceList = (system: SystemDef, word: string, ctx: ParseContext): boolean =>
  word.split(',').every((p) => p === '' || p.toLowerCase() === 'all' || resolveService(system, p, ctx).ok) &&
  word.replace(/,/g, '') !== '';

function readState(system: SystemDef, word: string, ctx: ParseContext): Result<ComponentState> {
  const state = lookupState(word);
  if (state) return accept(state);
  const choices = 'say up, degraded, down or maintenance (see `help states`)';
  if (isServiceList(system, word, ctx)) {
    return refuse(
      'unknown_state',
      `missing state after the services (${quoteBack(word)} is a service): ${choices}.`,
    );
  }
  const guess = suggest(word, ALL_STATE_WORDS);
  return refuse(
    'unknown_state',
    `unknown state ${quoteBack(word)}${guess ? `: did you mean "${guess}"?` : ';'} ${guess ? capitalize(choices) : choices}.`,
  );
}

// ----------------------------------------------------------------------------------------- subcommands

function parseChange(p: Positional, o: Options, raw: RawOptions, ctx: ParseContext): Result<Command> {
  const head = p.before;
  const sys = resolveSystem((head[0] as Token).text, ctx);
  if (!sys.ok) return sys;
  const system = sys.value;
  const second = head[1];
  if (!second) {
    return refuse(
      'syntax',
      `after ${system.id}, name the services and the state: \`/status ${system.id} ${system.services[0] ?? 'smtp'} down "…"\`.`,
    );
  }
  if (head.length === 2 && lookupState(second.text)) return missingServices(system);

  let serviceWords: Token[];
  let stateWord: Token | undefined;
  let messageWords: Token[] = [];
  if (p.quoted.length > 0) {
    // The last word before the message is the state; the words between are services.
    serviceWords = head.length === 2 ? [second] : head.slice(1, -1);
    stateWord = head.length === 2 ? undefined : head[head.length - 1];
  } else {
    // No quotes: the services run as far as words are services, the state follows, and what comes after it
    // was meant as the message. Misspelt services just before a state word are still read as services, so
    // that the refusal names the misspelling.
    let j = 2;
    while (j < head.length && isServiceList(system, (head[j] as Token).text, ctx)) j++;
    const k = head.findIndex((t, i) => i > j && lookupState(t.text) !== undefined);
    if (k > j && head.slice(j, k).every((t) => guessService(system, t.text, ctx) !== undefined)) j = k;
    serviceWords = head.slice(1, j);
    stateWord = head[j];
    messageWords = head.slice(j + 1);
  }
  const services = resolveServices(system, serviceWords, ctx);
  if (!services.ok) return services;
  if (!stateWord) {
    return refuse(
      'unknown_state',
      'missing state after the services: say up, degraded, down or maintenance (see `help states`), then the message in quotes.',
    );
  }
  const state = readState(system, stateWord.text, ctx);
  if (!state.ok) return state;
  const keys = services.value.map((service) => ({ system: system.id, service }));
  const message = readMessageSource('change', p, messageWords, raw, ctx, {
    values: {
      ...componentValues(ctx.settings.catalog, keys),
      state: state.value,
      time: templateTime(o.at?.at ?? ctx.now),
    },
    later: [],
  });
  if (!message.ok) return message;
  return accept({
    kind: 'change',
    system: system.id,
    services: services.value,
    state: state.value,
    message: message.value.message,
    at: o.at,
    ...promised(o),
    tags: unionTags(o.tags, message.value.tags),
    title: o.title,
  });
}

function parseIncidentRef(
  words: readonly Token[],
  id: SubcommandId,
  ctx: ParseContext,
): Result<{ ref: IncidentRef; used: number }> {
  const form = `an incident number (\`${id} 42 "…"\` or \`#42\`) or a component (\`${id} nc018 smtp "…"\`)`;
  const w0 = words[0];
  if (!w0) return refuse('unknown_incident', `say which incident: ${form}.`);
  const num = /^#?(\d+)$/.exec(w0.text);
  if (num) {
    const n = Number(num[1]);
    if (!Number.isSafeInteger(n) || n < 1) {
      return refuse(
        'unknown_incident',
        `there is no incident ${shorten(w0.text)}: incidents are numbered from 1.`,
      );
    }
    return accept({ ref: { by: 'number', number: n }, used: 1 });
  }
  if (/^#|^\d/.test(w0.text)) {
    const post = /^#?\d+\.\d+$/.test(w0.text)
      ? ` (${shorten(w0.text)} names a post; \`edit\` and \`retract\` take posts)`
      : '';
    return refuse('unknown_incident', `${quoteBack(w0.text)} is not an incident${post}: name it by ${form}.`);
  }
  const system = findSystem(ctx.settings.catalog, w0.text);
  if (words.length === 1) {
    if (system) {
      return refuse(
        'unknown_incident',
        `name one service of ${system.name} too: \`${id} ${system.id} ${system.services[0] ?? 'smtp'} "…"\`, or the incident number.`,
      );
    }
    return refuse('unknown_incident', `${quoteBack(w0.text)} is not an incident: name it by ${form}.`);
  }
  const sys = resolveSystem(w0.text, ctx);
  if (!sys.ok) return sys;
  const serviceWord = (words[1] as Token).text;
  if (serviceWord.includes(',') || serviceWord.toLowerCase() === 'all') {
    return refuse(
      'unknown_incident',
      `an incident is named by one component, such as \`nc018 smtp\`, not ${quoteBack(serviceWord)}; or use its number.`,
    );
  }
  const service = resolveService(sys.value, serviceWord, ctx);
  if (!service.ok) return service;
  return accept({ ref: { by: 'component', system: sys.value.id, service: service.value }, used: 2 });
}

function parseIncidentCommand(
  id: 'update' | 'resolve' | 'cancel',
  p: Positional,
  o: Options,
  raw: RawOptions,
  ctx: ParseContext,
): Result<Command> {
  const ref = parseIncidentRef(p.before, id, ctx);
  if (!ref.ok) return ref;
  const extra = p.before.slice(ref.value.used);
  if (extra.length > 0 && p.quoted.length > 0) {
    return refuse(
      'syntax',
      `unexpected ${quoteBack(extra)} before the message: ${id} takes one incident, then the message in quotes. Usage: ${usage(id)}`,
    );
  }
  // The incident's number and components are known once decide has found it.
  const message = readMessageSource(id, p, extra, raw, ctx, {
    values: {
      time: templateTime(o.at?.at ?? ctx.now),
      ...(id === 'resolve' ? { state: 'operational' } : {}),
    },
    later: ['incident', 'system', 'server', 'service', 'services'],
  });
  if (!message.ok) return message;
  const incident = ref.value.ref;
  const tags = unionTags(o.tags, message.value.tags);
  if (id === 'resolve') {
    return accept({ kind: 'resolve', incident, message: message.value.message, at: o.at, tags });
  }
  if (id === 'cancel') return accept({ kind: 'cancel', incident, message: message.value.message, tags });
  return accept({
    kind: 'update',
    incident,
    message: message.value.message,
    at: o.at,
    ...promised(o),
    tags,
    title: o.title,
    number: o.number,
  });
}

function parseMaintenance(p: Positional, o: Options, raw: RawOptions, ctx: ParseContext): Result<Command> {
  const w0 = p.before[0];
  if (!w0) {
    return refuse(
      'syntax',
      `\`maintenance\` needs a system and its services first. Usage: ${usage('maintenance')}`,
    );
  }
  const sys = resolveSystem(w0.text, ctx);
  if (!sys.ok) return sys;
  const system = sys.value;
  let serviceWords = p.before.slice(1);
  let messageWords: Token[] = [];
  if (p.quoted.length === 0) {
    let j = 1;
    while (j < p.before.length && isServiceList(system, (p.before[j] as Token).text, ctx)) j++;
    serviceWords = p.before.slice(1, Math.max(j, 2));
    messageWords = p.before.slice(Math.max(j, 2));
  }
  const services = resolveServices(system, serviceWords, ctx);
  if (!services.ok) return services;
  const message = readMessage('maintenance', p, messageWords, raw, ctx);
  if (!message.ok) return message;
  if (!o.start) throw new Error('--start is required by the spec and checked in readOptions');
  return accept({
    kind: 'maintenance',
    system: system.id,
    services: services.value,
    message: message.value,
    start: o.start,
    end: o.end,
    ...promised(o),
    tags: o.tags,
    title: o.title,
  });
}

function parseNotice(p: Positional, o: Options, raw: RawOptions, ctx: ParseContext): Result<Command> {
  const words = [...p.before, ...p.after];
  if (words.length > 0) {
    return refuse(
      'syntax',
      `put the title and the message in quotes, each in its own pair: ${quoteBack(words)}. Usage: ${usage('notice')}`,
    );
  }
  if (p.quoted.length > 2) {
    return refuse(
      'syntax',
      `\`notice\` takes a title and a message, each in quotes, and ${p.quoted.length} quoted strings were given. ` +
        'For quotes inside the message use typographic quotes “ ” or write \\".',
    );
  }
  const [titleToken, messageToken] = p.quoted;
  if (!titleToken || !messageToken) {
    const taken = Object.values(raw).find((r) => r?.quoted);
    return refuse(
      'missing_message',
      `\`notice\` needs a title and then a message, each in quotes${titleToken ? '; only one quoted string was given' : ''}. ` +
        `Usage: ${usage('notice')}` +
        (taken ? ` (The quoted text after ${taken.spelled} was taken as its value.)` : ''),
    );
  }
  if (titleToken.text.trim() === '') {
    return refuse('missing_message', 'the title is empty: write it inside the first quotes.');
  }
  const title = readTitle(titleToken.text, 'the title');
  if (!title.ok) return title;
  const message = checkMessage(messageToken.text, ctx, 'message');
  if (!message.ok) return message;
  return accept({
    kind: 'notice',
    title: title.value,
    message: message.value,
    at: o.at,
    ...promised(o),
    tags: o.tags,
    number: o.number,
  });
}

function parsePostRef(words: readonly Token[], id: SubcommandId): Result<PostRef> {
  const form = `a post is named by its incident and number: \`${id} 12.3 "…"\` or \`#12.3\` (incident 12, post 3)`;
  const w0 = words[0];
  if (!w0) return refuse('unknown_post', `say which post: ${form}.`);
  const m = /^#?(\d+)\.(\d+)$/.exec(w0.text);
  const incident = Number(m?.[1]);
  const number = Number(m?.[2]);
  if (!m || !Number.isSafeInteger(incident) || !Number.isSafeInteger(number) || incident < 1 || number < 1) {
    return refuse('unknown_post', `${quoteBack(w0.text)} is not a post: ${form}.`);
  }
  return accept({ incident, number });
}

function parsePostCommand(
  id: 'edit' | 'retract',
  p: Positional,
  raw: RawOptions,
  ctx: ParseContext,
): Result<Command> {
  const post = parsePostRef(p.before, id);
  if (!post.ok) return post;
  const extra = p.before.slice(1);
  const what = id === 'edit' ? 'corrected message' : 'reason';
  if (extra.length > 0 && p.quoted.length > 0) {
    return refuse('syntax', `unexpected ${quoteBack(extra)} before the ${what}. Usage: ${usage(id)}`);
  }
  const text = readMessage(id, p, extra, raw, ctx, what);
  if (!text.ok) return text;
  if (id === 'edit') return accept({ kind: 'edit', post: post.value, message: text.value });
  return accept({ kind: 'retract', post: post.value, reason: text.value });
}
