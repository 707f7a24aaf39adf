// The core's Outcome as Discord messages, from the neutral reply model (src/templates/reply/model.ts): the
// private answers (markdown, with the preview's embeds and buttons) and the Edit modal. Pure. Words that
// come from people are escaped, and nothing Herald sends may ping (`allowed_mentions: { parse: [] }`).

import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  type APIModalInteractionResponseCallbackData,
  ButtonStyle,
  ComponentType,
  TextInputStyle,
} from 'discord-api-types/v10';
import type { CoreSettings } from '../../bot/catalog.js';
import type { Outcome } from '../../bot/handle-command.js';
import type { Delivery, DeliveryAction, Post } from '../../bot/types.js';
import { type RenderedPost, renderPost } from '../post.js';
import {
  actionNote,
  componentName,
  DRY_WORDS,
  dated,
  type Escape,
  failedWords,
  incidentFacts,
  progressOf,
  recordedHead,
  retryCommand,
  retryingWords,
  STATE_WORDS,
  showsComponents,
  timeEchoes,
} from '../reply/model.js';
import { subscriberLines } from '../reply/subscribers.js';
import {
  BLUESKY_MEASURE,
  formatSocialText,
  type Measure,
  mastodonMeasure,
  TWITTER_MEASURE,
} from '../social.js';
import { formatEventTime } from '../time.js';
import { formatAnnouncement } from './announcement.js';
import { CONTENT_MAX, clip, type DiscordMessage, escapeText, message } from './text.js';

export { CONTENT_MAX, type DiscordMessage, escapeText, NO_MENTIONS } from './text.js';

const EMBED_DESCRIPTION_MAX = 4096;
const EMBEDS_TOTAL_MAX = 6000;
const EMBED_TITLE_MAX = 256;
const MODAL_TEXT_MAX = 4000;

export interface DiscordRenderContext {
  settings: CoreSettings;
  /** The status site's address, for permalinks. */
  baseUrl: string;
  dryOutlets: ReadonlySet<string>;
}

// ------------------------------------------------------------------------------------------ buttons

export type PreviewButton = 'publish' | 'edit' | 'cancel';
const BUTTON_PREFIX = 'herald';
const MODAL_PREFIX = 'herald:modal:';
export const MODAL_TEXT_ID = 'text';

export const buttonId = (action: PreviewButton, previewId: string): string =>
  `${BUTTON_PREFIX}:${action}:${previewId}`;

export function parseButtonId(customId: string): { action: PreviewButton; previewId: string } | null {
  const m = /^herald:(publish|edit|cancel):([\w-]{1,80})$/.exec(customId);
  return m?.[1] && m[2] ? { action: m[1] as PreviewButton, previewId: m[2] } : null;
}

export const modalId = (previewId: string): string => `${MODAL_PREFIX}${previewId}`;

export function parseModalId(customId: string): string | null {
  const m = /^herald:modal:([\w-]{1,80})$/.exec(customId);
  return m?.[1] ?? null;
}

function previewButtons(previewId: string): APIActionRowComponent<APIButtonComponentWithCustomId> {
  const button = (action: PreviewButton, label: string, style: APIButtonComponentWithCustomId['style']) => ({
    type: ComponentType.Button as const,
    custom_id: buttonId(action, previewId),
    label,
    style,
  });
  return {
    type: ComponentType.ActionRow,
    components: [
      button('publish', 'Publish', ButtonStyle.Success),
      button('edit', 'Edit', ButtonStyle.Secondary),
      button('cancel', 'Cancel', ButtonStyle.Danger),
    ],
  };
}

/** The Edit modal: the command as text, to change and preview again. */
export function editModal(previewId: string, text: string): APIModalInteractionResponseCallbackData {
  return {
    custom_id: modalId(previewId),
    title: 'Edit the command',
    components: [
      {
        type: ComponentType.Label,
        label: 'The command, as after /status',
        component: {
          type: ComponentType.TextInput,
          custom_id: MODAL_TEXT_ID,
          style: TextInputStyle.Paragraph,
          value: clip(text, MODAL_TEXT_MAX),
          max_length: MODAL_TEXT_MAX,
          required: true,
        },
      },
    ],
  };
}

// -------------------------------------------------------------------------------------- deliveries

const MARKDOWN: Escape = { words: escapeText, time: (t) => t };

