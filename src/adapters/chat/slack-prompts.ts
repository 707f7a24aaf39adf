// Herald's questions in Slack (is the maintenance complete?): a direct message from the bot to the person
// asked (chat.postMessage to their user id), with a button per answer, and the answers pressed (taken into
// the inbox like every request; slack-surface.ts answers them). The core decides who may answer and what an
// answer does; this file only translates.

import type { App, BlockAction, ButtonAction, types } from '@slack/bolt';
import type { PromptMessage } from '../../automation/prompts.js';
import type { SlackMessage } from '../../templates/slack/blocks.js';
import { mrkdwn } from '../../templates/slack/text.js';

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

export interface SlackPromptOptions {
  app: App;
  /**
   * A press on one of the question's buttons, as the door takes it (appended to the inbox, then
   * acknowledged): the question's id (-1 when unreadable), the answer, the person and where to reply.
   */
  take(press: {
    triggerId: string;
    promptId: number;
    answer: string;
    user: { id: string; name: string };
    channel: string | null;
    responseUrl: string;
  }): Promise<void>;
}

/** Sends questions as direct messages, and takes presses on their buttons. Returns the sender. */
export function createSlackPrompts(options: SlackPromptOptions): (message: PromptMessage) => Promise<void> {
  const { app } = options;

  app.action<BlockAction<ButtonAction>>({ action_id: PROMPT_ACTION }, async ({ ack, body, action }) => {
    const promptId = Number(action.value);
    await options.take({
      triggerId: body.trigger_id,
      promptId: Number.isSafeInteger(promptId) ? promptId : -1,
      answer: action.action_id.slice(ACTION_PREFIX.length),
      user: { id: body.user.id, name: body.user.username ?? body.user.name ?? body.user.id },
      channel: body.channel?.id ?? null,
      responseUrl: body.response_url ?? '',
    });
    await ack();
  });

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
