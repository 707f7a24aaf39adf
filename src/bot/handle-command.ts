// The one use case every chat surface calls: text in, a neutral Outcome out. Parsing, permission and the
// decision happen here; the write is one IMMEDIATE transaction. Refusals are values; the unexpected throws
// and is caught once at the adapter's edge.

import type { CoreSettings } from './catalog.js';
import type { ReadTime } from './command.js';
import { WRITING_KINDS } from './command.js';
import { type Decision, decide, type WritingCommand } from './decide.js';
import { helpText } from './help.js';
import { parseCommand } from './parse-command.js';
import { mayChange } from './permissions.js';
import type { Applied, RefusalLog, Store } from './ports.js';
import type { Refusal, RefusalCode } from './refusal.js';
import type { Actor, Component, Delivery, Incident, Post } from './types.js';

export interface Clock {
  now(): number;
}

export interface TimeEcho extends ReadTime {
  label: 'event time' | 'start' | 'end';
}

export type Outcome =
  | { kind: 'refused'; code: RefusalCode; message: string }
  | { kind: 'help'; text: string }
  | {
      kind: 'list';
      at: number;
      /** Components that are not operational. */
      components: Component[];
      /** Open outages and notices, scheduled and running maintenance. */
      incidents: Incident[];
      /** Deliveries that failed and wait for staff. */
      failed: Delivery[];
    }
  | {
      kind: 'recorded';
      command: WritingCommand;
      at: number;
      incident: Incident;
      /** The post created, corrected or retracted. */
      post: Post | null;
      times: TimeEcho[];
      deliveries: Delivery[];
      notes: string[];
    };

export interface CommandDeps {
  store: Store;
  settings: CoreSettings;
  clock: Clock;
  refusals: RefusalLog;
}

type Written = { ok: true; decision: Decision; applied: Applied };

export interface CommandInput {
  text: string;
  actor: Actor;
}

function timesOf(cmd: WritingCommand): TimeEcho[] {
  switch (cmd.kind) {
    case 'change':
    case 'update':
    case 'resolve':
    case 'notice':
      return cmd.at ? [{ label: 'event time', ...cmd.at }] : [];
    case 'maintenance':
      return [{ label: 'start', ...cmd.start }, ...(cmd.end ? [{ label: 'end' as const, ...cmd.end }] : [])];
    default:
      return [];
  }
}

export function createCommandHandler(deps: CommandDeps): (input: CommandInput) => Outcome {
  const { store, settings, clock, refusals } = deps;

  const refused = (input: CommandInput, now: number, code: RefusalCode, message: string): Outcome => {
    refusals.append({ at: now, actor: input.actor, text: input.text, result: 'refused', code });
    return { kind: 'refused', code, message };
  };

  return (input) => {
    const now = clock.now();
    const parsed = parseCommand(input.text, { settings, now });
    if (!parsed.ok) return refused(input, now, parsed.code, parsed.message);
    const cmd = parsed.value;
    if (cmd.kind === 'help') return { kind: 'help', text: helpText(cmd.topic) };
    if (cmd.kind === 'list') {
      return {
        kind: 'list',
        at: now,
        components: store.components().filter((c) => c.state !== 'operational'),
        incidents: store.activeIncidents(),
        failed: store.deliveries({ status: 'failed' }),
      };
    }
    if (!WRITING_KINDS.has(cmd.kind)) throw new Error(`unhandled command kind ${cmd.kind}`);
    const permission = mayChange(input.actor, settings.staff);
    if (!permission.allowed) return refused(input, now, 'not_staff', permission.reason);

    const result = store.transact((repo): Written | Refusal => {
      const decision = decide(cmd, repo, { now, actor: input.actor, settings, text: input.text });
      if (!decision.ok) return decision;
      return { ok: true, decision: decision.value, applied: repo.apply(decision.value.change) };
    });
    if (!result.ok) return refused(input, now, result.code, result.message);
    const { decision, applied } = result;
    const incident = store.incident(applied.incidentId);
    if (!incident) throw new Error(`incident ${applied.incidentId} vanished after it was written`);
    return {
      kind: 'recorded',
      command: cmd,
      at: now,
      incident,
      post: applied.postId === null ? null : (store.postById(applied.postId) ?? null),
      times: timesOf(cmd),
      deliveries: applied.deliveries,
      notes: decision.notes,
    };
  };
}
