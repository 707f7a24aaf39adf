// Slack's side of the inbox's worker: a row (a slash command, a Publish or Cancel press, an answer to one of
// Herald's questions) becomes the core's work, and the result is answered through the request's
// response_url while its reply window is open, else as a direct message from the bot to the author.

import type { App, RespondFn } from '@slack/bolt';
import type { Clock, Outcome } from '../../bot/handle-command.js';
import type { Actor } from '../../bot/types.js';
import type { ChatConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { InboxRow } from '../../store/inbox.js';
import {
  type BlockContext,
  type ButtonValue,
  renderClosedPreview,
  renderOutcome,
  renderRecorded,
  type SlackMessage,
  SORRY,
} from '../../templates/slack/blocks.js';
import { mrkdwn } from '../../templates/slack/text.js';
import type { Surface, Work } from './inbox-worker.js';
import { type Answer, type Answers, createAnswer } from './slack-answers.js';
import type { GroupLookup } from './slack-groups.js';

/** The kinds of Slack rows in the inbox. */
export type SlackKind = 'command' | 'preview' | 'publish' | 'cancel' | 'prompt' | 'proposal';

export interface SlackPerson {
  id: string;
  name: string;
}

/** What a Slack row carries: everything the worker needs to do the work and answer later. */
export type SlackPayload =
  | { text: string; user: SlackPerson; channel: string | null; triggerId: string; responseUrl: string }
  | { button: ButtonValue; user: SlackPerson; channel: string | null; responseUrl: string }
  | { promptId: number; answer: string; user: SlackPerson; channel: string | null; responseUrl: string }
  /** A press on a proposal's button (issue 17); `text` is Edit's command (slack-proposals.ts). */
  | {
      proposal: { id: number; action: 'publish' | 'edit' | 'dismiss'; text?: string };
      user: SlackPerson;
      channel: string | null;
      responseUrl: string;
    };

type CommandPayload = Extract<SlackPayload, { text: string }>;
type ButtonPayload = Extract<SlackPayload, { button: ButtonValue }>;
type PromptPayload = Extract<SlackPayload, { promptId: number }>;
type ProposalPayload = Extract<SlackPayload, { proposal: unknown }>;

/** A response_url answered like Bolt's respond() (Bolt's own is gone after a restart). */
export function respondVia(url: string): RespondFn {
  return async (message) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(typeof message === 'string' ? { text: message } : message),
    });
    if (!response.ok) throw new Error(`the response_url answered ${response.status}`);
    return response;
  };
}

const note = (text: string): SlackMessage => {
  const escaped = mrkdwn(text);
  return { text: escaped, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escaped } }] };
};

export interface SlackSurfaceOptions {
  app: App;
  chat: ChatConfig;
  answers: Answers;
  groups: GroupLookup;
  ctx: BlockContext;
  clock: Clock;
  log: Logger;
}

