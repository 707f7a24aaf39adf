// What a scheduled maintenance gets without anyone typing: a reminder at each configured time before its
// start, "starting now" at its start, and a question to its author at its expected end. Pure: the incident,
// the steps already recorded and the time are arguments; src/automation/maintenance.ts does the steps.

import type { Incident } from './types.js';

export type MaintenanceStepKind = 'reminder' | 'start' | 'end-prompt';

export interface MaintenanceStep {
  /** Recorded under this key, once per incident: `reminder-24h`, `reminder-90m`, `start`, `end-prompt`. */
  key: string;
  kind: MaintenanceStepKind;
  dueAt: number;
}

/** What to do with the first step that is due: do it, or record it as skipped (with why). */
export type NextStep =
  | { step: MaintenanceStep; action: 'do' }
  | { step: MaintenanceStep; action: 'skip'; why: string };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A reminder's key names its offset: `reminder-24h`, `reminder-90m`. */
export const reminderKey = (beforeMs: number): string =>
  beforeMs % HOUR === 0 ? `reminder-${beforeMs / HOUR}h` : `reminder-${Math.round(beforeMs / MINUTE)}m`;

const ORDER: Record<MaintenanceStepKind, number> = { reminder: 0, start: 1, 'end-prompt': 2 };

/**
 * Every step a maintenance gets, in the order they are due. A reminder is only planned if its time comes
 * after the announcement (one scheduled 30 minutes ahead gets no "in 1 hour"); the start only if the
 * maintenance was scheduled ahead of it; the question only with an expected end (`--end`).
 */
export function maintenanceSteps(incident: Incident, remindersMs: readonly number[]): MaintenanceStep[] {
  if (incident.kind !== 'maintenance' || incident.startsAt === null) return [];
  const start = incident.startsAt;
  const steps: MaintenanceStep[] = [];
  for (const before of new Set(remindersMs)) {
    const dueAt = start - before;
    if (before > 0 && dueAt > incident.openedAt)
      steps.push({ key: reminderKey(before), kind: 'reminder', dueAt });
  }
  if (start > incident.openedAt) steps.push({ key: 'start', kind: 'start', dueAt: start });
  if (incident.endsAt !== null) steps.push({ key: 'end-prompt', kind: 'end-prompt', dueAt: incident.endsAt });
  return steps.sort((a, b) => a.dueAt - b.dueAt || ORDER[a.kind] - ORDER[b.kind]);
}

/**
 * The next thing to do for a maintenance at `now`, given the keys of the steps already recorded: null when
 * nothing is due. Steps come in order, one at a time (the caller records each and asks again). What was due
 * while Herald was down is done once: a reminder whose start has passed, or which a later reminder
 * supersedes, is skipped rather than posted late; a start or a question comes late rather than never.
 */
export function nextStep(
  incident: Incident,
  done: ReadonlySet<string>,
  now: number,
  remindersMs: readonly number[],
  /** Its announcement (post 1) was retracted: nothing is done for it, each step recorded as skipped. */
  withdrawn = false,
): NextStep | null {
  // Cancelled or completed: nothing more, ever.
  if (incident.status !== 'scheduled' && incident.status !== 'in_progress') return null;
  const waiting = maintenanceSteps(incident, remindersMs).filter((s) => !done.has(s.key));
  const step = waiting[0];
  if (!step || step.dueAt > now) return null;
  // `retract` of an active maintenance's announcement is refused (`cancel` calls it off), but a database
  // from before that rule may hold one: a withdrawn announcement is not carried out in public.
  if (withdrawn) return { step, action: 'skip', why: 'its announcement was retracted' };
  switch (step.kind) {
    case 'reminder': {
      if (incident.status !== 'scheduled')
        return { step, action: 'skip', why: 'the maintenance had started' };
      if (incident.startsAt !== null && now >= incident.startsAt)
        return { step, action: 'skip', why: 'its start had passed' };
      const later = waiting.find((s) => s !== step && s.kind === 'reminder' && s.dueAt <= now);
      if (later) return { step, action: 'skip', why: `the ${later.key} reminder was due too` };
      return { step, action: 'do' };
    }
    case 'start':
      return incident.status === 'scheduled'
        ? { step, action: 'do' }
        : { step, action: 'skip', why: 'it was started by hand' };
    case 'end-prompt':
      return incident.status === 'in_progress'
        ? { step, action: 'do' }
        : { step, action: 'skip', why: 'it had not started' };
  }
}
