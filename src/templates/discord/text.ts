// Text between Herald and Discord: people's words escaped for Discord markdown, cut to Discord's limits,
// and every message sent with mentions switched off.

import { escapeMarkdown } from '@discordjs/formatters';
import type { APIActionRowComponent, APIButtonComponentWithCustomId, APIEmbed } from 'discord-api-types/v10';
import { neutraliseBidi } from '../bidi.js';

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

/**
 * People's words as plain text in Discord markdown: no bold, links, headings, lists or quotes of their own,
 * and no bidirectional control (../bidi.ts).
 */
export function escapeText(text: string): string {
  return escapeMarkdown(neutraliseBidi(text), {
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
  }).replace(/^(\s*)>/gm, '$1\\>');
}

const neutralEmbed = (e: APIEmbed): APIEmbed => ({
  ...e,
  ...(e.title === undefined ? {} : { title: neutraliseBidi(e.title) }),
  ...(e.description === undefined ? {} : { description: neutraliseBidi(e.description) }),
  ...(e.footer === undefined ? {} : { footer: { ...e.footer, text: neutraliseBidi(e.footer.text) } }),
});

/**
 * A private answer. Some of Herald's sentences quote what was typed (a refusal names the unknown word):
 * the whole message, embeds too, is cleared of bidirectional controls.
 */
export const message = (content: string, extra: Partial<DiscordMessage> = {}): DiscordMessage => {
  const m: DiscordMessage = {
    content: clip(content, CONTENT_MAX),
    embeds: [],
    components: [],
    allowed_mentions: NO_MENTIONS,
    ...extra,
  };
  return { ...m, content: neutraliseBidi(m.content), embeds: m.embeds.map(neutralEmbed) };
};
