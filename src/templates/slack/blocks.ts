// The core's Outcome in Block Kit, from the neutral reply model (src/templates/reply/model.ts): the private
// answers of /status, the preview with its Publish / Edit / Cancel buttons and the Edit modal. Pure; every
// word that came from a person goes through ./text.ts.

import type { types } from '@slack/bolt';
import type { CoreSettings } from '../../bot/catalog.js';
import type { Outcome } from '../../bot/handle-command.js';
import type { Delivery } from '../../bot/types.js';
import type { SiteConfig } from '../../config.js';
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
import { renderReplyText } from '../text/reply.js';
import { formatEventTime } from '../time.js';
import { renderAnnouncement } from './announcement.js';
import {
  type Block,
  contextBlock,
  fitBlocks,
  header,
  type SlackMessage,
  section,
  sections,
} from './block-kit.js';
import { clip, link, mrkdwn, quote } from './text.js';

export type { Block, SlackMessage } from './block-kit.js';

export interface BlockContext {
  settings: CoreSettings;
  site: SiteConfig;
  /** Outlets that only log what they would send. */
  dryOutlets: ReadonlySet<string>;
}

type Recorded = Extract<Outcome, { kind: 'recorded' }>;
type PreviewOutcome = Extract<Outcome, { kind: 'preview' }>;

export const ACTIONS = {
  publish: 'herald_publish',
  edit: 'herald_edit',
  cancel: 'herald_cancel',
} as const;
export const EDIT_VIEW = 'herald_edit_view';
/** The Edit modal's input: its block and action ids. */
export const EDIT_INPUT = { block: 'command', action: 'text' } as const;

/** Slack's limits: blocks per message, characters in a section, a button's value, a text input. */
const MAX_VALUE = 2000;
export const MAX_EDIT_TEXT = 3000;

const OUTLET_NAMES: Record<string, string> = {
  site: 'Status site',
  twitter: 'Twitter/X',
  mastodon: 'Mastodon',
  bluesky: 'Bluesky',
  slack: 'Slack announcement',
  discord: 'Discord announcement',
};
const outletName = (outlet: string): string => OUTLET_NAMES[outlet] ?? outlet;

const SOCIAL: Record<string, { measure: Measure; unit: string }> = {
  twitter: { measure: TWITTER_MEASURE, unit: 'weighted length' },
  mastodon: { measure: mastodonMeasure(), unit: 'length' },
  bluesky: { measure: BLUESKY_MEASURE, unit: 'graphemes' },
};

const fallback = (outcome: Outcome, ctx: BlockContext): string =>
  clip(mrkdwn(renderReplyText(outcome, ctx.settings, ctx.dryOutlets)), 3000);

const when = (at: number, ctx: BlockContext): string => mrkdwn(dated(at, ctx.settings));

/** Each time the command gave, echoed as read. */
const timeLines = (times: Parameters<typeof timeEchoes>[0], ctx: BlockContext): string[] =>
  timeEchoes(times, ctx.settings).map(
    (t) => `*${t.label}:* ${mrkdwn(t.when)} (read from “${mrkdwn(t.input)}”${mrkdwn(t.note)})`,
  );

const MRKDWN: Escape = { words: mrkdwn, time: mrkdwn };

/** What became of one delivery, for staff: where, what, and what to do when it failed. */
function deliveryLine(d: Delivery, ref: string, ctx: BlockContext): string {
  const name = `*${outletName(d.outlet)}*${actionNote(d.action)}`;
  switch (progressOf(d, ctx.dryOutlets)) {
    case 'dry-sent':
      return `• ${name}: ${DRY_WORDS.sent}`;
    case 'dry-pending':
      return `• ${name}: ${DRY_WORDS.pending}`;
    case 'sent': {
      const at = d.sentAt === null ? '' : ` ${mrkdwn(formatEventTime(d.sentAt, []))}`;
      return `• ${name}: :white_check_mark: sent${at}${d.remoteUrl ? ` · ${link(d.remoteUrl, 'open')}` : ''}`;
    }
    case 'failed':
      return `• ${name}: :x: *failed*${failedWords(d, retryCommand('/status ', ref), MRKDWN)}`;
    case 'retrying':
      return `• ${name}: :hourglass: ${retryingWords(d, ctx.settings, MRKDWN)}`;
    case 'pending':
      return `• ${name}: pending`;
  }
}

