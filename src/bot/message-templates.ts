// Canned messages: named templates from the configuration (`/status nc018 smtp down --template spam`), their
// placeholder syntax, and filling them. Pure. Parsing checks a template against what the command can fill;
// decide fills it, once the incident an update or resolve names is known.

import { type Catalog, serviceOf, systemOf } from './catalog.js';
import type { MessageSource } from './command.js';
import { TITLE_LIMIT } from './command-spec.js';
import { accept, type Result, refuse } from './refusal.js';
import { joinNames } from './titles.js';
import type { ComponentKey } from './types.js';

/** A configured template: `templates.spam` in herald.config.yaml. */
export interface MessageTemplate {
  name: string;
  /** Shown in `help templates` and as Discord's choice; the start of the message when not configured. */
  description: string | null;
  message: string;
  /** A title instead of the one Herald writes, as `--title` gives one (which wins over it). */
  title: string | null;
  /** Tags every post made with it carries, besides those of `--tag`. */
  tags: string[];
}

/** A template chosen on a command, with the values known when it was read. */
export interface TemplateUse {
  name: string;
  message: string;
  title: string | null;
  /** `--with` values, and the placeholders the command's own words fill (`time`, and a change's system). */
  values: Readonly<Record<string, string>>;
}

/** Placeholders Herald fills itself; any other name is filled with `--with NAME=VALUE`. */
export const BUILTIN_PLACEHOLDERS = {
  system: 'the system’s name: `NC018`',
  server: '`server NC018` for a server, the name alone for a platform (`Email`)',
  service: 'the services’ names: `SMTP`, `SMTP and IMAP`',
  services: 'the same as {service}',
  state: 'the new state: `down`, `degraded`, `maintenance` or `operational` (not for `update`)',
  time: 'the event time (`--at`, or when the command was sent): `22:13 UTC`, shown with the client zones',
  incident: 'the incident’s number: `42` (`update` and `resolve` only)',
} as const;

export type BuiltinPlaceholder = keyof typeof BUILTIN_PLACEHOLDERS;

export const isBuiltin = (name: string): name is BuiltinPlaceholder =>
  Object.hasOwn(BUILTIN_PLACEHOLDERS, name);

/** What a placeholder's name may be: lowercase letters, digits, `-` and `_`, starting with a letter. */
export const PLACEHOLDER_NAME = /^[a-z][a-z0-9_-]*$/;

type Part = string | { placeholder: string };

export type TemplateSyntax = { ok: true; parts: Part[] } | { ok: false; problem: string };

/**
 * `{name}` is a placeholder; `{{` and `}}` are a literal brace. Any other brace is a mistake, named with what
 * was probably meant.
 */
export function parseTemplateText(text: string): TemplateSyntax {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if ((c === '{' && next === '{') || (c === '}' && next === '}')) {
      literal += c;
      i += 2;
      continue;
    }
    if (c === '}') {
      return { ok: false, problem: `a "}" at character ${i + 1} closes nothing; write "}}" for a brace` };
    }
    if (c !== '{') {
      literal += c;
      i++;
      continue;
    }
    const close = text.indexOf('}', i);
    const inner = close < 0 ? '' : text.slice(i + 1, close);
    if (close < 0 || inner.includes('{')) {
      return {
        ok: false,
        problem: `the "{" at character ${i + 1} is never closed; write {name} for a placeholder or "{{" for a brace`,
      };
    }
    if (!PLACEHOLDER_NAME.test(inner)) {
      const meant = inner.trim().toLowerCase().replace(/\s+/g, '_');
      const hint = PLACEHOLDER_NAME.test(meant) ? `write {${meant}}` : 'write {name}';
      return {
        ok: false,
        problem:
          `"{${inner}}" is not a placeholder: ${hint} (lowercase letters, digits, "-" and "_", starting with a letter), ` +
          'or "{{" and "}}" for braces',
      };
    }
    if (literal) parts.push(literal);
    literal = '';
    parts.push({ placeholder: inner });
    i = close + 1;
  }
  if (literal) parts.push(literal);
  return { ok: true, parts };
}

const partsOf = (text: string): Part[] => {
  const parsed = parseTemplateText(text);
  // The configuration is checked at start, so a template in use always parses.
  if (!parsed.ok) throw new Error(`template text does not parse: ${parsed.problem}`);
  return parsed.parts;
};

