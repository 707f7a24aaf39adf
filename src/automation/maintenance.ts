// Maintenance that runs itself: the scheduler's job that posts a scheduled maintenance's reminders and its
// start, and asks its author at its expected end whether it is complete; and what the answers do.
// What is due comes from the database (src/bot/maintenance-steps.ts decides, from the incident and the
// steps recorded); each post goes through the core like a typed command (CommandService.automatic: decide,
// one transaction with the step's record and the audit row naming the scheduler), so that the outbox
// publishes it everywhere exactly once.

import type { CoreSettings } from '../bot/catalog.js';
import type { WritingCommand } from '../bot/decide.js';
import { decideStart } from '../bot/decide.js';
import type { CommandService, Outcome } from '../bot/handle-command.js';
import { type MaintenanceStep, maintenanceSteps, nextStep } from '../bot/maintenance-steps.js';
import { mayChange } from '../bot/permissions.js';
import type { Prompt, StateRepository, Store } from '../bot/ports.js';
import type { Actor, Incident } from '../bot/types.js';
import type { Logger } from '../logger.js';
import { newRequestId } from '../request-id.js';
import type { ScheduledJob } from '../scheduler.js';
import { completionText, endQuestion, reminderText, startText } from '../templates/maintenance.js';
import type { PromptKindHandler, PromptReply } from './prompts.js';

/** Who the audit names for what Herald does by itself. */
export const SCHEDULER_ACTOR: Actor = { platform: 'herald', id: 'scheduler', name: 'Herald' };

/** The answers to "is it complete?". */
export const COMPLETE = 'complete';
export const NOT_YET = 'not_yet';

export interface MaintenanceDeps {
  store: Store;
  commands: Pick<CommandService, 'automatic'>;
  settings: CoreSettings;
  /** How long before its start each reminder comes (`maintenance.reminders` in the configuration). */
  remindersMs: readonly number[];
  log: Logger;
  /** Told what became of each change it asked for (Herald logs it, counts it, wakes the publisher). */
  onOutcome(outcome: Outcome, by: { actor: Actor; requestId: string }): void;
}

/** A command as it would be typed, for the audit row: `update 4 "…"`. */
const typed = (words: string, message: string): string => `${words} "${message.replaceAll('"', '\\"')}"`;

