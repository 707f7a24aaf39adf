// The decisions: given a command, what the store holds now, and the time, what changes — or why not.
// Pure: no clock, no I/O; the store view is read-only and the caller runs this inside one transaction.

import type { CoreSettings } from './catalog.js';
import type { Command, IncidentRef, MessageSource, PostRef, ReadTime } from './command.js';
import { componentValues, type FilledMessage, fillMessage } from './message-templates.js';
import { formatUtc } from './parse-time.js';
import type { Change, IncidentPatch, NewPost, StateRepository } from './ports.js';
import { accept, type Result, refuse } from './refusal.js';
import { cancelledTitle, completedTitle, componentTitle, updateTitle } from './titles.js';
import type { Actor, ComponentKey, ComponentState, Incident, Post } from './types.js';

/** The commands that write a post, a correction or a retraction. */
export type WritingCommand = Exclude<
  Command,
  { kind: 'list' | 'help' | 'deliveries' | 'retry' | 'subscribers' | 'proposals' }
>;
export type StateView = Omit<StateRepository, 'apply'>;

export interface DecideContext {
  now: number;
  actor: Actor;
  settings: CoreSettings;
  /** The command as typed, for the audit row. */
  text: string;
}

export interface Decision {
  change: Change;
  /** Things the user should know about how the command was taken. */
  notes: string[];
}

const keyOf = (c: ComponentKey): string => `${c.system}/${c.service}`;
const hasKey = (list: readonly ComponentKey[], k: ComponentKey): boolean =>
  list.some((x) => x.system === k.system && x.service === k.service);
const unionKeys = (a: readonly ComponentKey[], b: readonly ComponentKey[]): ComponentKey[] => [
  ...a,
  ...b.filter((k) => !hasKey(a, k)),
];
const unionTags = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])];
const ref = (i: Incident): string => `#${i.id}`;
const describe = (keys: readonly ComponentKey[]): string =>
  keys.map((k) => `${k.system} ${k.service}`).join(', ');

const ACTIVE = new Set(['open', 'scheduled', 'in_progress']);
/** Severity, to keep an outage's impact at its worst state. */
const SEVERITY: Record<ComponentState, number> = { operational: 0, maintenance: 1, degraded: 2, down: 3 };

/**
 * What a component shows when an outage and a maintenance meet: the outage's state if it is worse than
 * maintenance (down and degraded win: that is what clients need to know), else maintenance while one is in
 * progress on it.
 */
const shown = (outageState: ComponentState, maintained: boolean): ComponentState =>
  maintained && SEVERITY[outageState] < SEVERITY.maintenance ? 'maintenance' : outageState;

/** The part of a component's state an outage gives it: maintenance is not an outage's. */
const outagePart = (state: ComponentState): ComponentState =>
  state === 'down' || state === 'degraded' ? state : 'operational';

/** Whether a maintenance other than `except` is in progress on component `k`. */
const maintainedBy = (view: StateView, k: ComponentKey, except: number | null): boolean =>
  view
    .activeIncidents()
    .some(
      (i) =>
        i.kind === 'maintenance' && i.status === 'in_progress' && i.id !== except && hasKey(i.components, k),
    );

/** Each component's current state, operational when never set. */
function statesOf(view: StateView): (k: ComponentKey) => ComponentState {
  const states = new Map(view.components().map((c) => [keyOf(c), c.state]));
  return (k) => states.get(keyOf(k)) ?? 'operational';
}

/** `nc026 web in #2; nc026 mysql in #3`: each incident with only the components of `keys` it holds. */
const overlapOf = (incidents: readonly Incident[], keys: readonly ComponentKey[]): string =>
  incidents.map((i) => `${describe(keys.filter((k) => hasKey(i.components, k)))} in ${ref(i)}`).join('; ');

/**
 * A post's event time, or the close it makes, may not come before its incident opened (nor, for a
 * maintenance in progress, before it started): the page would say "Opened 16:06, Closed 16:05".
 */
function checkNotBefore(incident: Incident, at: ReadTime | null, what: string): Result<true> {
  if (at === null) return accept(true);
  const started = incident.kind === 'maintenance' && incident.status === 'in_progress';
  const from = started && incident.startsAt !== null ? incident.startsAt : incident.openedAt;
  if (at.at >= from) return accept(true);
  const opened = started ? 'started' : incident.kind === 'maintenance' ? 'was announced' : 'opened';
  return refuse(
    'before_open',
    `${what} at ${formatUtc(at.at)} (--at ${at.input}) is before ${ref(incident)} ${opened} at ${formatUtc(from)}: ` +
      'give a time at or after that, or leave --at out; nothing was recorded',
  );
}

