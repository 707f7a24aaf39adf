// The core's Outcome as Discord messages: the private answers (markdown, with the preview's embeds and
// buttons), the Edit modal, and the announcement an incident's thread carries. Pure. The content mirrors
// src/templates/reply-text.ts; words that come from people are escaped, and nothing Herald sends may ping
// (`allowed_mentions: { parse: [] }` on every message).

import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  type APIModalInteractionResponseCallbackData,
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
  TextInputStyle,
} from 'discord.js';
import type { CoreSettings } from '../../bot/catalog.js';
import type { Outcome } from '../../bot/handle-command.js';
import { describeDayShift } from '../../bot/parse-time.js';
import type { Delivery, DeliveryAction, Incident, Post } from '../../bot/types.js';
import { type RenderedPost, renderPost } from '../../templates/post.js';
import { componentName } from '../../templates/reply-text.js';
import {
  BLUESKY_MEASURE,
  bodyOf,
  formatSocialText,
  headOf,
  type Measure,
  mastodonMeasure,
  promiseOf,
  splitGraphemes,
  TWITTER_MEASURE,
} from '../../templates/social.js';
import { formatEventTime } from '../../templates/time.js';
import type { DeliveryNotice } from './chat-core.js';
import { clip } from './discord-commands.js';

/** Discord's limits. */
export const CONTENT_MAX = 2000;
const EMBED_DESCRIPTION_MAX = 4096;
const EMBEDS_TOTAL_MAX = 6000;
const EMBED_TITLE_MAX = 256;
const MODAL_TEXT_MAX = 4000;

export const NO_MENTIONS: { parse: [] } = { parse: [] };

export interface DiscordMessage {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  allowed_mentions: { parse: [] };
}

