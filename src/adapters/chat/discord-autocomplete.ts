// /status's autocomplete: systems, services of the chosen system, open incidents, templates. Read-only, and
// answered at once (Discord shows the choices while the person types), so not through the inbox.

import {
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandOptionChoice,
  ApplicationCommandOptionType,
} from 'discord-api-types/v10';
import { type CoreSettings, findSystem, serviceOf } from '../../bot/catalog.js';
import type { Actor } from '../../bot/types.js';
import type { ChatCommands } from './chat-core.js';
import { templateChoices } from './discord-commands.js';

const AUTOCOMPLETE_MAX = 25;
const CHOICE_MAX = 100;

type Choice = APIApplicationCommandOptionChoice<string>;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/** The subcommand and its option values, by name. */
export function subcommandOf(options: readonly APIApplicationCommandInteractionDataOption[] | undefined): {
  name: string;
  values: Map<string, string | number | boolean>;
  focused: { name: string; value: string } | null;
} | null {
  // Read defensively: the body is signed, not trusted (any shape may come).
  const sub: unknown = Array.isArray(options) ? options[0] : undefined;
  if (!isObject(sub) || sub.type !== ApplicationCommandOptionType.Subcommand || typeof sub.name !== 'string')
    return null;
  const values = new Map<string, string | number | boolean>();
  let focused: { name: string; value: string } | null = null;
  const given: unknown[] = Array.isArray(sub.options) ? sub.options : [];
  for (const o of given as APIApplicationCommandInteractionDataOption[]) {
    if (!isObject(o) || typeof o.name !== 'string' || !('value' in o)) continue;
    // A value of the wrong type is refused by name in discord-commands.ts.
    values.set(o.name, o.value as string | number | boolean);
    if ('focused' in o && o.focused) focused = { name: o.name, value: String(o.value) };
  }
  return { name: sub.name, values, focused };
}

const norm = (s: string) => s.trim().toLowerCase();
const matches = (typed: string, words: readonly string[]) =>
  typed === '' || words.some((w) => norm(w).includes(typed));

export function createAutocomplete(settings: CoreSettings, core: ChatCommands) {
  function systemChoices(typed: string): Choice[] {
    const t = norm(typed);
    return settings.catalog.systems
      .filter((s) => matches(t, [s.id, s.name, ...s.aliases]))
      .map((s) => ({ name: `${s.name} (${s.id})`, value: s.id }));
  }

  /** Services of the chosen system (all of them if none is chosen yet), completing the last of a list. */
  function serviceChoices(systemWord: string | undefined, typed: string): Choice[] {
    const system = systemWord ? findSystem(settings.catalog, systemWord) : undefined;
    const pieces = typed.split(',');
    const last = norm(pieces.pop() ?? '');
    const before = pieces.map((p) => p.trim()).filter(Boolean);
    const ids = system ? system.services : settings.catalog.services.map((s) => s.id);
    const choices = ids
      .map((id) => serviceOf(settings.catalog, id))
      .filter((s) => !before.includes(s.id) && matches(last, [s.id, s.name, ...s.aliases]))
      .map((s) => {
        const value = [...before, s.id].join(',');
        return { name: `${value} (${s.name})`, value };
      });
    if (!before.length && matches(last, ['all']))
      choices.push({ name: 'all (every service it runs)', value: 'all' });
    return choices;
  }

  function incidentChoices(actor: Actor, typed: string): Choice[] {
    const listed = core.handle({ text: 'list', actor });
    if (listed.kind !== 'list') return [];
    const t = norm(typed).replace(/^#/, '');
    return listed.incidents
      .filter((i) => matches(t, [String(i.id), i.title]))
      .map((i) => ({ name: `#${i.id} ${i.title}`, value: String(i.id) }));
  }

  /** The choices for the focused option, clipped to Discord's limits. */
  return (
    options: readonly APIApplicationCommandInteractionDataOption[] | undefined,
    actor: Actor,
  ): Choice[] => {
    const sub = subcommandOf(options);
    const focused = sub?.focused;
    let choices: Choice[] = [];
    if (sub && focused) {
      const system = sub.values.get('system');
      if (focused.name === 'system') choices = systemChoices(focused.value);
      else if (focused.name === 'services')
        choices = serviceChoices(system === undefined ? undefined : String(system), focused.value);
      else if (focused.name === 'incident') choices = incidentChoices(actor, focused.value);
      // More templates than Discord's 25 choices are registered for autocomplete instead.
      else if (focused.name === 'template') choices = templateChoices(settings.templates, focused.value);
    }
    return choices.slice(0, AUTOCOMPLETE_MAX).map((c) => ({
      name: c.name.length > CHOICE_MAX ? `${c.name.slice(0, CHOICE_MAX - 1)}…` : c.name,
      value: c.value.slice(0, CHOICE_MAX),
    }));
  };
}