export function decide(cmd: WritingCommand, view: StateView, ctx: DecideContext): Result<Decision> {
  switch (cmd.kind) {
    case 'change':
      return decideChange(cmd, view, ctx);
    case 'update':
      return decideUpdate(cmd, view, ctx);
    case 'resolve':
      return decideResolve(cmd, view, ctx);
    case 'cancel':
      return decideCancel(cmd, view, ctx);
    case 'maintenance':
      return decideMaintenance(cmd, view, ctx);
    case 'notice':
      return decideNotice(cmd, ctx);
    case 'edit':
    case 'retract':
      return decidePostFix(cmd, view, ctx);
  }
}

function baseChange(cmd: WritingCommand, ctx: DecideContext): Pick<Change, 'kind' | 'audit' | 'outlets'> {
  return {
    kind: cmd.kind,
    outlets: [...ctx.settings.outlets],
    audit: { at: ctx.now, actor: ctx.actor, text: ctx.text, result: 'ok', code: cmd.kind },
  };
}

function newPost(
  ctx: DecideContext,
  fields: {
    number: number;
    title: string;
    text: string;
    tags: string[];
    eventAt: number | null;
    nextUpdateAt?: number;
  },
  state: ComponentState | null,
): NewPost {
  return { ...fields, author: ctx.actor.name, publishedAt: ctx.now, state };
}

/**
 * The post's promised next update (`--next`), still to come at the time of the write: parsing refused a
 * past one, but a preview may be published after its promised time.
 */
function promiseOf(next: ReadTime | undefined, ctx: DecideContext): Result<{ nextUpdateAt?: number }> {
  if (!next) return accept({});
  if (next.at <= ctx.now) {
    return refuse(
      'past_time',
      `the next update was promised by ${formatUtc(next.at)} (--next ${next.input}), which is not in the future ` +
        `(it is now ${formatUtc(ctx.now)}): give a later --next`,
    );
  }
  return accept({ nextUpdateAt: next.at });
}

/** `--next` on a post that closes its incident: nothing is left to update. */
const noPromiseOnClose = (what: string): Result<never> =>
  refuse(
    'promise_on_close',
    `${what}, so there is no next update to promise: leave --next out (or keep the incident open with \`update <incident> "…" --next TIME\`)`,
  );

function resolveIncident(r: IncidentRef, view: StateView): Result<Incident> {
  if (r.by === 'number') {
    const found = view.incident(r.number);
    return found ? accept(found) : refuse('unknown_incident', `there is no incident #${r.number}`);
  }
  const key = { system: r.system, service: r.service };
  const matches = view.activeIncidents().filter((i) => hasKey(i.components, key));
  const [only, ...rest] = matches;
  if (!only) return refuse('unknown_incident', `no incident is open on ${r.system} ${r.service}`);
  if (rest.length) {
    return refuse(
      'ambiguous_incident',
      `${matches.length} incidents are open on ${r.system} ${r.service} (${matches.map(ref).join(', ')}): give the number, e.g. \`update ${only.id} "…"\``,
    );
  }
  return accept(only);
}

function requireActive(incident: Incident): Result<Incident> {
  if (ACTIVE.has(incident.status)) return accept(incident);
  return refuse(
    'incident_closed',
    `incident ${ref(incident)} ("${incident.title}") is ${incident.status}; open a new one instead`,
  );
}

/** The incident a command names, if it is still open (or scheduled, or in progress). */
function openIncident(r: IncidentRef, view: StateView): Result<Incident> {
  const found = resolveIncident(r, view);
  return found.ok ? requireActive(found.value) : found;
}

function nextNumber(incident: Incident, given: number | null): Result<number> {
  if (given === null) return accept(incident.lastNumber + 1);
  if (given <= incident.lastNumber) {
    return refuse(
      'bad_number',
      `incident ${ref(incident)} is already at update ${incident.lastNumber}; --number must be more than that`,
    );
  }
  return accept(given);
}

/** A template's note for the answer: which one made the message. */
const templateNotes = (filled: FilledMessage): string[] =>
  filled.template ? [`message from template "${filled.template}"`] : [];