export function createSlackSurface(o: SlackSurfaceOptions): Surface {
  const { app, chat, answers, ctx, clock, log } = o;

  async function actorOf(user: SlackPerson, channel: string | null, withGroups: boolean): Promise<Actor> {
    const found = withGroups ? await o.groups.groupsOf(user.id) : undefined;
    return {
      platform: 'slack',
      id: user.id,
      name: user.name,
      ...(channel ? { channel } : {}),
      ...(found ? { groups: found } : {}),
    };
  }

  /**
   * Where the answer goes: the response_url while the reply window is open; after it, one direct message
   * from the bot (later updates of the same answer are not sent: each would be a new message).
   */
  function answerFor(row: InboxRow, open: boolean): Answer {
    const p = row.payload as SlackPayload;
    // A proposal's message is the staff channel's, not the presser's: their answer is a message of its own.
    const replaceFirst = row.kind !== 'command' && row.kind !== 'preview' && row.kind !== 'proposal';
    if (open) return createAnswer(respondVia(p.responseUrl), { replaceFirst, log, now: clock.now });
    let sent = false;
    const direct = async (message: SlackMessage) => {
      try {
        await app.client.chat.postMessage({ channel: p.user.id, ...message, unfurl_links: false });
      } catch (error) {
        log.warn({ err: error, user: p.user.id }, 'could not send the answer as a direct message');
      }
    };
    return {
      async show(render) {
        if (sent) return;
        sent = true;
        await direct(render());
      },
      whisper: direct,
    };
  }

  /** Shows any outcome; a preview gets its buttons, a recorded change its updates. */
  async function show(outcome: Outcome, answer: Answer, preview: CommandPayload | null): Promise<void> {
    if (outcome.kind === 'preview' && preview) {
      await answers.preview(
        outcome,
        answer,
        { requestId: preview.triggerId, authorId: preview.user.id },
        preview.text,
      );
    } else if (outcome.kind === 'recorded') {
      await answers.recorded(outcome, answer);
    } else if (outcome.kind !== 'preview') {
      await answer.show(() => renderOutcome(outcome, ctx));
    }
  }

  /** Publish or Cancel: only the author's press changes the preview; anyone else is told so, privately. */
  async function settle(outcome: Outcome, value: ButtonValue, answer: Answer): Promise<void> {
    if (outcome.kind === 'refused' && outcome.code === 'not_author') {
      await answer.whisper(renderOutcome(outcome, ctx));
      return;
    }
    if (outcome.kind === 'duplicate') {
      // A second click on a preview just published: the first click's answer stands.
      if (answers.wasSettled(value.previewId)) return;
      await answer.whisper(renderOutcome(outcome, ctx));
      return;
    }
    answers.settle(value.previewId);
    if (outcome.kind === 'cancelled') {
      await answer.show(() => renderClosedPreview('Cancelled: nothing was published.'));
    } else if (outcome.kind === 'refused') {
      await answer.show(() => renderClosedPreview(`Nothing was published: ${outcome.message}`));
    } else {
      await show(outcome, answer, null);
    }
  }

  return {
    platform: 'slack',

    async prepare(row): Promise<Work> {
      const requestId = row.requestId;
      switch (row.kind as SlackKind) {
        case 'command':
        case 'preview': {
          const p = row.payload as CommandPayload;
          const actor = await actorOf(p.user, p.channel, true);
          const input = { text: p.text, actor, requestKey: row.requestId, requestId };
          return row.kind === 'preview'
            ? { kind: 'preview', input, ttlMs: chat.previewTtlMs }
            : { kind: 'handle', input };
        }
        case 'publish':
        case 'cancel': {
          const p = row.payload as ButtonPayload;
          const actor = await actorOf(p.user, p.channel, false);
          const previewId = p.button.previewId;
          if (row.kind === 'cancel') return { kind: 'cancel', action: { previewId, actor } };
          // Publish is recorded under the slash command's id: one command publishes once.
          const requestKey = p.button.requestId ? `slack:${p.button.requestId}` : undefined;
          return {
            kind: 'confirm',
            action: { previewId, actor, requestId, ...(requestKey ? { requestKey } : {}) },
          };
        }
        case 'prompt': {
          const p = row.payload as PromptPayload;
          const actor = await actorOf(p.user, p.channel, false);
          return {
            kind: 'prompt',
            press: { promptId: p.promptId, answer: p.answer, actor, requestKey: row.requestId, requestId },
          };
        }
        case 'proposal': {
          const p = row.payload as ProposalPayload;
          // Groups too: only staff may press, by the commands' own check.
          const actor = await actorOf(p.user, p.channel, true);
          const { id, action, text } = p.proposal;
          return {
            kind: 'proposal',
            press: {
              proposalId: id,
              action,
              actor,
              ...(text === undefined ? {} : { text }),
              requestKey: row.requestId,
              requestId,
            },
          };
        }
        default:
          throw new Error(`a Slack inbox row of an unknown kind: ${row.kind}`);
      }
    },

    async answer(row, done, open) {
      const answer = answerFor(row, open);
      if (row.kind === 'proposal' && done.kind === 'prompt') {
        // Said privately to the presser; the proposal's own message says what became of it, for everyone.
        const reply = done.reply;
        if (reply.kind === 'note') await answer.whisper(note(reply.text));
        else if (reply.outcome.kind === 'recorded')
          await answer.whisper(renderRecorded(reply.outcome, reply.outcome.deliveries, ctx));
        else if (reply.outcome.kind !== 'preview') await answer.whisper(renderOutcome(reply.outcome, ctx));
        return;
      }
      if (done.kind === 'prompt') {
        const reply = done.reply;
        if (reply.kind === 'note') await answer.whisper(note(reply.text));
        else if (reply.outcome.kind === 'recorded') await answers.recorded(reply.outcome, answer);
        else if (reply.outcome.kind !== 'preview') await answer.whisper(renderOutcome(reply.outcome, ctx));
        return;
      }
      if (row.kind === 'publish' || row.kind === 'cancel') {
        await settle(done.outcome, (row.payload as ButtonPayload).button, answer);
        return;
      }
      await show(done.outcome, answer, row.payload as CommandPayload);
    },

    async apologise(row, open) {
      await answerFor(row, open).whisper({
        text: SORRY,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: SORRY } }],
      });
    },
  };
}
