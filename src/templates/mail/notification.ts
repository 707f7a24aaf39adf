// A subscriber's mail about one post: a plain-text and an HTML part, every time in UTC and the client zones,
// the incident's link, the manage link and the one-click unsubscribe. Pure: everything comes in as
// arguments. Post text is plain (src/templates/post.ts) and is escaped here for the HTML part.

import type { ZoneDef } from '../../bot/catalog.js';
import type { Composed } from '../../subscribers/compose.js';
import { escapeHtml, userLines, userText } from '../html/escape.js';
import { formatEventTime } from '../time.js';

export interface MailLinks {
  manage: string;
  unsubscribe: string;
}

export interface MailParts {
  subject: string;
  text: string;
  html: string;
}

const STATE_WORDS = {
  operational: 'Operational',
  degraded: 'Degraded',
  down: 'Down',
  maintenance: 'Maintenance',
} as const;

/** A header value on one line: CR, LF and other controls become spaces (no header injection). */
export const oneLine = (text: string): string =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();

function heading(c: Composed): { label: string; at: number } {
  if (c.action === 'retract' && c.post.retracted) return { label: 'Retracted', at: c.post.retracted.at };
  const correction = c.post.corrections.at(-1);
  if (c.action === 'edit' && correction) return { label: 'Corrected', at: correction.at };
  return { label: 'Posted', at: c.post.publishedAt };
}

/**
 * A post's mail as a function of a subscriber's links. Everything but the footer is the same for every
 * subscriber of a post, so it is rendered once here; each mail only adds the footer with its links (the
 * strings are joined, not copied: a fan-out to thousands shares one rendering).
 */
export function notificationMailRenderer(
  c: Composed,
  ctx: { siteTitle: string; zones: readonly ZoneDef[] },
): (links: MailLinks) => MailParts {
  const { post, components } = c;
  const when = heading(c);
  const time = formatEventTime(when.at, ctx.zones, { date: true });
  const prefix = c.action === 'retract' ? 'Retracted: ' : c.action === 'edit' ? 'Corrected: ' : '';
  const subject = oneLine(`[${ctx.siteTitle}] ${prefix}${post.title}`);
  const componentLines = components.map((x) => `${x.systemName} ${x.serviceName}: ${STATE_WORDS[x.state]}`);
  const retraction = post.retracted ? `This post was retracted: ${post.retracted.reason}` : null;
  const text = [
    `${post.incident.title} (#${post.incident.id})`,
    '',
    post.title,
    `${when.label} ${time}`,
    ...(post.eventTime ? [`Event time: ${post.eventTime}`] : []),
    '',
    ...(retraction ? [retraction, '', 'What it said:', ''] : []),
    post.text,
    ...(post.nextUpdate ? ['', post.nextUpdate.text] : []),
    ...(componentLines.length ? ['', 'Components now:', ...componentLines.map((l) => `- ${l}`)] : []),
    '',
    `The incident: ${post.incident.url}`,
    '',
    '--',
    `You subscribed to ${ctx.siteTitle}.`,
  ].join('\n');
  const html = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(subject)}</title></head><body>`,
    `<p><a href="${escapeHtml(post.incident.url)}">${userText(post.incident.title)} (#${post.incident.id})</a></p>`,
    `<h1>${userText(post.title)}</h1>`,
    `<p><strong>${when.label}</strong> <time datetime="${new Date(when.at).toISOString()}">${escapeHtml(time)}</time></p>`,
    ...(post.eventTime ? [`<p>Event time: ${escapeHtml(post.eventTime)}</p>`] : []),
    ...(retraction ? [`<p><strong>${userText(retraction)}</strong></p>`, '<p>What it said:</p>'] : []),
    ...post.paragraphs.map((p) => `<p>${userLines(p)}</p>`),
    ...(post.nextUpdate ? [`<p>${escapeHtml(post.nextUpdate.text)}</p>`] : []),
    ...(componentLines.length
      ? ['<p>Components now:</p><ul>', ...componentLines.map((l) => `<li>${escapeHtml(l)}</li>`), '</ul>']
      : []),
    `<p><a href="${escapeHtml(post.incident.url)}">The incident on ${escapeHtml(ctx.siteTitle)}</a></p>`,
    '<hr>',
    `<p>You subscribed to ${escapeHtml(ctx.siteTitle)}. `,
  ].join('\n');
  return (links) => ({
    subject,
    text: `${text}\nChoose what you follow: ${links.manage}\nUnsubscribe: ${links.unsubscribe}\n`,
    html: `${html}<a href="${escapeHtml(links.manage)}">Choose what you follow</a> · \n<a href="${escapeHtml(links.unsubscribe)}">Unsubscribe</a></p>\n</body></html>\n`,
  });
}

export function renderNotificationMail(
  c: Composed,
  ctx: { siteTitle: string; zones: readonly ZoneDef[]; links: MailLinks },
): MailParts {
  return notificationMailRenderer(c, ctx)(ctx.links);
}

/** The mail to a webhook's contact address when the webhook was disabled after its run of failures. */
export function renderDisabledMail(input: {
  siteTitle: string;
  url: string;
  failures: number;
  lastError: string | null;
  manage: string;
}): MailParts {
  const subject = oneLine(`[${input.siteTitle}] Your webhook was disabled`);
  const why = input.lastError ? `The last error: ${input.lastError}` : '';
  const text = [
    `Your webhook ${input.url} failed ${input.failures} times in a row, so ${input.siteTitle} stopped sending to it.`,
    ...(why ? [why] : []),
    '',
    `To turn it on again, confirm it on its manage page: ${input.manage}`,
    '',
  ].join('\n');
  const html = [
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(subject)}</title></head><body>`,
    `<p>Your webhook <code>${escapeHtml(input.url)}</code> failed ${input.failures} times in a row, so ${escapeHtml(input.siteTitle)} stopped sending to it.</p>`,
    ...(why ? [`<p>${escapeHtml(why)}</p>`] : []),
    `<p><a href="${escapeHtml(input.manage)}">Turn it on again on its manage page</a></p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { subject, text, html };
}