const withNotes = (decision: Result<Decision>, notes: readonly string[]): Result<Decision> =>
  decision.ok ? accept({ ...decision.value, notes: [...notes, ...decision.value.notes] }) : decision;

/** `<system> <services> <state> "<message>"` or `--template`: the command's words filled the template. */
function decideChange(
  cmd: Extract<WritingCommand, { kind: 'change' }>,
  view: StateView,
  ctx: DecideContext,
): Result<Decision> {
  const filled = fillMessage(cmd.message, {}, ctx.settings, 'the command does not give it');
  if (!filled.ok) return filled;
  const { text, title } = filled.value;
  return withNotes(
    decideTypedChange({ ...cmd, message: text, title: cmd.title ?? title }, view, ctx),
    templateNotes(filled.value),
  );
}

/**
 * Opens, updates or closes the story about those components. An outage (down, degraded, up) goes to the
 * open outage on them, whatever maintenance is scheduled or running there: a maintenance does not hold its
 * components, and down wins over maintenance on the page. `up` with no outage open completes the
 * maintenance in progress on them; `maintenance` starts or updates the maintenance on them.
 */
function decideTypedChange(
  cmd: Extract<WritingCommand, { kind: 'change' }> & { message: string },
  view: StateView,
  ctx: DecideContext,
): Result<Decision> {
  const keys: ComponentKey[] = cmd.services.map((service) => ({ system: cmd.system, service }));
  const touches = (i: Incident) => i.components.some((k) => hasKey(keys, k));
  const active = view.activeIncidents().filter(touches);
  const outages = active.filter((i) => i.kind === 'outage');
  const maintenances = active.filter((i) => i.kind === 'maintenance');
  const running = maintenances.filter((i) => i.status === 'in_progress');
  const candidates =
    cmd.state === 'maintenance'
      ? maintenances
      : cmd.state === 'operational' && outages.length === 0
        ? running
        : outages;
  if (candidates.length > 1) {
    const words = cmd.state === 'maintenance' ? 'maintenance' : 'open incidents';
    return refuse(
      'ambiguous_incident',
      `more than one ${words} holds those components (${overlapOf(candidates, keys)}): use \`update <number> "…"\` or \`resolve <number> "…"\``,
    );
  }
  const incident = candidates[0];
  if (incident) {
    const early = checkNotBefore(incident, cmd.at, 'the event time');
    if (!early.ok) return early;
  }
  const promise = promiseOf(cmd.next, ctx);
  if (!promise.ok) return promise;
  if (cmd.state === 'operational') return decideUp(cmd, keys, incident, view, ctx, promise.value);
  if (cmd.state === 'maintenance') return decideMaintenanceChange(cmd, incident, view, ctx);
  return decideOutage({ ...cmd, state: cmd.state }, keys, incident, view, ctx, promise.value);
}

type TypedChange = Extract<WritingCommand, { kind: 'change' }> & { message: string };