/** A recorded change, with each delivery as it is now (the answer is re-rendered as they complete). */
export function renderRecorded(
  outcome: Recorded,
  deliveries: readonly Delivery[],
  ctx: BlockContext,
): SlackMessage {
  const { incident, post, command } = outcome;
  const ref = `${incident.id}.${post?.number ?? '?'}`;
  const { what, where } = recordedHead(command, incident, post);
  const lines = [
    `:white_check_mark: *${what}${where}* (${incidentFacts(incident, ctx.settings).kindAndStatus})`,
    `*Title:* ${mrkdwn(post?.title ?? incident.title)}`,
    `*Recorded at:* ${when(outcome.at, ctx)}`,
    ...timeLines(outcome.times, ctx),
  ];
  if (showsComponents(command, incident)) {
    const names = incident.components.map((c) => componentName(ctx.settings.catalog, c));
    lines.push(`*Components:* ${mrkdwn(names.join(', '))}`);
  }
  for (const note of outcome.notes) lines.push(`*Note:* ${mrkdwn(note)}`);
  const body: Block[] = sections(lines.join('\n'));
  if (deliveries.length) {
    body.push(...sections(['*Goes to*', ...deliveries.map((d) => deliveryLine(d, ref, ctx))].join('\n')));
  }
  const settled = deliveries.every((d) => d.status !== 'pending');
  const footer = contextBlock(
    settled
      ? 'Only you can see this.'
      : 'Only you can see this. It is updated as each delivery completes or fails.',
  );
  return {
    text: fallback({ ...outcome, deliveries: [...deliveries] }, ctx),
    blocks: fitBlocks(body, [footer]),
  };
}

/** The buttons' value: the preview, the request it came from (its Publish is that request), its author. */
export interface ButtonValue {
  previewId: string;
  /** The slash command's trigger_id: Publish is recorded under it, so one command publishes once. */
  requestId: string | null;
  authorId: string;
  /** The command text, when it fits in the value (to edit a preview shown before a restart). */
  text?: string;
}

export function encodeButton(value: ButtonValue): string {
  const { text, ...rest } = value;
  const short = JSON.stringify({ p: rest.previewId, r: rest.requestId, a: rest.authorId });
  if (text === undefined) return short;
  const long = JSON.stringify({ p: rest.previewId, r: rest.requestId, a: rest.authorId, t: text });
  return long.length <= MAX_VALUE ? long : short;
}

export function decodeButton(value: string | undefined): ButtonValue | null {
  try {
    const v = JSON.parse(value ?? '') as { p?: unknown; r?: unknown; a?: unknown; t?: unknown };
    if (typeof v.p !== 'string' || typeof v.a !== 'string') return null;
    return {
      previewId: v.p,
      requestId: typeof v.r === 'string' ? v.r : null,
      authorId: v.a,
      ...(typeof v.t === 'string' ? { text: v.t } : {}),
    };
  } catch {
    return null;
  }
}

function button(actionId: string, label: string, value: string, style?: 'primary' | 'danger'): types.Button {
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: label },
    value,
    ...(style ? { style } : {}),
  };
}

/** How the site will show the post: title, stamp, event time and paragraphs, quoted. */
function sitePreview(post: RenderedPost): Block[] {
  const lines = [`*${mrkdwn(post.title)}*`, `_${mrkdwn(post.stamp)}_`];
  if (post.eventTime) lines.push(mrkdwn(post.eventTime));
  const promise = post.nextUpdate ? [mrkdwn(post.nextUpdate.text)] : [];
  const text = [lines.join('\n'), ...post.paragraphs.map(mrkdwn), ...promise].join('\n\n');
  return [
    section(`*${outletName('site')}* · ${link(post.permalink, post.permalink)}`),
    ...sections(quote(text)),
  ];
}