export interface DiscordRenderContext {
  settings: CoreSettings;
  /** The status site's address, for permalinks. */
  baseUrl: string;
  dryOutlets: ReadonlySet<string>;
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

const message = (content: string, extra: Partial<DiscordMessage> = {}): DiscordMessage => ({
  content: clip(content, CONTENT_MAX),
  embeds: [],
  components: [],
  allowed_mentions: NO_MENTIONS,
  ...extra,
});

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

/** One delivery as the private answer shows it, kept up to date from the publisher's notices. */
export interface DeliveryView {
  id: number;
  outlet: string;
  action: DeliveryAction;
  status: 'pending' | 'sent' | 'retrying' | 'failed';
  url: string | null;
  error: string | null;
  nextAttemptAt: number | null;
}

export function deliveryViews(deliveries: readonly Delivery[]): DeliveryView[] {
  return deliveries.map((d) => ({
    id: d.id,
    outlet: d.outlet,
    action: d.action,
    status: d.status === 'pending' && d.lastError ? 'retrying' : d.status,
    url: d.remoteUrl,
    error: d.lastError,
    nextAttemptAt: d.nextAttemptAt,
  }));
}

export function applyNotice(views: readonly DeliveryView[], notice: DeliveryNotice): DeliveryView[] {
  return views.map((v) =>
    v.id === notice.delivery.id
      ? {
          ...v,
          status: notice.status,
          url: notice.remoteUrl,
          error: notice.error,
          nextAttemptAt: notice.nextAttemptAt,
        }
      : v,
  );
}

function deliveryLine(v: DeliveryView, post: Post | null, ctx: DiscordRenderContext): string {
  const what = v.action === 'publish' ? '' : ` (${v.action === 'edit' ? 'correction' : 'retraction'})`;
  const dry = ctx.dryOutlets.has(v.outlet);
  const head = `• **${v.outlet}**${what}: `;
  const retry = post ? `\`/status retry ${post.incidentId}.${post.number}\`` : '`/status retry all`';
  switch (v.status) {
    case 'pending':
      return `${head}${dry ? 'dry run (no credentials): will be logged, not sent' : 'pending'}`;
    case 'sent':
      return `${head}${dry ? 'dry run: logged, not sent' : `sent${v.url ? ` <${v.url}>` : ''}`}`;
    case 'retrying':
      return `${head}not sent yet (${escapeText(v.error ?? 'unknown error')})${
        v.nextAttemptAt === null ? '' : `; next try ${formatEventTime(v.nextAttemptAt, ctx.settings.zones)}`
      }`;
    case 'failed':
      return `${head}**FAILED**: ${escapeText(v.error ?? 'unknown error')}. Fix the cause, then ${retry}.`;
  }
}

// ------------------------------------------------------------------------------------------ outcomes

const STATE_WORDS = {
  operational: 'operational',
  degraded: 'degraded',
  down: 'down',
  maintenance: 'in maintenance',
} as const;

function incidentLine(i: Incident, ctx: DiscordRenderContext): string {
  const zones = ctx.settings.zones;
  const when =
    i.status === 'scheduled' && i.startsAt !== null
      ? `starts ${formatEventTime(i.startsAt, zones, { date: true })}`
      : `since ${formatEventTime(i.openedAt, zones, { date: true })}`;
  const end = i.endsAt !== null ? `; expected end ${formatEventTime(i.endsAt, zones, { date: true })}` : '';
  return `• **#${i.id}** ${i.kind}, ${i.status.replace('_', ' ')}: “${escapeText(i.title)}”, ${when}${end}`;
}

const capitalized = (s: string): string => `${s[0]?.toUpperCase() ?? ''}${s.slice(1)}`;

function timeLines(
  times: ReadonlyArray<{ label: string; at: number; input: string }>,
  ctx: DiscordRenderContext,
): string[] {
  return times.map(
    (t) =>
      `**${capitalized(t.label)}:** ${formatEventTime(t.at, ctx.settings.zones, { date: true })} (read from “${escapeText(t.input)}”${escapeText(describeDayShift(t))})`,
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
  deliveries?: readonly DeliveryView[],
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
          `• **${componentName(ctx.settings.catalog, c)}**: ${STATE_WORDS[c.state]} since ${formatEventTime(c.since, zones, { date: true })}`,
        );
      }
      if (outcome.incidents.length) {
        lines.push('', '**Open incidents and maintenance:**');
        for (const i of outcome.incidents) lines.push(incidentLine(i, ctx));
      }
      if (outcome.failed.length) {
        lines.push('', '**Deliveries that failed:**');
        for (const d of outcome.failed)
          lines.push(`• post ${d.postId} to ${d.outlet}: ${escapeText(d.lastError ?? 'unknown error')}`);
      }
      return message(lines.join('\n'));
    }
    case 'deliveries': {
      const { incident, post } = outcome;
      const views = deliveryViews(outcome.deliveries);
      return message(
        [
          `**Post ${incident.id}.${post.number}** “${escapeText(post.title)}”:`,
          ...(views.length ? views.map((v) => deliveryLine(v, post, ctx)) : ['no deliveries']),
        ].join('\n'),
      );
    }
    case 'preview': {
      const post = outcome.post;
      const rendered = post && renderPost(post, outcome.incident, { baseUrl: ctx.baseUrl, zones });
      const lines = [
        `**Preview** (nothing is published yet): ${escapeText(post?.title ?? outcome.incident.title)}`,
        `**Would go to:** ${outcome.outlets.map((o) => (ctx.dryOutlets.has(o) ? `${o} (dry run)` : o)).join(', ') || 'nowhere'}`,
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
      const what =
        command.kind === 'edit'
          ? `**Corrected post ${incident.id}.${post?.number}**`
          : command.kind === 'retract'
            ? `**Retracted post ${incident.id}.${post?.number}**`
            : `**Recorded post ${incident.id}.${post?.number}** in incident #${incident.id} (${incident.kind}, ${incident.status.replace('_', ' ')})`;
      const lines = [
        what,
        `**Title:** ${escapeText(post?.title ?? incident.title)}`,
        `**Recorded at:** ${formatEventTime(outcome.at, zones, { date: true })}`,
        ...timeLines(outcome.times, ctx),
      ];
      if (incident.components.length && command.kind !== 'edit' && command.kind !== 'retract') {
        lines.push(
          `**Components:** ${incident.components.map((c) => componentName(ctx.settings.catalog, c)).join(', ')}`,
        );
      }
      for (const note of outcome.notes) lines.push(`**Note:** ${escapeText(note)}`);
      const views = deliveries ?? deliveryViews(outcome.deliveries);
      if (views.length) lines.push('**Goes to:**', ...views.map((v) => deliveryLine(v, post, ctx)));
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

// -------------------------------------------------------------------------------------- announcements

const ELLIPSIS = '…';

/**
 * A post as the announcement channel shows it: the title in bold, the text, the permalink (in `<>`, so
 * Discord shows no preview card of the site under every update). People's words are escaped; mentions are
 * left as typed and silenced by `allowed_mentions`. At most 2000 characters: the text is cut with an
 * ellipsis, never the link.
 */
export function formatAnnouncement(post: RenderedPost, action: DeliveryAction): string {
  const head = `**${escapeText(clip(headOf(post, action), 300))}**`;
  // The promise of the next update is kept whole, like the link.
  const promise = promiseOf(post, action);
  const tail = `${promise ? `**${escapeText(promise)}**\n\n` : ''}<${post.permalink}>`;
  const body = bodyOf(post, action);
  const join = (b: string) => [head, b, tail].filter(Boolean).join('\n\n');
  const full = join(escapeText(body));
  if (full.length <= CONTENT_MAX) return full;
  const chars = splitGraphemes(body);
  let lo = 0;
  let hi = chars.length;
  const fits = (n: number) =>
    join(`${escapeText(chars.slice(0, n).join('').trimEnd())}${ELLIPSIS}`).length <= CONTENT_MAX;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return join(`${escapeText(chars.slice(0, lo).join('').trimEnd())}${ELLIPSIS}`);
}

/** A thread's name: the incident's title, as Discord allows (1–100 characters). */
export function threadName(post: RenderedPost): string {
  return clip(`#${post.incident.id} ${post.incident.title}`.replace(/\s+/g, ' ').trim(), 100);
}
