// Herald's questions to people in chat (is this maintenance complete?). A question is queued in the
// database by the step that asks it (src/automation/maintenance.ts); this desk sends what is pending
// through the chat adapter of the person's platform (a Slack or Discord direct message with buttons, a
// line at the shell's prompt), and takes the answers. Each kind of question says how it is put and what
// its answers do (PromptKindHandler), so that another kind needs no change here.

import type { Outcome } from '../bot/handle-command.js';
import type { Prompt, PromptBox, PromptKind, RefusalLog } from '../bot/ports.js';
import type { RefusalCode } from '../bot/refusal.js';
import type { Actor, Platform } from '../bot/types.js';
import type { Logger } from '../logger.js';
import type { ScheduledJob } from '../scheduler.js';

export interface PromptChoice {
  /** What the button answers: `complete`, `not_yet`. */
  answer: string;
  label: string;
  primary: boolean;
}

/** A question as a chat adapter sends it. Plain text: each adapter escapes and formats for its platform. */
export interface PromptMessage {
  prompt: Prompt;
  /** The question. */
  text: string;
  /** What the answers do. */
  detail: string;
  /** The answers, as buttons. */
  choices: PromptChoice[];
  /** For a surface without buttons (the shell): the question with the command to type. */
  line: string;
  /** Whom it goes to: `prompt.to` is a person (a direct message), or a channel to post in. Default: person. */
  audience?: 'person' | 'channel';
}

/** Sends one question to its person; throws if it could not (it is tried again at the next run). */
export type PromptSender = (message: PromptMessage) => Promise<void>;

/** A press on one of a question's buttons. */
export interface PromptPress {
  promptId: number;
  answer: string;
  actor: Actor;
  /** The platform's id for the press. */
  requestKey?: string;
  requestId?: string;
}

/** What an answer did: the core's outcome (a change recorded, or refused), or a word back. */
export type PromptReply = { kind: 'outcome'; outcome: Outcome } | { kind: 'note'; text: string };

/** One kind of question: how it is put, and what its answers do. */
export interface PromptKindHandler {
  kind: PromptKind;
  /** The question as it stands now; null when it no longer needs asking (the incident was closed). */
  render(prompt: Prompt): PromptMessage | null;
  /** The answer of someone allowed to give it (the desk checked). */
  answer(prompt: Prompt, press: PromptPress): PromptReply;
  /** Whether `actor` may answer, besides the person asked. */
  mayAnswer(prompt: Prompt, actor: Actor): boolean;
}

export interface PromptDesk {
  /** A chat adapter sends its platform's questions; returns the function that stops it. */
  serve(platform: Platform, send: PromptSender): () => void;
  /** The scheduler's job: sends the pending questions. */
  job: ScheduledJob;
  /** A button pressed: only the person asked, or whoever the kind allows (staff), may answer. */
  answer(press: PromptPress): PromptReply;
}

/** Sends of one question before it is given up (one per scheduler run). */
export const PROMPT_ATTEMPTS = 5;

export function createPromptDesk(options: {
  prompts: PromptBox;
  handlers: PromptKindHandler[];
  refusals: RefusalLog;
  clock: { now(): number };
  log: Logger;
}): PromptDesk {
  const { prompts, refusals, clock } = options;
  const log = options.log.child({ component: 'prompts' });
  const senders = new Map<Platform, PromptSender>();
  const handlers = new Map(options.handlers.map((h) => [h.kind, h]));

  const handlerOf = (prompt: Prompt): PromptKindHandler => {
    const handler = handlers.get(prompt.kind);
    if (!handler) throw new Error(`no handler for questions of kind ${prompt.kind}`);
    return handler;
  };

  const refused = (press: PromptPress, code: RefusalCode, message: string): PromptReply => {
    refusals.append({
      at: clock.now(),
      actor: press.actor,
      text: `answer ${press.answer} to question ${press.promptId}`,
      result: 'refused',
      code,
    });
    return { kind: 'outcome', outcome: { kind: 'refused', code, message } };
  };

  async function send(prompt: Prompt): Promise<boolean> {
    const said = log.child({ prompt: prompt.id, incident: prompt.incidentId, platform: prompt.to.platform });
    const message = handlerOf(prompt).render(prompt);
    if (!message) {
      prompts.settle(prompt.id, {
        sent: false,
        error: 'no longer asked: it was answered meanwhile',
        final: true,
      });
      said.info('question no longer needed');
      return false;
    }
    const sender = senders.get(prompt.to.platform);
    if (!sender) {
      const error = `${prompt.to.platform} is not connected: ${prompt.to.name} could not be asked`;
      prompts.settle(prompt.id, { sent: false, error, final: true });
      said.warn({ to: prompt.to.name }, `question not sent: ${error}`);
      return false;
    }
    try {
      await sender(message);
    } catch (error) {
      const final = prompt.attempts + 1 >= PROMPT_ATTEMPTS;
      prompts.settle(prompt.id, { sent: false, error: String(error), final });
      said.warn({ err: error, attempts: prompt.attempts + 1, final }, 'question not sent');
      return false;
    }
    prompts.settle(prompt.id, { sent: true, at: clock.now() });
    said.info({ to: prompt.to.name, kind: prompt.kind }, 'question sent');
    return true;
  }

  return {
    serve(platform, sender) {
      senders.set(platform, sender);
      return () => {
        if (senders.get(platform) === sender) senders.delete(platform);
      };
    },
    job: {
      name: 'prompts',
      async run() {
        let done = 0;
        for (const prompt of prompts.pending()) if (await send(prompt)) done++;
        return { done, nextAt: null };
      },
    },
    answer(press) {
      const prompt = prompts.prompt(press.promptId);
      if (!prompt) return refused(press, 'unknown_prompt', 'Herald asked no such question');
      const handler = handlerOf(prompt);
      const asked = prompt.to.platform === press.actor.platform && prompt.to.id === press.actor.id;
      if (!asked && !handler.mayAnswer(prompt, press.actor)) {
        return refused(
          press,
          'not_author',
          `only ${prompt.to.name}, who was asked, or staff can answer this question`,
        );
      }
      return handler.answer(prompt, press);
    },
  };
}