/** `up`: closes the outage (or completes the maintenance in progress) once all of its components are back. */
function decideUp(
  cmd: TypedChange,
  keys: ComponentKey[],
  incident: Incident | undefined,
  view: StateView,
  ctx: DecideContext,
  promised: { nextUpdateAt?: number },
): Result<Decision> {
  const { settings } = ctx;
  const base = baseChange(cmd, ctx);
  const eventAt = cmd.at?.at ?? null;
  const when = eventAt ?? ctx.now;
  if (!incident) {
    if (cmd.next) {
      return noPromiseOnClose(
        `no incident is open on ${describe(keys)}: this records an outage that is already over`,
      );
    }
    const title = cmd.title ?? componentTitle(settings.titles, settings.catalog, 'restored', keys);
    return accept({
      change: {
        ...base,
        incident: {
          create: {
            kind: 'outage',
            status: 'resolved',
            title,
            tags: cmd.tags,
            components: keys,
            impact: 'down',
            openedAt: when,
            closedAt: when,
            startsAt: null,
            endsAt: null,
            lastNumber: 1,
          },
        },
        post: newPost(ctx, { number: 1, title, text: cmd.message, tags: cmd.tags, eventAt }, 'operational'),
        edit: null,
        retract: null,
        // A maintenance in progress on one of them keeps it in maintenance.
        components: keys.map((k) => ({ ...k, state: shown('operational', maintainedBy(view, k, null)) })),
      },
      notes: [`no incident was open on ${describe(keys)}: recorded as an outage that is already over`],
    });
  }
  const current = statesOf(view);
  const isMaintenance = incident.kind === 'maintenance';
  // What this incident itself holds each of its components at: an outage its outage part, a maintenance
  // maintenance, until this command brings them back.
  const held = (k: ComponentKey): ComponentState =>
    hasKey(keys, k) ? 'operational' : isMaintenance ? 'maintenance' : outagePart(current(k));
  const after = incident.components.map((k) => ({ ...k, state: held(k) }));
  const allBack = after.every((c) => c.state === 'operational');
  const number = incident.lastNumber + 1;
  const title =
    cmd.title ??
    (allBack
      ? isMaintenance
        ? completedTitle(settings.titles, incident.title)
        : componentTitle(settings.titles, settings.catalog, 'restored', incident.components)
      : updateTitle(settings.titles, incident.title, number));
  const patch: IncidentPatch = { lastNumber: number, tags: unionTags(incident.tags, cmd.tags) };
  if (allBack) {
    if (cmd.next) {
      return noPromiseOnClose(
        `this closes incident ${ref(incident)}: all of its components are operational again`,
      );
    }
    patch.status = isMaintenance ? 'completed' : 'resolved';
    patch.closedAt = when;
  }
  const back = keys.filter((k) => hasKey(incident.components, k));
  const components = back.map((k) => ({
    ...k,
    state: isMaintenance
      ? shown(outagePart(current(k)), maintainedBy(view, k, incident.id))
      : shown('operational', maintainedBy(view, k, null)),
  }));
  const stillMaintained = components.filter((c) => c.state === 'maintenance');
  return accept({
    change: {
      ...base,
      incident: { id: incident.id, patch },
      post: newPost(
        ctx,
        { number, title, text: cmd.message, tags: cmd.tags, eventAt, ...promised },
        'operational',
      ),
      edit: null,
      retract: null,
      components,
    },
    notes: [
      allBack
        ? `incident ${ref(incident)} is ${patch.status}: all of its components are operational`
        : `incident ${ref(incident)} stays open: ${describe(after.filter((c) => c.state !== 'operational'))} not back yet`,
      ...(stillMaintained.length
        ? [`${describe(stillMaintained)} ${stillMaintained.length > 1 ? 'stay' : 'stays'} in maintenance`]
        : []),
    ],
  });
}

/** `maintenance` as a state: starts the scheduled maintenance on them, posts to the running one, or starts one now. */
function decideMaintenanceChange(
  cmd: TypedChange,
  incident: Incident | undefined,
  view: StateView,
  ctx: DecideContext,
): Result<Decision> {
  if (incident && incident.status !== 'scheduled') {
    // Already in progress: this is an update of that maintenance.
    return decideUpdate(
      {
        kind: 'update',
        incident: { by: 'number', number: incident.id },
        message: cmd.message,
        at: cmd.at,
        ...(cmd.next ? { next: cmd.next } : {}),
        tags: cmd.tags,
        title: cmd.title,
        number: null,
      },
      view,
      ctx,
    );
  }
  return decideMaintenance(
    {
      kind: 'maintenance',
      system: cmd.system,
      services: cmd.services,
      message: cmd.message,
      start: { at: cmd.at?.at ?? ctx.now, input: cmd.at?.input ?? 'now' },
      end: null,
      ...(cmd.next ? { next: cmd.next } : {}),
      tags: cmd.tags,
      title: cmd.title,
    },
    view,
    ctx,
    incident,
  );
}

