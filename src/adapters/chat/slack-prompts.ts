// Herald's questions in Slack (is the maintenance complete?): a direct message from the bot to the person
// asked (chat.postMessage to their user id), with a button per answer, and the answers pressed. The core
// decides who may answer and what an answer does; this file only translates.

import type { App, BlockAction, ButtonAction, RespondFn, types } from '@slack/bolt';
import type { PromptMessage, PromptPress, PromptReply } from '../../automation/prompts.js';
import type { Outcome } from '../../bot/handle-command.js';
import type { Actor } from '../../bot/types.js';
import type { Logger } from '../../logger.js';
import { newRequestId } from '../../request-id.js';
import type { SlackMessage } from '../../templates/slack/block-kit.js';
import { mrkdwn } from '../../templates/slack/text.js';
import type { Answer } from './slack-answers.js';

/** A question's buttons: `herald_prompt:complete`, `herald_prompt:not_yet`; the value is the question's id. */
const ACTION_PREFIX = 'herald_prompt:';
export const PROMPT_ACTION = /^herald_prompt:\w+$/;
export const promptActionId = (answer: string): string => `${ACTION_PREFIX}${answer}`;

/** The direct message: the question, what the answers do, a button per answer. */
export function renderPrompt(message: PromptMessage): SlackMessage {
  const text = mrkdwn(message.text);
  const buttons: types.Button[] = message.choices.map((c) => ({
    type: 'button',
    action_id: promptActionId(c.answer),
    text: { type: 'plain_text', text: c.label },
    value: String(message.prompt.id),
    ...(c.primary ? { style: 'primary' as const } : {}),
  }));
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn(message.detail) }] },
      // A reminder has nothing to answer: Slack refuses an actions block without buttons.
      ...(buttons.length ? [{ type: 'actions' as const, block_id: 'herald_prompt', elements: buttons }] : []),
    ],
  };
}

const note = (text: string): SlackMessage => {
  const escaped = mrkdwn(text);
  return { text: escaped, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escaped } }] };
};

export interface SlackPromptOptions {
  app: App;
  answerPrompt(press: PromptPress): PromptReply | Promise<PromptReply>;
  /** The adapter's own ways of answering a button (src/adapters/chat/slack.ts). */
  answerFor(respond: RespondFn): Answer;
  /** The core's outcome: a recorded change in place of the question (with its deliveries), else privately. */
  show(outcome: Outcome, answer: Answer): Promise<void>;
  guarded(where: Record<string, unknown>, answer: Answer, work: () => Promise<void>): Promise<void>;
  log: Logger;
}

/** Sends questions as direct messages, and takes presses on their buttons. Returns the sender. */
export function createSlackPrompts(options: SlackPromptOptions): (message: PromptMessage) => Promise<void> {
  const { app, log } = options;

  app.action<BlockAction<ButtonAction>>(
    { action_id: PROMPT_ACTION },
    async ({ ack, body, action, respond }) => {
      await ack();
      const answer = options.answerFor(respond);
      const promptId = Number(action.value);
      const requestId = newRequestId('slack', body.trigger_id);
      const actor: Actor = {
        platform: 'slack',
        id: body.user.id,
        name: body.user.username ?? body.user.name ?? body.user.id,
        ...(body.channel?.id ? { channel: body.channel.id } : {}),
      };
      await options.guarded({ requestId, user: actor.id, prompt: action.value }, answer, async () => {
        const reply = await options.answerPrompt({
          promptId: Number.isSafeInteger(promptId) ? promptId : -1,
          answer: action.action_id.slice(ACTION_PREFIX.length),
          actor,
          requestKey: `slack:${body.trigger_id}`,
          requestId,
        });
        if (reply.kind === 'note') await answer.whisper(note(reply.text));
        else await options.show(reply.outcome, answer);
        log.debug({ user: actor.id, prompt: promptId, reply: reply.kind }, 'question answered');
      });
    },
  );

  return async (message) => {
    // To a user id, chat.postMessage writes in the app's direct messages with that person; to a channel id
    // (a reminder in the announcement channel), in that channel.
    await app.client.chat.postMessage({
      channel: message.prompt.to.id,
      ...renderPrompt(message),
      unfurl_links: false,
    });
  };
}
