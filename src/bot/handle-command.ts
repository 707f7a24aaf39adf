// The one use case every chat surface calls: text in, a neutral Outcome out. Parsing, permission and the
// decision happen here; the write is one IMMEDIATE transaction. Refusals are values; the unexpected throws
// and is caught once at the adapter's edge.

import { randomBytes } from 'node:crypto';
import type { CoreSettings } from './catalog.js';
import type { Command, ReadTime } from './command.js';
import { type DecideContext, type Decision, decide, type StateView, type WritingCommand } from './decide.js';
import { helpText } from './help.js';
import { parseCommand } from './parse-command.js';
import { mayChange } from './permissions.js';
import type {
  Applied,
  HandledRequest,
  Preview,
  ProposalLister,
  RefusalLog,
  StateRepository,
  Store,
  SubscriberCounter,
  SubscriberSummary,
} from './ports.js';
import type { Refusal, RefusalCode, Result } from './refusal.js';
import type { Actor, Component, Delivery, Incident, Post } from './types.js';

export interface Clock {
  now(): number;
}

export interface TimeEcho extends ReadTime {
  label: 'event time' | 'start' | 'end' | 'next update by';
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
  | { kind: 'deliveries'; incident: Incident; post: Post; deliveries: Delivery[] }
  /** `/status subscribers`: null when subscriptions are off (no SMTP). */
  | { kind: 'subscribers'; at: number; summary: SubscriberSummary | null }
  /** The change as it would be published; nothing is written but the preview itself. */
  | {
      kind: 'preview';
      previewId: string;
      command: WritingCommand;
      incident: Incident;
      post: Post | null;
      times: TimeEcho[];
      /** The outlets the post would go to. */
      outlets: string[];
      notes: string[];
      expiresAt: number;
    }
  /** The same request (a platform's retry, a second click) came again: nothing changed twice. */
  | { kind: 'duplicate'; incidentId: number | null; postId: number | null }
  | { kind: 'cancelled'; previewId: string }
  | { kind: 'retried'; post: Post | null; count: number }
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
  /** New preview ids; random by default. */
  newId?: () => string;
  /** The subscriber counts for `/status subscribers`; left out or null: subscriptions are off. */
  subscribers?: SubscriberCounter | null;
  /** `/status proposals` as text (src/monitors/list-text.ts); left out: no monitors, nothing proposed. */
  proposals?: ProposalLister | null;
}

type Written = { ok: true; decision: Decision; applied: Applied; incident: Incident; post: Post | null };

export interface CommandInput {
  text: string;
  actor: Actor;
  /**
   * The platform's own id for this request (Slack's trigger_id, a Discord interaction id): a retry of the
   * same request finds it recorded and changes nothing twice.
   */
  requestKey?: string;
  /** The id that follows this command through the logs to every delivery it queues. */
  requestId?: string;
  /**
   * When the person typed it, if it is worked later (the chat inbox after a restart): times in the text
   * (`--at 21:30`, `yesterday`) are read as of then, as they were meant, not as of when Herald got to it.
   */
  typedAt?: number;
}

export interface PreviewAction {
  previewId: string;
  actor: Actor;
  /** The platform's id for the button press. */
  requestKey?: string;
  /** The id that follows the press through the logs to every delivery it queues. */
  requestId?: string;
}

/**
 * A change Herald makes by itself (its scheduler), or on a person's answer to its question: decided and
 * written like a typed command, in one transaction, without parsing or the staff check (the caller decided
 * who may). The audit row names `actor`.
 */
export interface AutomaticInput {
  /** What is done, as the command a person would type for it; the answer echoes it. */
  command: WritingCommand;
  /** The audit row's text. */
  text: string;
  actor: Actor;
  /** Decides instead of decide(command): starting a scheduled maintenance has no typed form of its own. */
  decide?: (view: StateView, ctx: DecideContext) => Result<Decision>;
  /**
   * The scheduler's step: if that incident's step is recorded, nothing is written (a duplicate); otherwise
   * it is recorded as posted, with the post, in the same transaction.
   */
  step?: { incidentId: number; key: string; dueAt: number };
  requestKey?: string;
  requestId?: string;
}