/** One delivery as the private answer shows it (kept up to date with the model's applyNotice). */
function deliveryLine(d: Delivery, post: Post | null, ctx: DiscordRenderContext): string {
  const head = `• **${d.outlet}**${actionNote(d.action)}: `;
  const ref = post ? `${post.incidentId}.${post.number}` : null;
  switch (progressOf(d, ctx.dryOutlets)) {
    case 'pending':
      return `${head}pending`;
    case 'dry-pending':
      return `${head}${DRY_WORDS.pending}`;
    case 'dry-sent':
      return `${head}${DRY_WORDS.sent}`;
    case 'sent':
      return `${head}sent${d.remoteUrl ? ` <${d.remoteUrl}>` : ''}`;
    case 'retrying':
      return `${head}${retryingWords(d, ctx.settings, MARKDOWN)}`;
    case 'failed':
      return `${head}**FAILED**${failedWords(d, retryCommand('/status ', ref), MARKDOWN)}`;
  }
}

// ------------------------------------------------------------------------------------------ outcomes

function timeLines(
  times: ReadonlyArray<{ label: string; at: number; input: string }>,
  ctx: DiscordRenderContext,
): string[] {
  return timeEchoes(times, ctx.settings).map(
    (t) => `**${t.label}:** ${t.when} (read from “${escapeText(t.input)}”${escapeText(t.note)})`,
  );
}

function actionOf(kind: string): DeliveryAction {
  return kind === 'edit' ? 'edit' : kind === 'retract' ? 'retract' : 'publish';
}

/** How a network shows a post, for the preview: the measure it counts by and its name. */
const NETWORKS: Readonly<Record<string, { label: string; measure: Measure; unit: string }>> = {
  twitter: { label: 'X (Twitter)', measure: TWITTER_MEASURE, unit: 'weighted characters, as X counts' },
  mastodon: { label: 'Mastodon', measure: mastodonMeasure(), unit: 'characters, links count 23' },
  bluesky: { label: 'Bluesky', measure: BLUESKY_MEASURE, unit: 'graphemes' },
};

/** The post as the site, each network and a Discord announcement will show it. */
function previewEmbeds(post: RenderedPost, action: DeliveryAction, outlets: readonly string[]): APIEmbed[] {
  const embeds: APIEmbed[] = [];
  for (const outlet of outlets) {
    const network = NETWORKS[outlet];
    if (outlet === 'site') {
      const body = action === 'retract' ? `Retracted: ${post.retracted?.reason ?? ''}` : siteBody(post);
      embeds.push({
        title: clip(post.title, EMBED_TITLE_MAX),
        url: post.permalink,
        description: clip(escapeText(body), EMBED_DESCRIPTION_MAX),
        footer: { text: `Status site · ${post.stamp}` },
      });
    } else if (network) {
      const text = formatSocialText(post, action, network.measure);
      embeds.push({
        title: network.label,
        description: escapeText(text),
        footer: { text: `${network.measure.length(text)}/${network.measure.max} ${network.unit}` },
      });
    } else if (outlet === 'discord') {
      const text = formatAnnouncement(post, action);
      embeds.push({
        title: 'Discord announcement',
        description: text,
        footer: { text: `${[...text].length}/${CONTENT_MAX} characters` },
      });
    }
  }
  // Discord refuses more than 6000 characters over all embeds: the site's (the longest) gives way.
  const size = (e: APIEmbed) =>
    (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0);
  const total = embeds.reduce((n, e) => n + size(e), 0);
  const site = embeds[0];
  if (total > EMBEDS_TOTAL_MAX && site?.description && outlets[0] === 'site') {
    site.description = clip(
      site.description,
      Math.max(100, site.description.length - (total - EMBEDS_TOTAL_MAX)),
    );
  }
  return embeds.slice(0, 10);
}

function siteBody(post: RenderedPost): string {
  return [post.eventTime ? `${post.eventTime}:` : '', ...post.paragraphs, post.nextUpdate?.text ?? '']
    .filter(Boolean)
    .join('\n\n');
}

