// Herald's questions in Discord (is the maintenance complete?): a direct message from the bot (a DM
// channel opened with POST /users/@me/channels, then a message in it) with a button per answer. The
// presses come back as interactions, which src/adapters/chat/discord.ts hands to the core.

import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  ButtonStyle,
  ComponentType,
  Routes,
} from 'discord-api-types/v10';
import type { PromptMessage } from '../../automation/prompts.js';
import { type DiscordMessage, escapeText, NO_MENTIONS } from '../../templates/discord/text.js';
import type { REST } from '../discord-client/rest.js';

/** `herald:prompt:<question id>:<answer>`. */
export const promptButtonId = (promptId: number, answer: string): string =>
  `herald:prompt:${promptId}:${answer}`;

export function parsePromptButtonId(customId: string): { promptId: number; answer: string } | null {
  const m = /^herald:prompt:(\d{1,15}):(\w{1,40})$/.exec(customId);
  return m?.[1] && m[2] ? { promptId: Number(m[1]), answer: m[2] } : null;
}

export function renderPrompt(message: PromptMessage): DiscordMessage {
  const row: APIActionRowComponent<APIButtonComponentWithCustomId> = {
    type: ComponentType.ActionRow,
    components: message.choices.map((c) => ({
      type: ComponentType.Button,
      custom_id: promptButtonId(message.prompt.id, c.answer),
      label: c.label,
      style: c.primary ? ButtonStyle.Success : ButtonStyle.Secondary,
    })),
  };
  return {
    content: `${escapeText(message.text)}\n-# ${escapeText(message.detail)}`,
    embeds: [],
    // A reminder has nothing to answer: Discord refuses an empty action row.
    components: row.components.length ? [row] : [],
    allowed_mentions: NO_MENTIONS,
  };
}

/** Herald's word back on an answer that changes nothing (Not yet). */
export const renderNote = (text: string): DiscordMessage => ({
  content: escapeText(text),
  embeds: [],
  components: [],
  allowed_mentions: NO_MENTIONS,
});

/**
 * Sends a question as a direct message from the bot (which needs DISCORD_TOKEN); a reminder for a channel
 * (a promised update, in the announcement channel) is posted in that channel.
 */
export function createDiscordPromptSender(rest: REST): (message: PromptMessage) => Promise<void> {
  return async (message) => {
    if (message.audience === 'channel') {
      await rest.post(Routes.channelMessages(message.prompt.to.id), { body: renderPrompt(message) });
      return;
    }
    const dm = (await rest.post(Routes.userChannels(), {
      body: { recipient_id: message.prompt.to.id },
    })) as { id: string };
    await rest.post(Routes.channelMessages(dm.id), { body: renderPrompt(message) });
  };
}