function outletPreview(outlet: string, post: RenderedPost, ctx: BlockContext): Block[] {
  const dry = ctx.dryOutlets.has(outlet) ? ` · ${DRY_WORDS.pending}` : '';
  const social = SOCIAL[outlet];
  if (outlet === 'site') return sitePreview(post);
  if (social) {
    const text = formatSocialText(post, 'publish', social.measure);
    const size = `${social.unit} ${social.measure.length(text)} of ${social.measure.max}`;
    return [section(`*${outletName(outlet)}* · ${size}${dry}`), ...sections(quote(mrkdwn(text)))];
  }
  if (outlet === 'slack') {
    const where = post.number > 1 ? ", in the incident's thread" : '';
    const shown = renderAnnouncement(post, 'publish');
    const text = shown.blocks
      .flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []))
      .join('\n\n');
    return [
      section(`*${outletName(outlet)}* · in the announcement channel${where}`),
      ...sections(quote(text)),
    ];
  }
  return [section(`*${outletName(outlet)}*${dry}`)];
}

/** What the preview's command writes when it is not a new post (a correction or a retraction). */
function changePreview(outcome: PreviewOutcome): string {
  const c = outcome.command;
  if (c.kind === 'edit')
    return `*Correction of post ${c.post.incident}.${c.post.number}:*\n${quote(mrkdwn(c.message))}`;
  if (c.kind === 'retract')
    return `*Retraction of post ${c.post.incident}.${c.post.number}:*\n${quote(mrkdwn(c.reason))}`;
  return `*${mrkdwn(outcome.incident.title)}*`;
}

export interface PreviewOptions {
  button: Omit<ButtonValue, 'text'>;
  /** The command text: the Edit button appears when it is short enough for the modal. */
  text: string;
}

/** The post as the site and each network will show it, and the buttons that publish, edit or cancel it. */
export function renderPreview(
  outcome: PreviewOutcome,
  ctx: BlockContext,
  options: PreviewOptions,
): SlackMessage {
  const { incident, post } = outcome;
  const body: Block[] = [header('Preview: nothing is published yet')];
  if (post) {
    const rendered = renderPost(post, incident, { baseUrl: ctx.site.baseUrl, zones: ctx.settings.zones });
    body.push(
      section(
        `*${mrkdwn(post.title)}* · post ${incident.id}.${post.number} in incident #${incident.id} (${incident.kind})`,
      ),
    );
    for (const outlet of outcome.outlets)
      body.push({ type: 'divider' }, ...outletPreview(outlet, rendered, ctx));
  } else {
    body.push(...sections(changePreview(outcome)));
    if (outcome.outlets.length)
      body.push(section(`*Goes to:* ${outcome.outlets.map((o) => mrkdwn(outletName(o))).join(', ')}`));
  }
  const facts = [...timeLines(outcome.times, ctx), ...outcome.notes.map((n) => `*Note:* ${mrkdwn(n)}`)];
  if (facts.length) body.push({ type: 'divider' }, ...sections(facts.join('\n')));
  const value = encodeButton(options.button);
  const editable = options.text.length <= MAX_EDIT_TEXT;
  const buttons: types.ActionsBlock = {
    type: 'actions',
    block_id: 'herald_preview',
    elements: [
      button(ACTIONS.publish, 'Publish', value, 'primary'),
      ...(editable
        ? [button(ACTIONS.edit, 'Edit', encodeButton({ ...options.button, text: options.text }))]
        : []),
      button(ACTIONS.cancel, 'Cancel', value, 'danger'),
    ],
  };
  const footer = contextBlock(
    `Only you can see this, and only you can publish it, until ${mrkdwn(formatEventTime(outcome.expiresAt, ctx.settings.zones))}.`,
  );
  return { text: fallback(outcome, ctx), blocks: fitBlocks(body, [footer, buttons]) };
}