/** The placeholders of a template's message and title, each once, in the order they appear. */
export function placeholdersOf(template: Pick<MessageTemplate, 'message' | 'title'>): string[] {
  const names = [template.message, template.title ?? ''].flatMap((t) =>
    partsOf(t).flatMap((p) => (typeof p === 'string' ? [] : [p.placeholder])),
  );
  return [...new Set(names)];
}

/** The template's text with every placeholder replaced, in one pass: a value is never read as a template. */
export function fillText(text: string, values: Readonly<Record<string, string>>): string {
  return partsOf(text)
    .map((p) => {
      if (typeof p === 'string') return p;
      const value = values[p.placeholder];
      if (value === undefined) throw new Error(`placeholder {${p.placeholder}} has no value`);
      return value;
    })
    .join('');
}

export function missingPlaceholders(
  template: Pick<MessageTemplate, 'message' | 'title'>,
  values: Readonly<Record<string, string>>,
): string[] {
  return placeholdersOf(template).filter((n) => !Object.hasOwn(values, n));
}

/** `{eta}`, `{eta} and {cause}`. */
export const listPlaceholders = (names: readonly string[]): string => joinNames(names.map((n) => `{${n}}`));

/** `22:13 UTC`: the site and the feeds follow it with the client zones, as they do any time typed so. */
export function templateTime(at: number): string {
  return `${new Date(at).toISOString().slice(11, 16)} UTC`;
}

/** {system}, {server}, {service} and {services} of some components, grouped as titles group them. */
export function componentValues(
  catalog: Catalog,
  components: readonly ComponentKey[],
): Record<string, string> {
  const systems = [...new Set(components.map((c) => c.system))].map((id) => systemOf(catalog, id));
  if (systems.length === 0) return {};
  const services = systems.flatMap((sys) =>
    sys.services.filter((s) => components.some((c) => c.system === sys.id && c.service === s)),
  );
  const names = joinNames([...new Set(services.map((s) => serviceOf(catalog, s).name))]);
  return {
    system: joinNames(systems.map((s) => s.name)),
    server: joinNames(systems.map((s) => (s.kind === 'server' ? `server ${s.name}` : s.name))),
    service: names,
    services: names,
  };
}

/** Looks a template up by name, ignoring case. */
export function findTemplate(
  templates: readonly MessageTemplate[],
  name: string,
): MessageTemplate | undefined {
  const n = name.trim().toLowerCase();
  return templates.find((t) => t.name === n);
}

/** One line about a template: its description, or the start of its message. */
export function describeTemplate(t: MessageTemplate, max = 80): string {
  const text = (t.description ?? t.message).replace(/\s+/g, ' ').trim();
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

export interface FilledMessage {
  text: string;
  /** The template's title, filled; null for a typed message or a template without one. */
  title: string | null;
  /** The template used, for the answer's notes. */
  template: string | null;
}

/**
 * A message as it will be posted: typed text as it is, or a template filled with what the command gave and
 * `more` (what decide knows: the incident). `lacking` says why a placeholder is still empty
 * (`incident #7 has no components`).
 */
export function fillMessage(
  source: MessageSource,
  more: Readonly<Record<string, string>>,
  limits: { messageLimit: number },
  lacking: string,
): Result<FilledMessage> {
  if (typeof source === 'string') return accept({ text: source, title: null, template: null });
  const values = { ...more, ...source.values };
  const missing = missingPlaceholders(source, values);
  if (missing.length > 0) {
    return refuse(
      'unfilled_placeholder',
      `template \`${source.name}\` needs ${listPlaceholders(missing)}, and ${lacking}: write the message in quotes instead.`,
    );
  }
  const text = fillText(source.message, values).trim();
  const length = [...text].length;
  if (length > limits.messageLimit) {
    return refuse(
      'message_too_long',
      `template \`${source.name}\` filled is ${nf.format(length)} characters; the limit is ${nf.format(limits.messageLimit)}.`,
    );
  }
  const title = source.title === null ? null : fillText(source.title, values).trim();
  if (title !== null && (/[\r\n]/.test(title) || [...title].length > TITLE_LIMIT)) {
    return refuse(
      'option_value',
      `template \`${source.name}\`'s title, filled, must be one line of at most ${TITLE_LIMIT} characters: shorten the --with values.`,
    );
  }
  return accept({ text, title, template: source.name });
}

const nf = new Intl.NumberFormat('en-US');
