// Text between Herald and Discord: people's words escaped for Discord markdown, cut to Discord's limits,
// and every message sent with mentions switched off.

import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  escapeMarkdown,
} from 'discord.js';

/** Discord's limit on a message's content. */
export const CONTENT_MAX = 2000;

export const NO_MENTIONS: { parse: [] } = { parse: [] };

export interface DiscordMessage {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  allowed_mentions: { parse: [] };
}

/** At most `max` characters (code points), cut with an ellipsis. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** People's words as plain text in Discord markdown: no bold, links, headings, lists or quotes of their own. */
export function escapeText(text: string): string {
  return escapeMarkdown(text, {
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
  }).replace(/^(\s*)>/gm, '$1\\>');
}

export const message = (content: string, extra: Partial<DiscordMessage> = {}): DiscordMessage => ({
  content: clip(content, CONTENT_MAX),
  embeds: [],
  components: [],
  allowed_mentions: NO_MENTIONS,
  ...extra,
});