export interface CommandService {
  /** Runs a command: records it at once if it changes something. */
  handle(input: CommandInput): Outcome;
  /** Checks a command and shows what it would publish, without publishing; read-only commands just run. */
  preview(input: CommandInput, ttlMs: number): Outcome;
  /** Publishes a preview: only its author, only before it expires, only once. */
  confirm(action: PreviewAction): Outcome;
  cancel(action: PreviewAction): Outcome;
  /** A change Herald makes by itself, or on an answer to its question (see AutomaticInput). */
  automatic(input: AutomaticInput): Outcome;
}

function timesOf(cmd: WritingCommand): TimeEcho[] {
  const next = (c: { next?: ReadTime }): TimeEcho[] =>
    c.next ? [{ label: 'next update by', ...c.next }] : [];
  switch (cmd.kind) {
    case 'change':
    case 'update':
    case 'notice':
      return [...(cmd.at ? [{ label: 'event time' as const, ...cmd.at }] : []), ...next(cmd)];
    case 'resolve':
      return cmd.at ? [{ label: 'event time', ...cmd.at }] : [];
    case 'maintenance':
      return [
        { label: 'start', ...cmd.start },
        ...(cmd.end ? [{ label: 'end' as const, ...cmd.end }] : []),
        ...next(cmd),
      ];
    default:
      return [];
  }
}

/** Thrown inside a transaction to roll a preview's trial write back. */
class PreviewRollback {
  constructor(readonly outcome: Outcome) {}
}

