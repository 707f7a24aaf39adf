// Discord's `/status`, built from the command spec (the data): one subcommand per form of the grammar, its
// words and options typed, plus `run`, which takes the grammar as typed in Slack. The same table turns a
// submitted interaction's options back into the grammar's text, so the core's one parser reads Discord too.

import {
  type APIApplicationCommand,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  Routes,
} from 'discord-api-types/v10';
import {
  OPTIONS,
  type OptionName,
  optionWord,
  STATE_WORDS,
  SUBCOMMAND_ORDER,
  SUBCOMMAND_SPECS,
  SUBCOMMANDS,
  type SubcommandId,
  TITLE_LIMIT,
} from '../../bot/command-spec.js';
import { describeTemplate, type MessageTemplate } from '../../bot/message-templates.js';
import type { ComponentState } from '../../bot/types.js';
import { REST } from '../discord-client/rest.js';

export const STATUS_COMMAND = 'status';

/** The free-text form: `/status run text:nc018 smtp down "…"`. */
export const RUN_SUBCOMMAND = 'run';

/** Discord's limits on names, descriptions and string options. */
const DESCRIPTION_MAX = 100;
const STRING_OPTION_MAX = 6000;

/**
 * How each word of the grammar is asked for: `word` is one unquoted word, `words` several (services, an
 * incident named by its component), `text` a quoted string, `state` and `topic` a fixed choice.
 */
export type ParamKind = 'word' | 'words' | 'text' | 'state' | 'topic' | 'option';

interface ArgShape {
  kind: Exclude<ParamKind, 'option'>;
  autocomplete?: boolean;
  /** Written in brackets in the usage (`help [topic]`). */
  optional?: boolean;
  /** Longest text Discord lets through: a number, or the configured message limit. */
  maxLength?: number | 'message';
  /** Optional where the subcommand takes this option instead (a template instead of a message). */
  orOption?: OptionName;
}

/** The spec's argument names, typed for Discord. A new argument in the spec must be added here. */
const ARG_SHAPES: Readonly<Record<string, ArgShape>> = {
  system: { kind: 'word', autocomplete: true },
  services: { kind: 'words', autocomplete: true },
  state: { kind: 'state' },
  message: { kind: 'text', maxLength: 'message', orOption: 'template' },
  title: { kind: 'text', maxLength: TITLE_LIMIT },
  reason: { kind: 'text', maxLength: 'message' },
  incident: { kind: 'words', autocomplete: true },
  post: { kind: 'word' },
  topic: { kind: 'topic', optional: true },
  // `/status proposals [all]`: the one word `all`, or nothing.
  scope: { kind: 'word', optional: true },
};

/** Discord names for options whose grammar name reads oddly as a field (`--tag a,b` is a list of tags). */
const OPTION_NAMES: Partial<Record<OptionName, string>> = { tag: 'tags' };

/** Descriptions that read better in a Discord form than the grammar's. */
const OPTION_DESCRIPTIONS: Partial<Record<OptionName, string>> = {
  template: 'a canned message instead of `message` (see `/status help templates`)',
  with: 'values for the template’s own placeholders: `eta=23:00 UTC cause=a failed disk`',
};

/** Discord offers at most this many fixed choices; more templates are offered by autocomplete. */
export const CHOICES_MAX = 25;

/** `help` topics beyond the subcommands (src/bot/help.ts answers them). */
const EXTRA_HELP_TOPICS = ['times', 'states', 'options', 'templates'] as const;

export interface DiscordParam {
  /** The Discord option's name. */
  name: string;
  description: string;
  required: boolean;
  kind: ParamKind;
  autocomplete: boolean;
  /** For kind `option`: the grammar's option (`--at`). */
  option?: OptionName;
  maxLength?: number | 'message';
  /** The Discord name of an option that may be given instead of this one (`template` for `message`). */
  instead?: string;
}

export interface DiscordSubcommand {
  name: string;
  id: SubcommandId | typeof RUN_SUBCOMMAND;
  description: string;
  params: DiscordParam[];
}

/** At most `max` characters, cut with an ellipsis. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * A description from the spec, as it reads in a Discord form: no `--at` before the example (the field is
 * the option) and no quotes to type around a value.
 */
