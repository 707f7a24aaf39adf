// A published post as the Slack announcement channel shows it (the `slack` outlet), also shown in the
// preview. Pure; every word that came from a person goes through ./text.ts.

import type { DeliveryAction } from '../../bot/types.js';
import type { RenderedPost } from '../post.js';
import { headOf, promiseOf } from '../social.js';
import { type Block, contextBlock, fitBlocks, type SlackMessage, section, sections } from './block-kit.js';
import { clip, link, mrkdwn } from './text.js';

export function renderAnnouncement(post: RenderedPost, action: DeliveryAction): SlackMessage {
  const head = headOf(post, action);
  const body =
    action === 'retract'
      ? mrkdwn(post.retracted?.reason ?? '')
      : [
          post.eventTime ? `*Event time:* ${mrkdwn(post.eventTime)}` : '',
          ...post.paragraphs.map(mrkdwn),
          promiseOf(post, action) ? `*${mrkdwn(promiseOf(post, action))}*` : '',
        ]
          .filter(Boolean)
          .join('\n\n');
  const blocks: Block[] = [section(`*${mrkdwn(head)}*`)];
  if (body) blocks.push(...sections(body));
  const footer = contextBlock(
    `${link(post.permalink, `Incident #${post.incidentId} on the status site`)} · ${mrkdwn(post.stamp)}`,
  );
  const first = action === 'retract' ? (post.retracted?.reason ?? '') : (post.paragraphs[0] ?? '');
  return {
    text: clip(`${mrkdwn(head)}${first ? `: ${mrkdwn(first)}` : ''}`, 3000),
    blocks: fitBlocks(blocks, [footer]),
  };
}