export function renderOutcome(
  outcome: Outcome,
  ctx: DiscordRenderContext,
  /** The deliveries as they are now (the outcome's, updated from notices). */
  deliveries?: readonly Delivery[],
): DiscordMessage {
  const zones = ctx.settings.zones;
  switch (outcome.kind) {
    case 'refused':
      return message(`**Refused:** ${outcome.message}\nNothing was recorded or published.`);
    case 'help':
      return message('', {
        embeds: [{ title: 'Herald: /status', description: clip(outcome.text, EMBED_DESCRIPTION_MAX) }],
      });
    case 'list': {
      const lines: string[] = [];
      if (!outcome.components.length) lines.push('All systems operational.');
      for (const c of outcome.components) {
        lines.push(
          `• **${componentName(ctx.settings.catalog, c)}**: ${STATE_WORDS[c.state]} since ${dated(c.since, ctx.settings)}`,
        );
      }
      if (outcome.incidents.length) {
        lines.push('', '**Open incidents and maintenance:**');
        for (const i of outcome.incidents) {
          const f = incidentFacts(i, ctx.settings);
          lines.push(`• **${f.ref}** ${f.kindAndStatus}: “${escapeText(f.title)}”, ${f.when}`);
        }
      }
      if (outcome.failed.length) {
        lines.push('', '**Deliveries that failed:**');
        for (const d of outcome.failed)
          lines.push(`• post ${d.postId} to ${d.outlet}: ${escapeText(d.lastError ?? 'unknown error')}`);
      }
      return message(lines.join('\n'));
    }
    case 'subscribers': {
      const s = subscriberLines(outcome.summary, ctx.settings.catalog);
      const lines = [`**${escapeText(s.heading)}**`, ...s.channels.map((l) => `• ${escapeText(l)}`)];
      if (s.components.length)
        lines.push('', '**Following (active):**', ...s.components.map((l) => `• ${escapeText(l)}`));
      return message(lines.join('\n'));
    }
    case 'deliveries': {
      const { incident, post } = outcome;
      const ds = outcome.deliveries;
      return message(
        [
          `**Post ${incident.id}.${post.number}** “${escapeText(post.title)}”:`,
          ...(ds.length ? ds.map((d) => deliveryLine(d, post, ctx)) : ['no deliveries']),
        ].join('\n'),
      );
    }
    case 'preview': {
      const post = outcome.post;
      const rendered = post && renderPost(post, outcome.incident, { baseUrl: ctx.baseUrl, zones });
      const lines = [
        `**Preview** (nothing is published yet): ${escapeText(post?.title ?? outcome.incident.title)}`,
        `**Would go to:** ${outcome.outlets.map((o) => (ctx.dryOutlets.has(o) ? `${o} (${DRY_WORDS.pending})` : o)).join(', ') || 'nowhere'}`,
        ...timeLines(outcome.times, ctx),
        ...outcome.notes.map((n) => `**Note:** ${escapeText(n)}`),
        `Publish before ${formatEventTime(outcome.expiresAt, zones)}, or it lapses and nothing is published.`,
      ];
      return message(lines.join('\n'), {
        embeds: rendered ? previewEmbeds(rendered, actionOf(outcome.command.kind), outcome.outlets) : [],
        components: [previewButtons(outcome.previewId)],
      });
    }
    case 'duplicate':
      return message(
        outcome.postId === null
          ? 'Already done: this request was handled before, and nothing changed twice.'
          : `Already published (post id ${outcome.postId}): nothing changed twice.`,
      );
    case 'cancelled':
      return message('Cancelled: nothing was published.');
    case 'retried':
      return message(
        outcome.count
          ? `Queued ${outcome.count} failed deliver${outcome.count === 1 ? 'y' : 'ies'} again${outcome.post ? ` for post ${outcome.post.incidentId}.${outcome.post.number}` : ''}.`
          : `Nothing to retry${outcome.post ? ` for post ${outcome.post.incidentId}.${outcome.post.number}` : ''}: no delivery has failed.`,
      );
    case 'recorded': {
      const { incident, post, command } = outcome;
      const { what: head, where } = recordedHead(command, incident, post);
      const status = where ? ` (${incidentFacts(incident, ctx.settings).kindAndStatus})` : '';
      const what = `**${head}**${where}${status}`;
      const lines = [
        what,
        `**Title:** ${escapeText(post?.title ?? incident.title)}`,
        `**Recorded at:** ${dated(outcome.at, ctx.settings)}`,
        ...timeLines(outcome.times, ctx),
      ];
      if (showsComponents(command, incident)) {
        lines.push(
          `**Components:** ${incident.components.map((c) => componentName(ctx.settings.catalog, c)).join(', ')}`,
        );
      }
      for (const note of outcome.notes) lines.push(`**Note:** ${escapeText(note)}`);
      const ds = deliveries ?? outcome.deliveries;
      if (ds.length) lines.push('**Goes to:**', ...ds.map((d) => deliveryLine(d, post, ctx)));
      return message(lines.join('\n'));
    }
  }
}

/** Said instead of an answer when something unexpected went wrong (it is in Herald's log). */
export function renderApology(): DiscordMessage {
  return message(
    'Sorry: something went wrong inside Herald, and this command may not have been recorded. It has been logged; check with `/status list` before trying again.',
  );
}