function forDiscord(description: string): string {
  const text = description
    .replace(/`--[a-z]+ "?([^`"]*)"?`/g, '`$1`')
    .replace(/,? in quotes/g, '')
    .trim();
  return clip(text, DESCRIPTION_MAX);
}

function argParam(id: SubcommandId, name: string, description: string): DiscordParam {
  const shape = ARG_SHAPES[name];
  if (!shape)
    throw new Error(`the spec's argument <${name}> of ${id} has no Discord shape in discord-commands.ts`);
  const instead =
    shape.orOption && SUBCOMMAND_SPECS[id].options.includes(shape.orOption)
      ? (OPTION_NAMES[shape.orOption] ?? shape.orOption)
      : undefined;
  return {
    name,
    description: forDiscord(description),
    required: !shape.optional && !instead,
    ...(instead ? { instead } : {}),
    kind: shape.kind,
    autocomplete: shape.autocomplete ?? false,
    ...(shape.maxLength === undefined ? {} : { maxLength: shape.maxLength }),
  };
}

function optionParam(id: SubcommandId, option: OptionName): DiscordParam {
  const spec = OPTIONS[option];
  return {
    name: OPTION_NAMES[option] ?? option,
    description: forDiscord(OPTION_DESCRIPTIONS[option] ?? spec.description),
    required: SUBCOMMAND_SPECS[id].required.includes(option),
    kind: 'option',
    autocomplete: false,
    option,
    ...(spec.kind === 'text' ? { maxLength: TITLE_LIMIT } : {}),
    ...(spec.kind === 'pairs' ? { maxLength: 'message' as const } : {}),
  };
}

/** Every subcommand of `/status`, in help's order, then `run`. */
export function discordSubcommands(): DiscordSubcommand[] {
  const specs = SUBCOMMAND_ORDER.map((id): DiscordSubcommand => {
    const spec = SUBCOMMAND_SPECS[id];
    const options = spec.options.map((o) => optionParam(id, o));
    return {
      name: id,
      id,
      description: clip(spec.summary, DESCRIPTION_MAX),
      // Discord wants the required options first.
      params: [
        ...spec.args.map((a) => argParam(id, a.name, a.description)),
        ...options.filter((o) => o.required),
        ...options.filter((o) => !o.required),
      ],
    };
  });
  return [
    ...specs,
    {
      name: RUN_SUBCOMMAND,
      id: RUN_SUBCOMMAND,
      description: 'Type the command as in Slack or the shell: `nc018 smtp down "…" --at 21:39`.',
      params: [
        {
          name: 'text',
          description: 'the whole command after /status, as the grammar reads it',
          required: true,
          kind: 'text',
          autocomplete: false,
          maxLength: STRING_OPTION_MAX,
        },
      ],
    },
  ];
}

const SUBCOMMANDS_BY_NAME: ReadonlyMap<string, DiscordSubcommand> = new Map(
  discordSubcommands().map((s) => [s.name, s]),
);

export function findDiscordSubcommand(name: string): DiscordSubcommand | undefined {
  return SUBCOMMANDS_BY_NAME.get(name);
}

const STATE_ORDER: readonly ComponentState[] = ['down', 'degraded', 'maintenance', 'operational'];

function stateChoices(): Array<{ name: string; value: string }> {
  return STATE_ORDER.map((state) => {
    const others = STATE_WORDS[state].slice(1, 4);
    return { name: `${state} (${others.join(', ')})`, value: state };
  });
}

const helpTopics = (): string[] => [...SUBCOMMAND_ORDER, ...EXTRA_HELP_TOPICS];

/** A template as Discord offers it: its name, then what it says. */
export function templateChoices(
  templates: readonly MessageTemplate[],
  typed = '',
): Array<{ name: string; value: string }> {
  const t = typed.trim().toLowerCase();
  return templates
    .filter((x) => t === '' || x.name.includes(t) || describeTemplate(x).toLowerCase().includes(t))
    .map((x) => ({ name: clip(`${x.name}: ${describeTemplate(x)}`, DESCRIPTION_MAX), value: x.name }));
}

function toOption(
  p: DiscordParam,
  messageLimit: number,
  templates: readonly MessageTemplate[],
): APIApplicationCommandBasicOption {
  const base = { name: p.name, description: p.description, required: p.required };
  if (p.option && OPTIONS[p.option].kind === 'number') {
    return { ...base, type: ApplicationCommandOptionType.Integer, min_value: 1 };
  }
  const maxLength =
    p.maxLength === undefined
      ? undefined
      : Math.min(p.maxLength === 'message' ? messageLimit : p.maxLength, STRING_OPTION_MAX);
  const string = {
    ...base,
    type: ApplicationCommandOptionType.String as const,
    ...(maxLength === undefined ? {} : { max_length: maxLength }),
  };
  if (p.autocomplete) return { ...string, autocomplete: true };
  if (p.kind === 'state') return { ...string, choices: stateChoices() };
  if (p.option === 'template') {
    return templates.length > CHOICES_MAX
      ? { ...string, autocomplete: true }
      : { ...string, choices: templateChoices(templates) };
  }
  if (p.kind === 'topic') return { ...string, choices: helpTopics().map((t) => ({ name: t, value: t })) };
  return string;
}

/** Without templates configured, their options are left out and the message is required again. */
function usableParams(
  params: readonly DiscordParam[],
  templates: readonly MessageTemplate[],
): DiscordParam[] {
  if (templates.length > 0) return [...params];
  const kept = params
    .filter((p) => p.option !== 'template' && p.option !== 'with')
    .map((p) => (p.instead ? { ...p, required: true } : p));
  // Discord wants the required options first.
  return [...kept.filter((p) => p.required), ...kept.filter((p) => !p.required)];
}

/**
 * The `/status` command as Discord registers it. `messageLimit`: the configured longest message;
 * `templates`: the configured ones, offered as choices (by autocomplete past Discord's 25).
 */
export function buildStatusCommand(
  options: { messageLimit?: number; templates?: readonly MessageTemplate[] } = {},
): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const messageLimit = options.messageLimit ?? 4000;
  const templates = options.templates ?? [];
  return {
    name: STATUS_COMMAND,
    type: ApplicationCommandType.ChatInput,
    description: 'Publish and read the status of our systems (Herald)',
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    options: discordSubcommands().map(
      (s): APIApplicationCommandSubcommandOption => ({
        type: ApplicationCommandOptionType.Subcommand,
        name: s.name,
        description: s.description,
        options: usableParams(s.params, templates).map((p) => toOption(p, messageLimit, templates)),
      }),
    ),
  };
}