/** down or degraded: opens an outage, or adds to the one open on them. */
function decideOutage(
  cmd: TypedChange & { state: 'down' | 'degraded' },
  keys: ComponentKey[],
  incident: Incident | undefined,
  view: StateView,
  ctx: DecideContext,
  promised: { nextUpdateAt?: number },
): Result<Decision> {
  const { settings } = ctx;
  const { state } = cmd;
  const base = baseChange(cmd, ctx);
  const eventAt = cmd.at?.at ?? null;
  const when = eventAt ?? ctx.now;
  // Maintenance on them goes on, shown beside the outage: the answer says so.
  const alongside = view
    .activeIncidents()
    .filter((i) => i.kind === 'maintenance' && i.components.some((k) => hasKey(keys, k)));
  const maintenanceNotes = alongside.map(
    (i) =>
      `maintenance ${ref(i)} on ${describe(keys.filter((k) => hasKey(i.components, k)))} is ${i.status === 'scheduled' ? 'still scheduled' : 'still in progress, shown beside this outage'}`,
  );
  const components = keys.map((k) => ({ ...k, state }));
  if (incident) {
    const number = incident.lastNumber + 1;
    const worse = SEVERITY[state] > SEVERITY[incident.impact ?? 'operational'];
    return accept({
      change: {
        ...base,
        incident: {
          id: incident.id,
          patch: {
            lastNumber: number,
            components: unionKeys(incident.components, keys),
            tags: unionTags(incident.tags, cmd.tags),
            ...(worse ? { impact: state } : {}),
          },
        },
        post: newPost(
          ctx,
          {
            number,
            title: cmd.title ?? updateTitle(settings.titles, incident.title, number),
            text: cmd.message,
            tags: cmd.tags,
            eventAt,
            ...promised,
          },
          state,
        ),
        edit: null,
        retract: null,
        components,
      },
      notes: [
        `${describe(keys)} ${keys.length > 1 ? 'are' : 'is'} already in open incident ${ref(incident)}: added update ${number}`,
        ...maintenanceNotes,
      ],
    });
  }
  const title = cmd.title ?? componentTitle(settings.titles, settings.catalog, state, keys);
  return accept({
    change: {
      ...base,
      incident: {
        create: {
          kind: 'outage',
          status: 'open',
          title,
          tags: cmd.tags,
          components: keys,
          impact: state,
          openedAt: when,
          closedAt: null,
          startsAt: null,
          endsAt: null,
          lastNumber: 1,
        },
      },
      post: newPost(
        ctx,
        { number: 1, title, text: cmd.message, tags: cmd.tags, eventAt, ...promised },
        state,
      ),
      edit: null,
      retract: null,
      components,
    },
    notes: maintenanceNotes,
  });
}

function decideUpdate(
  cmd: Extract<WritingCommand, { kind: 'update' }>,
  view: StateView,
  ctx: DecideContext,
): Result<Decision> {
  const active = openIncident(cmd.incident, view);
  if (!active.ok) return active;
  const incident = active.value;
  const early = checkNotBefore(incident, cmd.at, 'the event time');
  if (!early.ok) return early;
  const number = nextNumber(incident, cmd.number);
  if (!number.ok) return number;
  const n = number.value;
  const filled = fillIncidentMessage(cmd.message, incident, ctx);
  if (!filled.ok) return filled;
  const promise = promiseOf(cmd.next, ctx);
  if (!promise.ok) return promise;
  return accept({
    change: {
      ...baseChange(cmd, ctx),
      incident: { id: incident.id, patch: { lastNumber: n, tags: unionTags(incident.tags, cmd.tags) } },
      post: newPost(
        ctx,
        {
          number: n,
          title: cmd.title ?? filled.value.title ?? updateTitle(ctx.settings.titles, incident.title, n),
          text: filled.value.text,
          tags: cmd.tags,
          eventAt: cmd.at?.at ?? null,
          ...promise.value,
        },
        null,
      ),
      edit: null,
      retract: null,
      components: [],
    },
    notes: templateNotes(filled.value),
  });
}

/** An update's or resolution's message: a template gets the incident's number and components. */
function fillIncidentMessage(
  message: MessageSource,
  incident: Incident,
  ctx: DecideContext,
): Result<FilledMessage> {
  const values = {
    ...componentValues(ctx.settings.catalog, incident.components),
    incident: String(incident.id),
  };
  const lacking = `incident ${ref(incident)} has no components to name (it is a ${incident.kind})`;
  return fillMessage(message, values, ctx.settings, lacking);
}