export function createMaintenanceJob(deps: MaintenanceDeps): ScheduledJob {
  const { store, commands, settings, remindersMs } = deps;
  const log = deps.log.child({ component: 'scheduler', job: 'maintenance' });

  /** Records a step that writes no post, once; `then` runs in the same transaction. */
  const recordOnce = (
    incident: Incident,
    step: MaintenanceStep,
    now: number,
    done: { outcome: 'skipped' | 'prompted'; note: string | null },
    then?: (repo: StateRepository) => void,
  ): void =>
    store.transact((repo) => {
      if (repo.step(incident.id, step.key)) return;
      repo.recordStep({
        incidentId: incident.id,
        key: step.key,
        dueAt: step.dueAt,
        doneAt: now,
        postId: null,
        ...done,
      });
      then?.(repo);
    });

  const skip = (incident: Incident, step: MaintenanceStep, now: number, why: string): void => {
    recordOnce(incident, step, now, { outcome: 'skipped', note: why });
    log.info({ incident: incident.id, step: step.key, why }, 'maintenance step skipped');
  };

  /** A reminder or the start: a post, recorded with its step in one transaction. */
  function post(incident: Incident, step: MaintenanceStep, now: number): void {
    const id = incident.id;
    const message =
      step.kind === 'start' ? startText(incident, now, settings) : reminderText(incident, now, settings);
    const [first] = incident.components;
    const command: WritingCommand =
      step.kind === 'start' && first
        ? {
            kind: 'maintenance',
            system: first.system,
            services: incident.components.map((k) => k.service),
            message,
            start: { at: incident.startsAt ?? now, input: 'its scheduled start' },
            end: null,
            tags: [],
            title: null,
          }
        : {
            kind: 'update',
            incident: { by: 'number', number: id },
            message,
            at: null,
            tags: [],
            title: null,
            number: null,
          };
    const requestId = newRequestId('herald');
    const outcome = commands.automatic({
      command,
      // As a person would type it: the start is the command that starts a scheduled maintenance by hand.
      text: typed(
        command.kind === 'maintenance'
          ? `${command.system} ${command.services.join(',')} maintenance`
          : `update ${id}`,
        message,
      ),
      actor: SCHEDULER_ACTOR,
      requestId,
      ...(step.kind === 'start' ? { decide: (view, ctx) => decideStart(id, message, view, ctx) } : {}),
      step: { incidentId: id, key: step.key, dueAt: step.dueAt },
    });
    deps.onOutcome(outcome, { actor: SCHEDULER_ACTOR, requestId });
    // A refusal (the incident changed under it) is not tried again at every run: it is recorded, with why.
    if (outcome.kind === 'refused') skip(incident, step, now, `refused: ${outcome.message}`);
  }

  /** The question at its expected end, to whoever scheduled it. */
  function ask(incident: Incident, step: MaintenanceStep, now: number): void {
    const author = store.opener(incident.id);
    if (!author || author.platform === 'herald') {
      skip(incident, step, now, 'nobody to ask: its author is not known');
      return;
    }
    recordOnce(incident, step, now, { outcome: 'prompted', note: null }, (repo) =>
      repo.queuePrompt({
        incidentId: incident.id,
        step: step.key,
        kind: 'maintenance-end',
        to: { platform: author.platform, id: author.id, name: author.name },
        createdAt: now,
      }),
    );
    log.info(
      { incident: incident.id, to: author.name, platform: author.platform },
      'asking whether maintenance is complete',
    );
  }

  return {
    name: 'maintenance',
    run(now) {
      let done = 0;
      let nextAt: number | null = null;
      const due = store
        .incidents({ status: ['scheduled', 'in_progress'] })
        .filter((i) => i.kind === 'maintenance');
      // Oldest first; each maintenance's steps in their order, the incident read again after each.
      for (let incident of due.reverse()) {
        for (;;) {
          const recorded = new Set(store.steps(incident.id).map((s) => s.key));
          const withdrawn = (store.post(incident.id, 1)?.retractedAt ?? null) !== null;
          const next = nextStep(incident, recorded, now, remindersMs, withdrawn);
          if (!next) {
            const upcoming = maintenanceSteps(incident, remindersMs).find((s) => !recorded.has(s.key));
            if (upcoming && upcoming.dueAt > now && (nextAt === null || upcoming.dueAt < nextAt))
              nextAt = upcoming.dueAt;
            break;
          }
          if (next.action === 'skip') skip(incident, next.step, now, next.why);
          else if (next.step.kind === 'end-prompt') ask(incident, next.step, now);
          else post(incident, next.step, now);
          done++;
          const fresh = store.incident(incident.id);
          if (!fresh) break;
          incident = fresh;
        }
      }
      return { done, nextAt };
    },
  };
}

/** "Is maintenance #4 complete?": put to its author; Complete resolves it, Not yet leaves it. */
export function createMaintenanceQuestion(
  deps: Pick<MaintenanceDeps, 'store' | 'commands' | 'settings'>,
): PromptKindHandler {
  const { store, commands, settings } = deps;
  return {
    kind: 'maintenance-end',
    render(prompt: Prompt) {
      const incident = store.incident(prompt.incidentId);
      if (incident?.status !== 'in_progress') return null;
      const question = endQuestion(incident, settings);
      return {
        prompt,
        text: question.text,
        detail: question.detail,
        choices: [
          { answer: COMPLETE, label: 'Complete', primary: true },
          { answer: NOT_YET, label: 'Not yet', primary: false },
        ],
        line: `Herald asks ${prompt.to.name}: ${question.text} When it is, type:  ${question.command}`,
      };
    },
    mayAnswer: (_prompt, actor) => mayChange(actor, settings.staff).allowed,
    answer(prompt, press): PromptReply {
      const id = prompt.incidentId;
      const incident = store.incident(id);
      if (incident && incident.status !== 'in_progress') {
        return { kind: 'note', text: `Maintenance #${id} is ${incident.status} already: nothing changed.` };
      }
      if (press.answer === NOT_YET) {
        return {
          kind: 'note',
          text: `Maintenance #${id} stays in progress. When it is done, press Complete, or type: /status resolve ${id} "…"`,
        };
      }
      if (press.answer !== COMPLETE || !incident) {
        return {
          kind: 'outcome',
          outcome: {
            kind: 'refused',
            code: 'unknown_prompt',
            message: 'that is not an answer Herald offered',
          },
        };
      }
      const message = completionText(incident, settings);
      const outcome = commands.automatic({
        command: { kind: 'resolve', incident: { by: 'number', number: id }, message, at: null, tags: [] },
        text: typed(`resolve ${id}`, message),
        actor: press.actor,
        ...(press.requestId ? { requestId: press.requestId } : {}),
        ...(press.requestKey ? { requestKey: press.requestKey } : {}),
      });
      return { kind: 'outcome', outcome };
    },
  };
}