// ------------------------------------------------------------------------------ options → grammar text

export type MappedText = { ok: true; text: string } | { ok: false; message: string };

const QUOTE_CHARS = /["“”„«»‘’']/;

/** A straight-quoted string, as the tokenizer reads it back: `\"` and `\\` escaped. */
export function quoteText(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Unquoted words must stay words: no quotes, no options, so a value cannot change the command around it. */
function checkWords(p: DiscordParam, value: string): string | null {
  if (value === '') return `\`${p.name}\` is empty.`;
  if (QUOTE_CHARS.test(value)) return `\`${p.name}\` takes plain words, without quotes: "${value}".`;
  const words = value.split(/\s+/);
  if (p.kind === 'word' && words.length > 1) return `\`${p.name}\` takes one word, not "${value}".`;
  const option = words.find((w) => optionWord(w));
  if (option) return `\`${p.name}\` takes words, not an option: "${option}".`;
  return null;
}

/**
 * The grammar's text for a submitted subcommand and its option values (by Discord name): for example
 * `change` with system `nc018`, services `smtp`, state `down`, message `a "b"`, at `21:39` gives
 * `nc018 smtp down "a \"b\"" --at "21:39"`.
 */
export function commandText(
  name: string,
  values: ReadonlyMap<string, string | number | boolean>,
): MappedText {
  const sub = findDiscordSubcommand(name);
  if (!sub)
    return {
      ok: false,
      message: `\`/status ${name}\` is not a subcommand Herald knows; see \`/status help\`.`,
    };
  const parts: string[] = sub.id === 'change' || sub.id === RUN_SUBCOMMAND ? [] : [sub.id];
  for (const p of sub.params) {
    const value = values.get(p.name);
    if (value === undefined) {
      if (p.required) return { ok: false, message: `\`/status ${name}\` needs \`${p.name}\`.` };
      if (p.instead && !values.has(p.instead)) {
        return { ok: false, message: `\`/status ${name}\` needs \`${p.name}\` or \`${p.instead}\`.` };
      }
      continue;
    }
    // Discord checks option types against the registered command; anything else is not from that form.
    const integer = p.option !== undefined && OPTIONS[p.option].kind === 'number';
    if (integer ? !Number.isSafeInteger(value) : typeof value !== 'string')
      return { ok: false, message: `\`${p.name}\` takes ${integer ? 'a whole number' : 'text'}.` };
    if (sub.id === RUN_SUBCOMMAND) return { ok: true, text: String(value).trim() };
    const text = String(value);
    if (p.option) {
      parts.push(`--${p.option}`, OPTIONS[p.option].kind === 'number' ? text.trim() : quoteText(text));
    } else if (p.kind === 'text') {
      parts.push(quoteText(text));
    } else {
      const word = text.trim();
      const problem = checkWords(p, word);
      if (problem) return { ok: false, message: problem };
      if (
        sub.id === 'change' &&
        p.name === 'system' &&
        SUBCOMMANDS.includes(word.toLowerCase() as SubcommandId)
      ) {
        return { ok: false, message: `"${word}" is a subcommand, not a system.` };
      }
      parts.push(word);
    }
  }
  return { ok: true, text: parts.join(' ') };
}

// ------------------------------------------------------------------------------------------ registering

export interface DiscordRegistration {
  scope: 'global' | 'guild';
  applicationId: string;
  guildId: string | null;
  /** `PUT /applications/…/commands`. */
  request: string;
  commands: Array<{ id: string; name: string; subcommands: string[] }>;
  /** The configured templates `/status` offers, as choices (up to 25) or by autocomplete. */
  templates: { names: string[]; offeredBy: 'choices' | 'autocomplete' };
}

export interface RegisterOptions {
  token: string;
  applicationId: string;
  /** Discord's REST API: `https://discord.com/api` (DISCORD_API_URL). */
  apiUrl: string;
  /** Register in this guild only (appears at once; for trying Herald out), else globally. */
  guildId?: string;
  messageLimit?: number;
  templates?: readonly MessageTemplate[];
}

/**
 * Registers `/status` (a bulk overwrite: the application's other commands in that scope are replaced) and
 * says what Discord now holds.
 */
export async function registerDiscordCommands(options: RegisterOptions): Promise<DiscordRegistration> {
  const { token, applicationId, apiUrl, guildId } = options;
  const rest = new REST({ api: apiUrl, retries: 1 }).setToken(token);
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  const templates = options.templates ?? [];
  const body = [
    buildStatusCommand({
      templates,
      ...(options.messageLimit === undefined ? {} : { messageLimit: options.messageLimit }),
    }),
  ];
  const saved = (await rest.put(route, { body })) as APIApplicationCommand[];
  return {
    scope: guildId ? 'guild' : 'global',
    applicationId,
    guildId: guildId ?? null,
    request: `PUT ${route}`,
    commands: saved.map((c) => ({
      id: c.id,
      name: c.name,
      subcommands: (c.options ?? [])
        .filter((o) => o.type === ApplicationCommandOptionType.Subcommand)
        .map((o) => o.name),
    })),
    templates: {
      names: templates.map((t) => t.name),
      offeredBy: templates.length > CHOICES_MAX ? 'autocomplete' : 'choices',
    },
  };
}

/** What `herald discord register` prints. */
export function formatRegistration(r: DiscordRegistration): string {
  const where = r.scope === 'guild' ? `in guild ${r.guildId}` : 'globally (every server the bot is in)';
  const lines = [`Registered ${r.commands.length} command(s) ${where} for application ${r.applicationId}:`];
  for (const c of r.commands) {
    lines.push(`  /${c.name} (id ${c.id}): ${c.subcommands.join(', ')}`);
  }
  const { names, offeredBy } = r.templates;
  lines.push(
    names.length === 0
      ? '  templates: none configured (the `template` option is left out)'
      : `  templates (${offeredBy === 'choices' ? 'as choices' : `by autocomplete: more than ${CHOICES_MAX}`}): ${names.join(', ')}`,
  );
  lines.push(`  (${r.request})`);
  return lines.join('\n');
}