function decideResolve(
  cmd: Extract<WritingCommand, { kind: 'resolve' }>,
  view: StateView,
  ctx: DecideContext,
): Result<Decision> {
  const active = openIncident(cmd.incident, view);
  if (!active.ok) return active;
  const incident = active.value;
  const { settings } = ctx;
  if (incident.kind === 'maintenance' && incident.status === 'scheduled') {
    // "Completed" for work that never happened would be false everywhere it is published.
    return refuse(
      'not_started',
      `maintenance ${ref(incident)} ("${incident.title}") has not started${incident.startsAt === null ? '' : ` (it is scheduled for ${formatUtc(incident.startsAt)})`}, so it cannot be completed. ` +
        `To call it off, type \`cancel ${incident.id} "<reason>"\`: it is published as cancelled. Nothing was recorded.`,
    );
  }
  const early = checkNotBefore(incident, cmd.at, 'the close');
  if (!early.ok) return early;
  const n = incident.lastNumber + 1;
  // The template's title is not used: a resolution's title says it is over.
  const filled = fillIncidentMessage(cmd.message, incident, ctx);
  if (!filled.ok) return filled;
  const when = cmd.at?.at ?? ctx.now;
  const isMaintenance = incident.kind === 'maintenance';
  const title = isMaintenance
    ? completedTitle(settings.titles, incident.title)
    : incident.kind === 'outage' && incident.components.length
      ? componentTitle(settings.titles, settings.catalog, 'restored', incident.components)
      : updateTitle(settings.titles, incident.title, n);
  const status = isMaintenance ? 'completed' : 'resolved';
  const components = releasedComponents(incident, view);
  const stillMaintained = components.filter((c) => c.state === 'maintenance');
  const stillDown = components.filter((c) => c.state === 'down' || c.state === 'degraded');
  return accept({
    change: {
      ...baseChange(cmd, ctx),
      incident: {
        id: incident.id,
        patch: { lastNumber: n, status, closedAt: when, tags: unionTags(incident.tags, cmd.tags) },
      },
      post: newPost(
        ctx,
        { number: n, title, text: filled.value.text, tags: cmd.tags, eventAt: cmd.at?.at ?? null },
        incident.components.length ? 'operational' : null,
      ),
      edit: null,
      retract: null,
      components,
    },
    notes: [
      ...templateNotes(filled.value),
      `incident ${ref(incident)} is ${status}${incident.components.length ? `: ${describe(incident.components)} operational` : ''}`,
      ...(stillMaintained.length ? [`${describe(stillMaintained)} still in maintenance`] : []),
      ...(stillDown.length ? [`${describe(stillDown)} still in an open outage`] : []),
    ],
  });
}

/**
 * The states an incident's components go to when it closes: what else holds them stays (an outage keeps
 * its components down or degraded, a maintenance in progress keeps them in maintenance).
 */
function releasedComponents(
  incident: Incident,
  view: StateView,
): Array<ComponentKey & { state: ComponentState }> {
  if (incident.kind === 'maintenance' && incident.status !== 'in_progress') return [];
  const current = statesOf(view);
  return incident.components.map((k) => ({
    ...k,
    state:
      incident.kind === 'maintenance'
        ? shown(outagePart(current(k)), maintainedBy(view, k, incident.id))
        : shown('operational', maintainedBy(view, k, null)),
  }));
}

