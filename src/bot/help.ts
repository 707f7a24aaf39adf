// Help, rendered from the command spec alone, so it cannot drift from what the parser accepts. Plain text with
// backticks for code; the chat adapters turn that into their own markup.

import { suggest, type ZoneDef } from './catalog.js';
import {
  OPTIONS,
  type OptionName,
  optionWord,
  STATE_WORDS,
  SUBCOMMAND_ORDER,
  SUBCOMMAND_SPECS,
  type SubcommandId,
  TIME_FORMS,
  TIME_NOTES,
} from './command-spec.js';
import {
  BUILTIN_PLACEHOLDERS,
  describeTemplate,
  isBuiltin,
  listPlaceholders,
  type MessageTemplate,
  placeholdersOf,
} from './message-templates.js';
import { describeAbbreviations } from './parse-time.js';
import { shorten } from './refusal.js';
import type { ComponentState } from './types.js';

const EXTRA_TOPICS = ['times', 'states', 'options', 'templates'] as const;
export const TOPICS: readonly string[] = [...SUBCOMMAND_ORDER, ...EXTRA_TOPICS];

const optionLine = (name: OptionName): string => {
  const o = OPTIONS[name];
  const spellings = [o.name, ...o.aliases].map((n) => `--${n}`).join(' / ');
  return `\`${spellings} ${o.placeholder}\`: ${o.description}`;
};

function subcommandHelp(id: SubcommandId): string {
  const spec = SUBCOMMAND_SPECS[id];
  const lines = [`\`${spec.usage}\``, spec.summary, ''];
  if (spec.args.length > 0) {
    lines.push('Arguments:');
    for (const a of spec.args) lines.push(`  \`<${a.name}>\`: ${a.description}`);
  }
  if (spec.options.length > 0) {
    lines.push('Options:');
    for (const o of spec.options) {
      lines.push(`  ${optionLine(o)}${spec.required.includes(o) ? ' (required)' : ''}`);
    }
  }
  lines.push('Examples:');
  for (const e of spec.examples) lines.push(`  \`${e}\``);
  return lines.join('\n');
}

function overview(): string {
  const lines = ['Herald posts the status of our systems. Commands:', ''];
  for (const id of SUBCOMMAND_ORDER) {
    const spec = SUBCOMMAND_SPECS[id];
    lines.push(`\`${spec.usage}\``, `  ${spec.summary}`);
  }
  lines.push(
    '',
    `More: \`/status help <topic>\`, where a topic is ${TOPICS.map((t) => `\`${t}\``).join(', ')}.`,
  );
  return lines.join('\n');
}

function timesHelp(zones: readonly ZoneDef[]): string {
  const lines = ['Times (for `--at`, `--start`, `--end` and `--next`):'];
  for (const f of TIME_FORMS) lines.push(`  \`${f.example}\`: ${f.form}`);
  lines.push('', ...TIME_NOTES);
  const abbreviations = describeAbbreviations(zones);
  lines.push(`Abbreviations read here: UTC, GMT, Z${abbreviations ? `, ${abbreviations}` : ''}.`);
  return lines.join('\n');
}

function statesHelp(): string {
  const lines = ['States, and the words that mean them:'];
  for (const [state, words] of Object.entries(STATE_WORDS) as [ComponentState, readonly string[]][]) {
    lines.push(`  ${state}: ${words.map((w) => `\`${w}\``).join(', ')}`);
  }
  lines.push(
    '',
    'Example: `/status nc018 smtp restored "We’ve cleaned up the spam and restarted SMTP on server NC018."`',
  );
  return lines.join('\n');
}

function optionsHelp(only?: OptionName): string {
  const names = only ? [only] : (Object.keys(OPTIONS) as OptionName[]);
  const lines = [only ? 'Option:' : 'Options:'];
  for (const n of names) {
    const takenBy = SUBCOMMAND_ORDER.filter((id) => SUBCOMMAND_SPECS[id].options.includes(n));
    lines.push(`  ${optionLine(n)}. Taken by: ${takenBy.map((id) => `\`${id}\``).join(', ')}.`);
  }
  lines.push(
    '',
    'A value is one quoted string, or the words up to the next option. `—` and `–` work as `--`.',
    'Options may come before or after the message.',
  );
  return lines.join('\n');
}

/** The configured templates, what each needs, and how to use them. */
function templatesHelp(templates: readonly MessageTemplate[]): string {
  const takenBy = SUBCOMMAND_ORDER.filter((id) => SUBCOMMAND_SPECS[id].options.includes('template'));
  const lines = [
    `Templates: canned messages from the configuration, used instead of a quoted message by ${takenBy.map((id) => `\`${id}\``).join(', ')}.`,
  ];
  if (templates.length === 0) {
    lines.push('None are configured: add them under `templates:` in herald.config.yaml.');
  }
  for (const t of templates) {
    const own = placeholdersOf(t).filter((n) => !isBuiltin(n));
    const needs = own.length > 0 ? ` Needs ${own.map((n) => `\`--with ${n}=…\``).join(' ')}.` : '';
    lines.push(`  \`${t.name}\`: ${describeTemplate(t)}.${needs}`);
  }
  lines.push(
    '',
    'Example: `/status nc018 smtp down --template spam`; `/status nc018 all down --template reboot --with eta=23:00 UTC`.',
    `Herald fills ${listPlaceholders(Object.keys(BUILTIN_PLACEHOLDERS))}; every other placeholder is given with \`--with NAME=VALUE\`.`,
  );
  return lines.join('\n');
}

/** Help on a topic; `templates` lists the configured ones. */
export function helpText(
  topic: string | null,
  templates: readonly MessageTemplate[] = [],
  zones: readonly ZoneDef[] = [],
): string {
  if (topic === null || topic.trim() === '') return overview();
  const t = topic.trim().toLowerCase();
  const subcommand = SUBCOMMAND_ORDER.find((id) => id === t);
  if (subcommand) return subcommandHelp(subcommand);
  if (t === 'templates' || t === 'template') return templatesHelp(templates);
  if (t === 'times' || t === 'time') return timesHelp(zones);
  if (t === 'states' || t === 'state') return statesHelp();
  if (t === 'options') return optionsHelp();
  const name = optionWord(t)?.name ?? t;
  const option = (Object.keys(OPTIONS) as OptionName[]).find(
    (o) => o === name || OPTIONS[o].aliases.includes(name),
  );
  if (option) return optionsHelp(option);
  const guess = suggest(t, TOPICS);
  return (
    `No help on "${shorten(topic.trim())}"${guess ? `: did you mean \`help ${guess}\`?` : '.'} ` +
    `Topics are ${TOPICS.map((x) => `\`${x}\``).join(', ')}.`
  );
}
