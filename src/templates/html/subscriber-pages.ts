// The pages Herald's HTTP server answers sign-ups, confirmations, the manage page and unsubscribes with.
// They share the site's look: `root` is where Herald's server serves the site's files (the path of
// HERALD_PUBLIC_URL), so the stylesheet comes from the same server as the page. No scripts; every value
// that came from a request is escaped.

import type { Catalog } from '../../bot/catalog.js';
import type { SiteConfig } from '../../config.js';
import { escapeHtml } from './escape.js';
import { renderPage } from './layout.js';
import { scopeHtml, siteHeaderHtml } from './subscribe-page.js';

export interface PageContext {
  site: SiteConfig;
  /** Path of Herald's public address, ending in `/`: where its server serves the site's files. */
  root: string;
}

/** A page with a heading and paragraphs of HTML (already escaped by the caller where needed). */
export function renderSubscriberPage(ctx: PageContext, heading: string, body: string): string {
  return renderPage({
    title: `${heading} · ${ctx.site.title}`,
    root: ctx.root,
    siteTitle: ctx.site.title,
    description: ctx.site.description,
    header: siteHeaderHtml(ctx.site, ctx.root),
    main: `<h1>${escapeHtml(heading)}</h1>\n${body}`,
  });
}

export const para = (text: string): string => `<p>${escapeHtml(text)}</p>`;

const backToForm = (ctx: PageContext): string =>
  `<p><a href="${escapeHtml(ctx.root)}subscribe.html">Back to the sign-up form</a></p>`;

/** The same page for every accepted e-mail sign-up, new address or known, mailed or held back. */
export function renderCheckMailPage(ctx: PageContext): string {
  return renderSubscriberPage(
    ctx,
    'Check your mail',
    `${para('If that address can be subscribed, a mail with a confirmation link is on its way to it. Follow the link to start receiving updates; nothing else is sent until then.')}
${para('The link works for 48 hours. No mail? Look in the spam folder, or try again in a quarter of an hour.')}`,
  );
}

export function renderRefusedPage(ctx: PageContext, problems: readonly string[]): string {
  const items = problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('\n');
  return renderSubscriberPage(
    ctx,
    'Not subscribed',
    `${para('Nothing was saved and nothing was sent:')}
<ul>
${items}
</ul>
${backToForm(ctx)}`,
  );
}

export function renderMessagePage(ctx: PageContext, heading: string, text: string, form = false): string {
  return renderSubscriberPage(ctx, heading, `${para(text)}${form ? `\n${backToForm(ctx)}` : ''}`);
}

/** Step 2 of a webhook sign-up: the signing secret, and the button that sends the signed test delivery. */
export function renderWebhookStepPage(
  ctx: PageContext,
  step: { url: string; secret: string; token: string; action: string; note?: string },
): string {
  return renderSubscriberPage(
    ctx,
    'Confirm your webhook',
    `${step.note ? `<p class="note" role="status">${escapeHtml(step.note)}</p>\n` : ''}${para(`Every call to ${step.url} will be signed per the Standard Webhooks specification (headers webhook-id, webhook-timestamp and webhook-signature) with this secret. Keep it: it is shown only now.`)}
<p class="secret"><code>${escapeHtml(step.secret)}</code></p>
${para('Set your endpoint up to verify signatures with it, then send the test delivery: the webhook is subscribed when it answers with a 2xx status. The button works for one hour.')}
<form method="post" action="${escapeHtml(step.action)}">
<input type="hidden" name="token" value="${escapeHtml(step.token)}">
<p><button type="submit">Send the test delivery</button></p>
</form>`,
  );
}

/** The manage page: change what is followed, or unsubscribe. */
export function renderManagePage(
  ctx: PageContext,
  manage: {
    address: string;
    catalog: Catalog;
    all: boolean;
    checked: ReadonlySet<string>;
    token: string;
    action: string;
    unsubscribeAction: string;
    note?: string;
  },
): string {
  return renderSubscriberPage(
    ctx,
    'Manage your subscription',
    `${manage.note ? `<p class="note" role="status">${escapeHtml(manage.note)}</p>\n` : ''}${para(`Updates go to ${manage.address}.`)}
<form method="post" action="${escapeHtml(manage.action)}">
<input type="hidden" name="token" value="${escapeHtml(manage.token)}">
${scopeHtml(manage.catalog, manage.all, manage.checked)}
<p><button type="submit">Save</button></p>
</form>
<form method="post" action="${escapeHtml(manage.unsubscribeAction)}">
<input type="hidden" name="token" value="${escapeHtml(manage.token)}">
<p><button type="submit" name="action" value="unsubscribe">Unsubscribe</button></p>
</form>`,
  );
}

/** GET on an unsubscribe link (a person, or a mail scanner): a button, so that a prefetch changes nothing. */
export function renderUnsubscribeAskPage(ctx: PageContext, ask: { token: string; action: string }): string {
  return renderSubscriberPage(
    ctx,
    'Unsubscribe',
    `${para('Stop all updates to this subscription?')}
<form method="post" action="${escapeHtml(ask.action)}">
<input type="hidden" name="token" value="${escapeHtml(ask.token)}">
<p><button type="submit">Unsubscribe</button></p>
</form>`,
  );
}