/** `cancel`: a scheduled or running maintenance is called off; published as cancelled, never completed. */
function decideCancel(
  cmd: Extract<WritingCommand, { kind: 'cancel' }>,
  view: StateView,
  ctx: DecideContext,
): Result<Decision> {
  const found = resolveIncident(cmd.incident, view);
  if (!found.ok) return found;
  const incident = found.value;
  if (incident.kind !== 'maintenance') {
    return refuse(
      'not_maintenance',
      `incident ${ref(incident)} ("${incident.title}") is ${incident.kind === 'outage' ? 'an outage' : 'a notice'}, not a maintenance: only maintenance is cancelled. ` +
        `${ACTIVE.has(incident.status) ? `To close it, type \`resolve ${incident.id} "…"\`.` : `It is ${incident.status} already.`} Nothing was recorded.`,
    );
  }
  if (!ACTIVE.has(incident.status)) {
    return refuse(
      'incident_closed',
      `maintenance ${ref(incident)} ("${incident.title}") is ${incident.status} already: nothing to cancel, nothing was recorded`,
    );
  }
  const filled = fillIncidentMessage(cmd.message, incident, ctx);
  if (!filled.ok) return filled;
  const n = incident.lastNumber + 1;
  const wasRunning = incident.status === 'in_progress';
  const components = releasedComponents(incident, view);
  return accept({
    change: {
      ...baseChange(cmd, ctx),
      incident: {
        id: incident.id,
        patch: {
          lastNumber: n,
          status: 'cancelled',
          closedAt: ctx.now,
          tags: unionTags(incident.tags, cmd.tags),
        },
      },
      post: newPost(
        ctx,
        {
          number: n,
          title: cancelledTitle(incident.title),
          text: filled.value.text,
          tags: cmd.tags,
          eventAt: null,
        },
        wasRunning ? 'operational' : null,
      ),
      edit: null,
      retract: null,
      components,
    },
    notes: [
      ...templateNotes(filled.value),
      wasRunning
        ? `maintenance ${ref(incident)} is cancelled: it stopped, ${describe(components.filter((c) => c.state === 'operational')) || 'its components'} back to operational`
        : `maintenance ${ref(incident)} is cancelled: it will not take place, and nothing of its components changed`,
      'Herald will post no reminder, no start and ask no question for it',
    ],
  });
}

function decideMaintenance(
  cmd: Extract<WritingCommand, { kind: 'maintenance' }>,
  view: StateView,
  ctx: DecideContext,
  scheduled?: Incident,
): Result<Decision> {
  const { settings } = ctx;
  const keys: ComponentKey[] = cmd.services.map((service) => ({ system: cmd.system, service }));
  const start = cmd.start.at;
  const end = cmd.end?.at ?? null;
  if (end !== null && end <= start) {
    return refuse(
      'end_before_start',
      `the maintenance would end at ${formatUtc(end)} (--end ${cmd.end?.input ?? ''}), not after it starts at ` +
        `${formatUtc(start)} (--start ${cmd.start.input}): give an --end after the start; nothing was recorded`,
    );
  }
  const started = start <= ctx.now;
  const current = statesOf(view);
  const base = baseChange(cmd, ctx);
  const promise = promiseOf(cmd.next, ctx);
  if (!promise.ok) return promise;
  if (scheduled) {
    const n = scheduled.lastNumber + 1;
    return accept({
      change: {
        ...base,
        incident: {
          id: scheduled.id,
          patch: {
            status: 'in_progress',
            startsAt: start,
            lastNumber: n,
            tags: unionTags(scheduled.tags, cmd.tags),
          },
        },
        post: newPost(
          ctx,
          {
            number: n,
            title: cmd.title ?? updateTitle(settings.titles, scheduled.title, n),
            text: cmd.message,
            tags: cmd.tags,
            eventAt: start,
            ...promise.value,
          },
          'maintenance',
        ),
        edit: null,
        retract: null,
        components: scheduled.components.map((k) => ({ ...k, state: shown(outagePart(current(k)), true) })),
      },
      notes: [`scheduled maintenance ${ref(scheduled)} is now in progress`],
    });
  }
  const clash = view
    .activeIncidents()
    .find(
      (i) =>
        i.kind === 'maintenance' && i.components.some((k) => hasKey(keys, k)) && i.status === 'in_progress',
    );
  if (clash && started) {
    const held = keys.filter((k) => hasKey(clash.components, k));
    return refuse(
      'ambiguous_incident',
      `${describe(held)} ${held.length > 1 ? 'are' : 'is'} already in maintenance ${ref(clash)}; post to it with \`update ${clash.id} "…"\``,
    );
  }
  const title = cmd.title ?? componentTitle(settings.titles, settings.catalog, 'maintenance', keys);
  return accept({
    change: {
      ...base,
      incident: {
        create: {
          kind: 'maintenance',
          status: started ? 'in_progress' : 'scheduled',
          title,
          tags: cmd.tags,
          components: keys,
          impact: 'maintenance',
          openedAt: ctx.now,
          closedAt: null,
          startsAt: start,
          endsAt: end,
          lastNumber: 1,
        },
      },
      post: newPost(
        ctx,
        { number: 1, title, text: cmd.message, tags: cmd.tags, eventAt: null, ...promise.value },
        started ? 'maintenance' : null,
      ),
      edit: null,
      retract: null,
      // Down or degraded stays: an outage on a component in maintenance is what clients need to know.
      components: started ? keys.map((k) => ({ ...k, state: shown(outagePart(current(k)), true) })) : [],
    },
    notes: [started ? 'the maintenance has started: its components are in maintenance' : 'scheduled'],
  });
}

/**
 * Starts scheduled maintenance #`incidentId` at its scheduled start, as typing its maintenance command again
 * would (Herald's scheduler, src/automation/maintenance.ts): in progress, its components in maintenance,
 * and a post saying so, whatever else is open on those components.
 */
export function decideStart(
  incidentId: number,
  message: string,
  view: StateView,
  ctx: DecideContext,
): Result<Decision> {
  const found = openIncident({ by: 'number', number: incidentId }, view);
  if (!found.ok) return found;
  const incident = found.value;
  const [first] = incident.components;
  if (incident.kind !== 'maintenance' || incident.status !== 'scheduled' || !first) {
    return refuse('incident_closed', `incident ${ref(incident)} is not a scheduled maintenance`);
  }
  const cmd: Extract<WritingCommand, { kind: 'maintenance' }> = {
    kind: 'maintenance',
    system: first.system,
    services: incident.components.map((k) => k.service),
    message,
    start: { at: incident.startsAt ?? ctx.now, input: 'its scheduled start' },
    end: null,
    tags: [],
    title: null,
  };
  return decideMaintenance(cmd, view, ctx, incident);
}

