// What a proposal says: the command staff would type for an alert group, in the provider's voice from the
// component's template, and the post exactly as the core would publish it (parsed and decided like a typed
// command, in a read-only view: the same title, the same text). Times are written `21:39 UTC`; the board
// text carries the client zones after them, as the site and the feeds show them.

import type { CoreSettings } from '../bot/catalog.js';
import { type DecideContext, decide, type StateView } from '../bot/decide.js';
import { componentValues, fillText, templateTime } from '../bot/message-templates.js';
import { parseCommand } from '../bot/parse-command.js';
import type { Actor, ComponentKey, ComponentState, Incident } from '../bot/types.js';
import { annotateTimes } from '../templates/time.js';
import { type ComponentTemplates, DEFAULT_MESSAGES } from './monitors-config.js';

/** Who decide() is told drafted the command (nothing is written in its name). */
export const MONITOR_ACTOR: Actor = { platform: 'herald', id: 'monitors', name: 'Herald' };

/** The longest alert summary a message takes in: the rest of the alert stays in the monitor. */
export const SUMMARY_LIMIT = 200;

/**
 * An alert's own words (a label or annotation value, a hook's message) as they may enter a public post:
 * plain words and common punctuation only. Markup (`<b>`, `<!channel>`), mentions (`@everyone`), links,
 * control and invisible characters are dropped (a link with its address), whitespace is one space, and it is bounded. The outlets
 * escape what they publish anyway; this keeps a monitor from speaking for the provider in anything but
 * plain words, and from pinging anyone.
 */
export function plainWords(text: string, limit = SUMMARY_LIMIT): string {
  const kept = text
    .normalize('NFKC')
    .replace(/[a-z][a-z0-9+.-]*:\/\/\S*/giu, ' ')
    .replace(/[^\p{L}\p{N}\s.,:;()'’%+=/-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...kept];
  return chars.length <= limit
    ? kept
    : `${chars
        .slice(0, limit - 1)
        .join('')
        .trimEnd()}…`;
}

/** What the templates know of an alert group. */
export interface GroupFacts {
  components: ComponentKey[];
  state: 'down' | 'degraded';
  alertCount: number;
  /** The first firing alert's summary (plainWords), or its alert name. */
  summary: string;
  firingSince: number;
}

export type DraftKind =
  /** Opens an outage: `nc018 smtp down "…"`. */
  | { kind: 'open' }
  /** An update to the component's open incident instead. */
  | { kind: 'update'; incident: Incident }
  /** The "back up" post: resolves the open incident. */
  | { kind: 'resolve'; incident: Incident; at: number };

export interface Drafted {
  command: string;
  title: string;
  /** The post's text as the site shows it: times followed by the client zones. */
  text: string;
  state: ComponentState;
  incidentId: number | null;
}

const quoted = (text: string): string => `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
/**
 * ` --at 2026-12-03T21:39:05Z`: the event time, to the second, never before `notBefore` (when the incident
 * opened: the core refuses an earlier one); left out when that would be in the future.
 */
function atOption(at: number, notBefore: number, now: number): string {
  const exact = Math.max(at, notBefore);
  const down = Math.floor(exact / 1000) * 1000;
  const t = down >= notBefore ? down : down + 1000;
  return t > now ? '' : ` --at ${new Date(t).toISOString().slice(0, 19)}Z`;
}

/** One system's components: a change command names one system (the one with the most alerting services). */
export function oneSystem(components: readonly ComponentKey[]): ComponentKey[] {
  const counts = new Map<string, number>();
  for (const c of components) counts.set(c.system, (counts.get(c.system) ?? 0) + 1);
  const [system] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
  return components.filter((c) => c.system === system);
}

/** The message, filled from the template: {system} {server} {services} {service} {state} {time} {summary} {count}. */
function message(
  settings: CoreSettings,
  template: string,
  facts: GroupFacts,
  components: readonly ComponentKey[],
  state: string,
  at: number,
): string {
  return fillText(template, {
    ...componentValues(settings.catalog, components),
    state,
    time: templateTime(at),
    summary: facts.summary,
    count: String(facts.alertCount),
  }).trim();
}

/**
 * Drafts the command and reads it back through the core: parseCommand and decide, in `view` (a read-only
 * transaction), so the title and text are what publishing it would post. A string: why the core refuses it.
 */
export function draftProposal(options: {
  settings: CoreSettings;
  templates: ComponentTemplates;
  facts: GroupFacts;
  kind: DraftKind;
  view: StateView;
  now: number;
}): Drafted | string {
  const { settings, templates, facts, kind, view, now } = options;
  const components = kind.kind === 'open' ? oneSystem(facts.components) : facts.components;
  let command: string;
  let state: ComponentState;
  if (kind.kind === 'resolve') {
    const text = message(
      settings,
      templates.resolved,
      facts,
      kind.incident.components.length ? kind.incident.components : components,
      'operational',
      kind.at,
    );
    command = `resolve ${kind.incident.id} ${quoted(text)}${atOption(kind.at, kind.incident.openedAt, now)}`;
    state = 'operational';
  } else {
    const template = templates.message || DEFAULT_MESSAGES[facts.state];
    const text = message(settings, template, facts, components, facts.state, facts.firingSince);
    const title = templates.title
      ? ` --title ${quoted(fillText(templates.title, { ...componentValues(settings.catalog, components), state: facts.state, time: templateTime(facts.firingSince), summary: facts.summary, count: String(facts.alertCount) }).trim())}`
      : '';
    const at = atOption(facts.firingSince, kind.kind === 'update' ? kind.incident.openedAt : 0, now);
    if (kind.kind === 'update') {
      command = `update ${kind.incident.id} ${quoted(text)}${at}${title}`;
    } else {
      const system = components[0]?.system ?? '';
      command = `${system} ${components.map((c) => c.service).join(',')} ${facts.state} ${quoted(text)}${at}${title}`;
    }
    state = facts.state;
  }
  const parsed = parseCommand(command, { settings, now });
  if (!parsed.ok) return parsed.message;
  const cmd = parsed.value;
  if (
    cmd.kind === 'list' ||
    cmd.kind === 'help' ||
    cmd.kind === 'deliveries' ||
    cmd.kind === 'retry' ||
    cmd.kind === 'subscribers' ||
    cmd.kind === 'proposals'
  ) {
    return 'not a command that writes';
  }
  const ctx: DecideContext = { now, actor: MONITOR_ACTOR, settings, text: command };
  const decided = decide(cmd, view, ctx);
  if (!decided.ok) return decided.message;
  const post = decided.value.change.post;
  if (!post) return 'the command writes no post';
  return {
    command,
    title: post.title,
    text: annotateTimes(post.text, { written: now, event: post.eventAt }, settings.zones),
    state,
    incidentId: kind.kind === 'open' ? null : kind.incident.id,
  };
}
