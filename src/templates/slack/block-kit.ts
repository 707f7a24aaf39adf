// Block Kit's pieces as Herald uses them, within Slack's limits (50 blocks a message, 3000 characters a
// section, 2000 a context element, 150 a header). Text passed in is already escaped mrkdwn.

import type { types } from '@slack/bolt';
import { chunk, clip, plain } from './text.js';

export type Block = types.KnownBlock;

export interface SlackMessage {
  /** The notification and screen-reader text (mrkdwn, escaped). */
  text: string;
  blocks: Block[];
}

const MAX_BLOCKS = 50;

export const section = (text: string): types.SectionBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text },
});
export const sections = (escaped: string): types.SectionBlock[] => chunk(escaped).map(section);
export const contextBlock = (text: string): types.ContextBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(text, 2000) }],
});
export const header = (text: string): types.HeaderBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: clip(plain(text), 150) },
});

/** Body blocks cut to fit one message with `tail` (the buttons, the footer) after them. */
export function fitBlocks(body: Block[], tail: Block[] = []): Block[] {
  const room = MAX_BLOCKS - tail.length;
  if (body.length <= room) return [...body, ...tail];
  return [...body.slice(0, room - 1), contextBlock('… (cut: too long for one Slack message)'), ...tail];
}