function decideNotice(
  cmd: Extract<WritingCommand, { kind: 'notice' }>,
  ctx: DecideContext,
): Result<Decision> {
  const number = cmd.number ?? 1;
  const title = cmd.number === null ? cmd.title : updateTitle(ctx.settings.titles, cmd.title, number);
  const promise = promiseOf(cmd.next, ctx);
  if (!promise.ok) return promise;
  return accept({
    change: {
      ...baseChange(cmd, ctx),
      incident: {
        create: {
          kind: 'notice',
          status: 'open',
          title: cmd.title,
          tags: cmd.tags,
          components: [],
          impact: null,
          openedAt: cmd.at?.at ?? ctx.now,
          closedAt: null,
          startsAt: null,
          endsAt: null,
          lastNumber: number,
        },
      },
      post: newPost(
        ctx,
        { number, title, text: cmd.message, tags: cmd.tags, eventAt: cmd.at?.at ?? null, ...promise.value },
        null,
      ),
      edit: null,
      retract: null,
      components: [],
    },
    notes: [],
  });
}

function findPost(r: PostRef, view: StateView): Result<Post> {
  const post = view.post(r.incident, r.number);
  if (post) return accept(post);
  const incident = view.incident(r.incident);
  return refuse(
    'unknown_post',
    incident
      ? `incident #${r.incident} has no post ${r.number} (its posts are 1 to ${incident.lastNumber})`
      : `there is no post ${r.incident}.${r.number}: there is no incident #${r.incident}`,
  );
}

function decidePostFix(
  cmd: Extract<WritingCommand, { kind: 'edit' | 'retract' }>,
  view: StateView,
  ctx: DecideContext,
): Result<Decision> {
  const found = findPost(cmd.post, view);
  if (!found.ok) return found;
  const post = found.value;
  const name = `${cmd.post.incident}.${cmd.post.number}`;
  if (post.retractedAt !== null) {
    return refuse(
      'post_retracted',
      `post ${name} was retracted; it cannot be ${cmd.kind === 'edit' ? 'edited' : 'retracted again'}`,
    );
  }
  const base = baseChange(cmd, ctx);
  if (cmd.kind === 'edit') {
    const currentText = post.edits.at(-1)?.text ?? post.text;
    if (currentText === cmd.message) return refuse('no_change', `post ${name} already says exactly that`);
    return accept({
      change: {
        ...base,
        incident: { id: post.incidentId, patch: {} },
        post: null,
        edit: { postId: post.id, text: cmd.message, author: ctx.actor.name, at: ctx.now },
        retract: null,
        components: [],
      },
      notes: [`post ${name} corrected; the original stays visible with the correction dated`],
    });
  }
  const incident = view.incident(post.incidentId);
  if (incident?.kind === 'maintenance' && post.number === 1 && ACTIVE.has(incident.status)) {
    // Withdrawing the announcement would leave the maintenance to happen: reminders, "starting now", the
    // question at its end. Calling it off is `cancel`; the announcement may be retracted after that.
    const when =
      incident.status === 'scheduled' ? `scheduled for ${formatUtc(incident.startsAt ?? 0)}` : 'in progress';
    return refuse(
      'cancel_first',
      `post ${name} announces maintenance ${ref(incident)}, which is ${when}: retracting the announcement would not call it off (Herald would still ${incident.status === 'scheduled' ? 'start it and ' : ''}ask whether it is complete). ` +
        `To call it off, type \`cancel ${incident.id} "${cmd.reason.replaceAll('"', '\\"')}"\`: it is published as cancelled everywhere, and Herald does nothing more for it. ` +
        `If the announcement itself was wrong, retract it after that. Nothing was recorded.`,
    );
  }
  return accept({
    change: {
      ...base,
      incident: { id: post.incidentId, patch: {} },
      post: null,
      edit: null,
      retract: { postId: post.id, reason: cmd.reason, author: ctx.actor.name, at: ctx.now },
      components: [],
    },
    notes: [`post ${name} is marked retracted; it stays visible as retracted`],
  });
}
