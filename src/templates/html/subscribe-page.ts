// subscribe.html: the sign-up form, written with the site's other pages. It works without JavaScript: a
// plain form that posts to Herald's HTTP server (its public address, which may differ from the site's),
// by e-mail or by webhook, for every component or some systems and services. Without SMTP configured,
// subscriptions are off and the page says so instead of showing a form that could not work.

import type { Catalog } from '../../bot/catalog.js';
import type { SiteConfig } from '../../config.js';
import { escapeHtml } from './escape.js';
import { renderPage } from './layout.js';

export interface SubscribeFormSettings {
  /** Where the form posts: `<HERALD_PUBLIC_URL>subscribe`; null when subscriptions are off. */
  action: string | null;
}

/** A whole system is `nc018`; one of its services `nc018/smtp` (the form's and the tokens' spelling). */
export const componentKey = (system: string, service = ''): string =>
  service ? `${system}/${service}` : system;

/**
 * The checkboxes of the components: each system, and under it each of its services. `checked` holds the
 * keys ticked (a manage page shows a subscriber's own).
 */
export function componentsFieldsetHtml(catalog: Catalog, checked: ReadonlySet<string> = new Set()): string {
  const names = new Map(catalog.services.map((s) => [s.id, s.name]));
  const box = (key: string, label: string) =>
    `<label><input type="checkbox" name="component" value="${escapeHtml(key)}"${checked.has(key) ? ' checked' : ''}> ${escapeHtml(label)}</label>`;
  const systems = catalog.systems.map((system) => {
    const services = system.services
      .map((svc) => `<li>${box(componentKey(system.id, svc), names.get(svc) ?? svc)}</li>`)
      .join('\n');
    return `<li>${box(componentKey(system.id), `${system.name} (all of it)`)}
<ul class="services">
${services}
</ul>
</li>`;
  });
  return `<ul class="components-choice">
${systems.join('\n')}
</ul>`;
}

/** The scope radios and the component checkboxes: every component, or only those ticked. */
export function scopeHtml(catalog: Catalog, all: boolean, checked: ReadonlySet<string> = new Set()): string {
  return `<fieldset>
<legend>Which components</legend>
<p><label><input type="radio" name="scope" value="all"${all ? ' checked' : ''}> Every system and service, now and later</label></p>
<p><label><input type="radio" name="scope" value="some"${all ? '' : ' checked'}> Only those ticked below</label></p>
${componentsFieldsetHtml(catalog, checked)}
</fieldset>`;
}

/** The site header every subscriber page shares: the site's name, linking its front page. */
export const siteHeaderHtml = (site: SiteConfig, root: string): string =>
  `<p class="site-name"><a href="${escapeHtml(root)}index.html">${escapeHtml(site.title)}</a></p>`;

function formHtml(catalog: Catalog, action: string): string {
  return `<form method="post" action="${escapeHtml(action)}" class="subscribe">
<fieldset>
<legend>How to reach you</legend>
<p><label for="email">E-mail address</label><br>
<input type="email" id="email" name="email" autocomplete="email" maxlength="254" size="40"></p>
<p>or</p>
<p><label for="webhook">Webhook URL (https://…), for your tools: a signed POST per update</label><br>
<input type="url" id="webhook" name="webhook" maxlength="2000" size="40"></p>
<p><label for="contact">Contact e-mail for the webhook (optional: told if it stops answering)</label><br>
<input type="email" id="contact" name="contact" maxlength="254" size="40"></p>
</fieldset>
${scopeHtml(catalog, true)}
<p class="hp" aria-hidden="true"><label for="website">Leave this field empty</label>
<input type="text" id="website" name="website" tabindex="-1" autocomplete="off"></p>
<p><button type="submit">Subscribe</button></p>
</form>
<p class="meta">An e-mail address gets one mail with a link to confirm; nothing else is sent until it is followed.
Every mail has a link to change what you follow and to unsubscribe in one click.</p>`;
}

export function renderSubscribeHtml(site: SiteConfig, catalog: Catalog, form: SubscribeFormSettings): string {
  const main = form.action
    ? `<h1>Subscribe to updates</h1>
<p>Get a mail, or a signed webhook call, when something you follow goes down, is degraded, is under
maintenance or comes back.</p>
${formHtml(catalog, form.action)}`
    : `<h1>Subscribe to updates</h1>
<p>Subscriptions by e-mail and webhook are not offered here at the moment.</p>
<p>You can follow every update through the feeds below, or on the <a href="index.html">status page</a>.</p>`;
  return renderPage({
    title: `Subscribe · ${site.title}`,
    root: '',
    canonical: new URL('subscribe.html', site.baseUrl).href,
    siteTitle: site.title,
    description: site.description,
    header: siteHeaderHtml(site, ''),
    main,
  });
}