/** A preview that can no longer be published: cancelled, expired, refused. The buttons are gone. */
export function renderClosedPreview(why: string): SlackMessage {
  const text = mrkdwn(why);
  return { text, blocks: [section(`:no_entry_sign: ${text}`)] };
}

/** The Edit modal: the command text to change; submitting it makes a new preview. */
export function renderEditModal(text: string, privateMetadata: string): types.ModalView {
  return {
    type: 'modal',
    callback_id: EDIT_VIEW,
    private_metadata: privateMetadata,
    title: { type: 'plain_text', text: 'Edit the status post' },
    submit: { type: 'plain_text', text: 'Preview' },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [
      {
        type: 'input',
        block_id: EDIT_INPUT.block,
        label: { type: 'plain_text', text: 'Everything after /status' },
        element: {
          type: 'plain_text_input',
          action_id: EDIT_INPUT.action,
          multiline: true,
          initial_value: text,
          max_length: MAX_EDIT_TEXT,
        },
      },
      contextBlock('Nothing is published yet: you get a new preview, with its own Publish button.'),
    ],
  };
}

export const SORRY =
  'Sorry: something went wrong inside Herald. It has been logged; check `/status list` before trying again.';

/** Every other outcome: refusals, help, the list, a delivery report, retries, duplicates, cancellations. */
export function renderOutcome(
  outcome: Exclude<Outcome, { kind: 'preview' | 'recorded' }>,
  ctx: BlockContext,
): SlackMessage {
  const text = fallback(outcome, ctx);
  switch (outcome.kind) {
    case 'refused':
      return { text, blocks: sections(`:no_entry: *Refused:* ${mrkdwn(outcome.message)}`) };
    case 'help':
      return { text, blocks: fitBlocks(sections(mrkdwn(outcome.text))) };
    case 'list': {
      const { settings } = ctx;
      const lines = outcome.components.length
        ? outcome.components.map(
            (c) =>
              `• *${mrkdwn(componentName(settings.catalog, c))}*: ${STATE_WORDS[c.state]} since ${when(c.since, ctx)}`,
          )
        : [':large_green_circle: All systems operational.'];
      if (outcome.incidents.length) {
        lines.push('', '*Open incidents and maintenance*');
        for (const i of outcome.incidents) {
          const f = incidentFacts(i, settings);
          lines.push(`• ${f.ref} ${f.kindAndStatus}: “${mrkdwn(f.title)}”, ${mrkdwn(f.when)}`);
        }
      }
      if (outcome.failed.length) {
        lines.push('', '*Deliveries that failed*');
        for (const d of outcome.failed)
          lines.push(
            `• post ${d.postId} to ${mrkdwn(outletName(d.outlet))}: ${mrkdwn(d.lastError ?? 'unknown error')}`,
          );
      }
      return { text, blocks: fitBlocks(sections(lines.join('\n'))) };
    }
    case 'subscribers': {
      const s = subscriberLines(outcome.summary, ctx.settings.catalog);
      const lines = [`*${mrkdwn(s.heading)}*`, ...s.channels.map((l) => `• ${mrkdwn(l)}`)];
      if (s.components.length)
        lines.push('', '*Following (active)*', ...s.components.map((l) => `• ${mrkdwn(l)}`));
      return { text, blocks: fitBlocks(sections(lines.join('\n'))) };
    }
    case 'deliveries': {
      const { incident, post } = outcome;
      const ref = `${incident.id}.${post.number}`;
      const lines = [`*Post ${ref}* “${mrkdwn(post.title)}”`];
      if (!outcome.deliveries.length) lines.push('no deliveries');
      for (const d of outcome.deliveries) lines.push(deliveryLine(d, ref, ctx));
      return { text, blocks: fitBlocks(sections(lines.join('\n'))) };
    }
    case 'duplicate':
    case 'cancelled':
    case 'retried':
      return { text, blocks: sections(text) };
  }
}