export function createCommandHandler(deps: CommandDeps): CommandService {
  const { store, settings, clock, refusals } = deps;
  const newId = deps.newId ?? (() => randomBytes(12).toString('base64url'));

  const refused = (
    input: Pick<CommandInput, 'text' | 'actor'>,
    now: number,
    code: RefusalCode,
    message: string,
  ): Outcome => {
    refusals.append({ at: now, actor: input.actor, text: input.text, result: 'refused', code });
    return { kind: 'refused', code, message };
  };

  /** Read-only commands, and the checks every writing command passes first. */
  function prepare(
    input: CommandInput,
    now: number,
    parseNow = now,
  ): { outcome: Outcome } | { cmd: WritingCommand } | { retry: Extract<Command, { kind: 'retry' }> } {
    const parsed = parseCommand(input.text, { settings, now: parseNow });
    if (!parsed.ok) return { outcome: refused(input, now, parsed.code, parsed.message) };
    const cmd = parsed.value;
    switch (cmd.kind) {
      case 'help':
        return { outcome: { kind: 'help', text: helpText(cmd.topic, settings.templates, settings.zones) } };
      case 'list':
        return {
          outcome: {
            kind: 'list',
            at: now,
            components: store.components().filter((c) => c.state !== 'operational'),
            incidents: store.activeIncidents(),
            failed: store.deliveries({ status: 'failed' }),
          },
        };
      case 'deliveries': {
        const post = store.post(cmd.post.incident, cmd.post.number);
        const incident = post && store.incident(post.incidentId);
        if (!post || !incident) {
          return {
            outcome: refused(
              input,
              now,
              'unknown_post',
              `there is no post ${cmd.post.incident}.${cmd.post.number}`,
            ),
          };
        }
        return { outcome: { kind: 'deliveries', incident, post, deliveries: store.deliveriesOf(post.id) } };
      }
      case 'subscribers': {
        // Staff only: how many follow, and who fails, is the provider's business, not the public's.
        const permission = mayChange(input.actor, settings.staff);
        if (!permission.allowed) return { outcome: refused(input, now, 'not_staff', permission.reason) };
        return { outcome: { kind: 'subscribers', at: now, summary: deps.subscribers?.counts() ?? null } };
      }
      case 'proposals': {
        // Staff only: a proposal is an unpublished draft about an outage, the provider's business until published.
        const permission = mayChange(input.actor, settings.staff);
        if (!permission.allowed) return { outcome: refused(input, now, 'not_staff', permission.reason) };
        const text = deps.proposals?.listText(cmd.all) ?? 'No proposals: no monitor has reported a problem.';
        return { outcome: { kind: 'help', text } };
      }
      default: {
        const permission = mayChange(input.actor, settings.staff);
        if (!permission.allowed) return { outcome: refused(input, now, 'not_staff', permission.reason) };
        return cmd.kind === 'retry' ? { retry: cmd } : { cmd };
      }
    }
  }

  function retry(input: CommandInput, cmd: Extract<Command, { kind: 'retry' }>, now: number): Outcome {
    const post = cmd.post && store.post(cmd.post.incident, cmd.post.number);
    if (cmd.post && !post) {
      return refused(input, now, 'unknown_post', `there is no post ${cmd.post.incident}.${cmd.post.number}`);
    }
    const audit = {
      at: now,
      actor: input.actor,
      text: input.text,
      result: 'ok' as const,
      code: 'retry',
      incidentId: post?.incidentId ?? null,
    };
    return { kind: 'retried', post: post ?? null, count: store.outbox.requeue(post?.id ?? null, audit) };
  }

  /** Decides and writes in one IMMEDIATE transaction; `extra` runs in it too (settling a preview). */
  function write(
    input: CommandInput,
    cmd: WritingCommand,
    now: number,
    extra?: (repo: StateRepository, applied: Applied) => void,
    auto: Pick<AutomaticInput, 'decide' | 'step'> = {},
  ): Outcome {
    const { step } = auto;
    const result = store.transact((repo): Written | Refusal | { ok: true; duplicate: HandledRequest } => {
      const seen = input.requestKey ? repo.handledRequest(input.requestKey) : undefined;
      if (seen) return { ok: true, duplicate: seen };
      const done = step && repo.step(step.incidentId, step.key);
      if (done) {
        return {
          ok: true,
          duplicate: { key: step.key, at: done.doneAt, incidentId: done.incidentId, postId: done.postId },
        };
      }
      const ctx = { now, actor: input.actor, settings, text: input.text };
      const decision = auto.decide ? auto.decide(repo, ctx) : decide(cmd, repo, ctx);
      if (!decision.ok) return decision;
      const applied = repo.apply({ ...decision.value.change, requestId: input.requestId ?? null });
      if (input.requestKey) {
        repo.recordRequest({
          key: input.requestKey,
          at: now,
          incidentId: applied.incidentId,
          postId: applied.postId,
        });
      }
      if (step) {
        repo.recordStep({ ...step, doneAt: now, outcome: 'posted', postId: applied.postId, note: null });
      }
      extra?.(repo, applied);
      // Read back for the answer inside the same transaction: no second and third read transaction.
      const number =
        decision.value.change.post?.number ??
        (cmd.kind === 'edit' || cmd.kind === 'retract' ? cmd.post.number : null);
      const incident = repo.incident(applied.incidentId);
      if (!incident) throw new Error(`incident ${applied.incidentId} vanished after it was written`);
      const post = number === null ? null : (repo.post(applied.incidentId, number) ?? null);
      return { ok: true, decision: decision.value, applied, incident, post };
    });
    if (!result.ok) return refused(input, now, result.code, result.message);
    if ('duplicate' in result)
      return { kind: 'duplicate', incidentId: result.duplicate.incidentId, postId: result.duplicate.postId };
    const { decision, applied, incident, post } = result;
    return {
      kind: 'recorded',
      command: cmd,
      at: now,
      incident,
      post,
      times: timesOf(cmd),
      deliveries: applied.deliveries,
      notes: decision.notes,
    };
  }

  /** A preview: author, not expired, still pending; else the refusal or the earlier result. */
  function openPreview(action: PreviewAction, now: number): Preview | Outcome {
    const preview = store.preview(action.previewId);
    const who = { text: `preview ${action.previewId}`, actor: action.actor };
    if (!preview) return refused(who, now, 'unknown_preview', 'that preview does not exist (any more)');
    if (preview.actor.platform !== action.actor.platform || preview.actor.id !== action.actor.id) {
      return refused(
        who,
        now,
        'not_author',
        `only ${preview.actor.name}, who wrote it, can publish or cancel this preview`,
      );
    }
    if (preview.status === 'published')
      return { kind: 'duplicate', incidentId: null, postId: preview.postId };
    if (preview.status === 'cancelled')
      return refused(who, now, 'preview_closed', 'this preview was cancelled; nothing was published');
    if (now > preview.expiresAt) {
      return refused(
        who,
        now,
        'preview_expired',
        'this preview has expired and nothing was published; run the command again',
      );
    }
    return preview;
  }

  return {
    handle(input) {
      const now = clock.now();
      const prepared = prepare(input, now, input.typedAt ?? now);
      if ('outcome' in prepared) return prepared.outcome;
      if ('retry' in prepared) return retry(input, prepared.retry, now);
      return write(input, prepared.cmd, now);
    },

    preview(input, ttlMs) {
      const now = clock.now();
      const prepared = prepare(input, now, input.typedAt ?? now);
      if ('outcome' in prepared) return prepared.outcome;
      if ('retry' in prepared) return retry(input, prepared.retry, now);
      const cmd = prepared.cmd;
      const previewId = newId();
      // Decide and write for real, read the result back, and roll it all back: the preview is exactly what
      // Publish would write now.
      let outcome: Outcome;
      try {
        store.transact((repo) => {
          const decision = decide(cmd, repo, { now, actor: input.actor, settings, text: input.text });
          if (!decision.ok) throw new PreviewRollback(refused(input, now, decision.code, decision.message));
          const applied = repo.apply(decision.value.change);
          const incident = repo.incident(applied.incidentId);
          if (!incident) throw new Error('the previewed incident vanished');
          const posted = decision.value.change.post;
          throw new PreviewRollback({
            kind: 'preview',
            previewId,
            command: cmd,
            incident,
            post: posted ? (repo.post(incident.id, posted.number) ?? null) : null,
            times: timesOf(cmd),
            outlets: [...new Set(applied.deliveries.map((d) => d.outlet))],
            notes: decision.value.notes,
            expiresAt: now + ttlMs,
          });
        });
        throw new Error('a preview transaction must roll back');
      } catch (error) {
        if (!(error instanceof PreviewRollback)) throw error;
        outcome = error.outcome;
      }
      if (outcome.kind === 'preview') {
        store.createPreview({
          id: previewId,
          text: input.text,
          actor: input.actor,
          createdAt: now,
          expiresAt: now + ttlMs,
        });
      }
      return outcome;
    },

    confirm(action) {
      const now = clock.now();
      const preview = openPreview(action, now);
      if (!('status' in preview)) return preview;
      // Times in the text ("yesterday 21:39") are read as they were when the preview was shown.
      const input: CommandInput = {
        text: preview.text,
        actor: preview.actor,
        requestKey: action.requestKey ?? `preview:${preview.id}`,
        ...(action.requestId ? { requestId: action.requestId } : {}),
      };
      const prepared = prepare(input, now, preview.createdAt);
      if ('outcome' in prepared) return prepared.outcome;
      if ('retry' in prepared) return retry(input, prepared.retry, now);
      return write(input, prepared.cmd, now, (repo, applied) => {
        repo.settlePreview(preview.id, 'published', now, applied.postId);
      });
    },

    cancel(action) {
      const now = clock.now();
      const preview = openPreview(action, now);
      if (!('status' in preview)) return preview;
      store.transact((repo) => repo.settlePreview(preview.id, 'cancelled', now, null));
      return { kind: 'cancelled', previewId: preview.id };
    },

    automatic(input) {
      const { command, decide: decideIt, step, ...rest } = input;
      return write(rest, command, clock.now(), undefined, {
        ...(decideIt ? { decide: decideIt } : {}),
        ...(step ? { step } : {}),
      });
    },
  };
}
