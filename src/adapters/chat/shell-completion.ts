// Tab completion at the `herald>` prompt: subcommands, systems, services, states, open incident numbers,
// options and templates, read from the same grammar (src/bot/command-spec.ts) and catalogue the parser uses,
// so that what Tab offers is what the command accepts.

import { type CoreSettings, findSystem } from '../../bot/catalog.js';
import { STATE_WORDS, SUBCOMMAND_SPECS, SUBCOMMANDS, type SubcommandId } from '../../bot/command-spec.js';
import { TOPICS } from '../../bot/help.js';

/** What completion reads: the catalogue and templates, and the store's open incidents (read at each Tab). */
export interface CompletionSource {
  settings: CoreSettings;
  /** Numbers of the incidents a command may still name: open, scheduled or in progress. */
  openIncidents(): readonly number[];
}

/** The words that end the shell (not commands of the grammar, so not in command-spec.ts). */
export const SHELL_WORDS = ['quit', 'exit'] as const;

/** Offered after the services when nothing is typed yet: the words people use; every state word matches. */
const COMMON_STATES = ['up', 'down', 'degraded', 'maintenance'];
const ALL_STATES = Object.values(STATE_WORDS).flat();

interface Word {
  text: string;
  quoted: boolean;
}

const CLOSING: Readonly<Record<string, string>> = { '"': '"', '“': '”', '„': '“', '«': '»' };

/**
 * The words before the cursor, and the one being typed; null inside an open quote (a message: nothing to
 * complete there).
 */
export function splitForCompletion(line: string): { done: Word[]; current: string } | null {
  const done: Word[] = [];
  let current = '';
  let quote: string | null = null;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (/\s/u.test(c)) {
      if (current || quoted) done.push({ text: current, quoted });
      current = '';
      quoted = false;
    } else if (current === '' && CLOSING[c]) {
      quote = CLOSING[c] as string;
      quoted = true;
    } else current += c;
  }
  if (quote) return null;
  if (quoted) return null;
  return { done, current };
}

/** `candidates` that begin with `typed` (any case), spelled with what was typed as their start. */
function matching(typed: string, candidates: Iterable<string>): string[] {
  const t = typed.toLowerCase();
  const out = new Set<string>();
  for (const c of candidates) if (c.toLowerCase().startsWith(t)) out.add(typed + c.slice(typed.length));
  return [...out].sort();
}

function systemWords(settings: CoreSettings): string[] {
  return settings.catalog.systems.map((s) => s.id);
}

/** Services of `systemWord` (all of them if it is unknown), completing the last of a comma list. */
function serviceWords(settings: CoreSettings, systemWord: string, typed: string, named: string[]): string[] {
  const system = findSystem(settings.catalog, systemWord);
  const ids = system ? system.services : settings.catalog.services.map((s) => s.id);
  const comma = typed.lastIndexOf(',');
  const before = typed.slice(0, comma + 1);
  const listed = new Set([...named, ...before.split(',').filter(Boolean)].map((w) => w.toLowerCase()));
  const offered = ids.filter((id) => !listed.has(id));
  if (!listed.size) offered.push('all');
  return matching(typed.slice(comma + 1), offered).map((w) => before + w);
}

function optionWords(id: SubcommandId, typed: string): string[] {
  return matching(
    typed,
    SUBCOMMAND_SPECS[id].options.map((o) => `--${o}`),
  );
}

/** After `<system>`: the services, then (once one is named) the states; nothing once the state is given. */
function changeWords(settings: CoreSettings, done: Word[], typed: string): string[] {
  const [system, ...rest] = done.map((w) => w.text);
  const services = rest
    .join(' ')
    .split(/[\s,]+/)
    .filter(Boolean);
  if (done.some((w) => w.quoted) || services.some((w) => ALL_STATES.includes(w.toLowerCase()))) return [];
  if (!services.length) return serviceWords(settings, system ?? '', typed, []);
  if (!typed) return COMMON_STATES;
  return [...matching(typed, ALL_STATES), ...serviceWords(settings, system ?? '', typed, services)];
}

/** `update`, `resolve`, `cancel`: an open incident's number, or the component it is open on. */
function incidentWords(source: CompletionSource, done: Word[], typed: string): string[] {
  if (done.length === 1) {
    const numbers = source.openIncidents().map(String);
    const hash = typed.startsWith('#') ? '#' : '';
    return [
      ...matching(
        typed,
        numbers.map((n) => hash + n),
      ),
      ...(hash ? [] : matching(typed, systemWords(source.settings))),
    ];
  }
  const second = done[1];
  if (done.length === 2 && second && !second.quoted && findSystem(source.settings.catalog, second.text))
    return serviceWords(source.settings, second.text, typed, []);
  return [];
}

function subcommandWords(id: SubcommandId, source: CompletionSource, done: Word[], typed: string): string[] {
  const { settings } = source;
  switch (id) {
    case 'help':
      return done.length === 1 ? matching(typed, TOPICS) : [];
    case 'update':
    case 'resolve':
    case 'cancel':
      return incidentWords(source, done, typed);
    case 'maintenance': {
      if (done.length === 1) return matching(typed, systemWords(settings));
      if (done.some((w) => w.quoted)) return [];
      const named = done.slice(2).flatMap((w) => w.text.split(','));
      return serviceWords(settings, done[1]?.text ?? '', typed, named);
    }
    case 'retry':
      return done.length === 1 ? matching(typed, ['all']) : [];
    default:
      return [];
  }
}

/** The completions of `line` (the text before the cursor), as node's readline `completer` returns them. */
export function completeLine(source: CompletionSource, line: string): [string[], string] {
  const split = splitForCompletion(line);
  if (!split) return [[], ''];
  const { done, current } = split;
  const first = done[0]?.text.toLowerCase();
  if (first === undefined)
    return [matching(current, [...SUBCOMMANDS, ...systemWords(source.settings), ...SHELL_WORDS]), current];
  const id: SubcommandId | undefined = (SUBCOMMANDS as readonly string[]).includes(first)
    ? (first as SubcommandId)
    : findSystem(source.settings.catalog, first)
      ? 'change'
      : undefined;
  if (!id) return [[], current];
  if (current.startsWith('-')) return [optionWords(id, current), current];
  const previous = done.at(-1)?.text.toLowerCase();
  if (previous === '--template')
    return [
      matching(
        current,
        source.settings.templates.map((t) => t.name),
      ),
      current,
    ];
  // Any other option takes a value (a time, tags, a number) that has nothing to complete.
  if (done.some((w) => !w.quoted && w.text.startsWith('--'))) return [[], current];
  const words =
    id === 'change'
      ? changeWords(source.settings, done, current)
      : subcommandWords(id, source, done, current);
  return [words, current];
}
