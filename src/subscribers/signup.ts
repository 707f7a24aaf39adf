// The public side of subscribing, behind the HTTP routes (http.ts): sign up, confirm (double opt-in), the
// webhook's signed test delivery, manage, unsubscribe. Each step answers a status and a page; nothing
// here knows express. The answers never tell whether an address is subscribed: every accepted e-mail
// sign-up gets the same page, mailed or not. Nothing is written before a confirmation: the link carries
// what was asked (tokens.ts).

import { randomBytes } from 'node:crypto';
import type { Catalog } from '../bot/catalog.js';
import type { Logger } from '../logger.js';
import { escapeHtml } from '../templates/html/escape.js';
import {
  type PageContext,
  para,
  renderCheckMailPage,
  renderManagePage,
  renderMessagePage,
  renderRefusedPage,
  renderSubscriberPage,
  renderUnsubscribeAskPage,
  renderWebhookStepPage,
} from '../templates/html/subscriber-pages.js';
import type { ConfirmationMailer } from './confirmation-mail.js';
import type { SubscriberLinks } from './links.js';
import type { RateLimiter } from './rate-limit.js';
import { describeScope, type FormBody, readScope, readSignupForm } from './signup-form.js';
import type { Scope, TokenCheck, TokenPayload, TokenSigner } from './tokens.js';

export const CONFIRM_TTL_MS = 48 * 3_600_000;
export const WEBHOOK_STEP_TTL_MS = 3_600_000;

export interface SubscriberView {
  id: number;
  channel: 'email' | 'webhook';
  address: string;
  status: 'pending' | 'active' | 'disabled' | 'unsubscribed';
  scope: Scope;
  createdAt: number;
  confirmedAt: number | null;
  unsubscribedAt: number | null;
}

/** What the sign-up needs of the subscriber store. */
export interface SignupDirectory {
  find(channel: 'email' | 'webhook', address: string): SubscriberView | undefined;
  byId(id: number): SubscriberView | undefined;
  /** Creates, or re-activates, an active subscriber confirmed at `now` with this scope. */
  subscribe(input: {
    channel: 'email' | 'webhook';
    address: string;
    contactEmail: string | null;
    secret: string | null;
    scope: Scope;
    now: number;
  }): SubscriberView;
  setScope(id: number, scope: Scope): void;
  unsubscribe(id: number, now: number): void;
}

/** Whether a webhook URL may be called (not loopback, private, link-local or metadata): url-guard. */
export type UrlCheck = (url: string) => Promise<{ ok: true } | { ok: false; problem: string }>;
/** Sends the signed test delivery; ok when the endpoint answered 2xx. */
export type WebhookTester = (
  url: string,
  secret: string,
) => Promise<{ ok: true; status: number } | { ok: false; problem: string }>;

export interface Answer {
  status: number;
  html: string;
}

export interface SignupDeps {
  catalog: Catalog;
  page: PageContext;
  siteTitle: string;
  links: SubscriberLinks;
  signer: TokenSigner;
  directory: SignupDirectory;
  mailer: ConfirmationMailer;
  checkUrl: UrlCheck;
  testWebhook: WebhookTester;
  /** Confirmation mails per address. */
  perAddress: RateLimiter;
  /** Test deliveries per webhook URL. */
  perWebhook: RateLimiter;
  /** Sign-ups per client address. */
  perClient: RateLimiter;
  log: Logger;
}

export interface SignupService {
  signup(body: FormBody, client: string, now: number): Promise<Answer>;
  confirm(token: unknown, now: number): Answer;
  testWebhook(token: unknown, client: string, now: number): Promise<Answer>;
  manage(token: unknown, now: number): Answer;
  saveManage(body: FormBody, now: number): Answer;
  askUnsubscribe(token: unknown, now: number): Answer;
  unsubscribe(token: unknown, now: number): Answer;
}

const LINK_PROBLEMS: Record<Exclude<TokenCheck, { ok: true }>['reason'], { status: number; text: string }> = {
  malformed: { status: 400, text: 'This link is not complete. Copy the whole link from the mail.' },
  forged: { status: 400, text: 'This link is not one Herald made. Copy the whole link from the mail.' },
  'wrong-kind': { status: 400, text: 'This link is not meant for this page.' },
  expired: { status: 410, text: 'This link has expired. Sign up again to get a new one.' },
};

/** Whether the row was confirmed or unsubscribed since the token was made: the token was used, or is stale. */
const usedSince = (row: SubscriberView | undefined, issuedAt: number): boolean =>
  !!row && ((row.confirmedAt ?? -1) >= issuedAt || (row.unsubscribedAt ?? -1) >= issuedAt);

export function createSignupService(deps: SignupDeps): SignupService {
  const { page, links, signer, directory } = deps;
  const answer = (status: number, heading: string, text: string, form = false): Answer => ({
    status,
    html: renderMessagePage(page, heading, text, form),
  });
  const linkProblem = (check: Exclude<TokenCheck, { ok: true }>): Answer => {
    const p = LINK_PROBLEMS[check.reason];
    return answer(p.status, check.reason === 'expired' ? 'Link expired' : 'Link not valid', p.text, true);
  };
  const checkMail: Answer = { status: 200, html: renderCheckMailPage(page) };
  const tooMany = answer(
    429,
    'Too many sign-ups',
    'Too many sign-ups came from your network in a short time. Try again in an hour.',
    true,
  );
  /** A subscriber a manage or unsubscribe token names, if it still exists as that row. */
  function holder(
    token: unknown,
    kinds: Array<TokenPayload['kind']>,
    now: number,
  ): { answer: Answer } | { row: SubscriberView } {
    const check = signer.verify(token, kinds, now);
    if (!check.ok) return { answer: linkProblem(check) };
    const p = check.payload;
    if (p.kind !== 'manage' && p.kind !== 'unsubscribe')
      return { answer: linkProblem({ ok: false, reason: 'wrong-kind' }) };
    const row = directory.byId(p.id);
    if (!row || row.createdAt !== p.createdAt)
      return { answer: answer(410, 'Subscription not found', 'This subscription no longer exists.', true) };
    return { row };
  }
  function managePage(row: SubscriberView, note?: string): Answer {
    const key = { id: row.id, createdAt: row.createdAt };
    return {
      status: 200,
      html: renderManagePage(page, {
        address: row.address,
        catalog: deps.catalog,
        all: row.scope === 'all',
        checked: new Set(row.scope === 'all' ? [] : row.scope),
        token: links.manageToken(key),
        action: links.action('manage'),
        unsubscribeAction: links.action('unsubscribe'),
        ...(note ? { note } : {}),
      }),
    };
  }
  const subscribedPage = (row: SubscriberView, what: string): Answer => ({
    status: 200,
    html: renderSubscriberPage(
      page,
      'Subscribed',
      `${para(`${what} will receive updates for ${describeScope(row.scope, deps.catalog)}.`)}
<p><a href="${escapeHtml(links.manage(row))}">Change what you follow, or unsubscribe</a> (every mail carries this link too).</p>`,
    ),
  });

  return {
    async signup(body, client, now) {
      // The honeypot: a person never sees the field; a bot that fills it gets the usual page and no mail.
      if (body.website !== undefined && body.website !== '') return checkMail;
      const form = readSignupForm(body, deps.catalog);
      if (!form.ok) return { status: 400, html: renderRefusedPage(page, form.problems) };
      const signup = form.value;
      if (signup.channel === 'webhook') {
        const guard = await deps.checkUrl(signup.url);
        if (!guard.ok) return { status: 400, html: renderRefusedPage(page, [guard.problem]) };
      }
      if (!deps.perClient.take(client, now)) return tooMany;
      if (signup.channel === 'webhook') {
        const secret = `whsec_${randomBytes(24).toString('base64')}`;
        const token = signer.sign({
          kind: 'webhook',
          url: signup.url,
          contact: signup.contact,
          scope: signup.scope,
          secret,
          issuedAt: now,
          expiresAt: now + WEBHOOK_STEP_TTL_MS,
        });
        return {
          status: 200,
          html: renderWebhookStepPage(page, {
            url: signup.url,
            secret,
            token,
            action: links.action('webhook'),
          }),
        };
      }
      // Over the address's limit: the same page as ever, and no mail.
      if (!deps.perAddress.take(signup.address.toLowerCase(), now)) return checkMail;
      const token = signer.sign({
        kind: 'confirm',
        address: signup.address,
        scope: signup.scope,
        issuedAt: now,
        expiresAt: now + CONFIRM_TTL_MS,
      });
      try {
        await deps.mailer.send({
          to: signup.address,
          siteTitle: deps.siteTitle,
          confirmUrl: links.withToken('confirm', token),
          scopeText: describeScope(signup.scope, deps.catalog),
        });
      } catch (error) {
        deps.log.warn({ err: error }, 'a confirmation mail could not be sent');
        return answer(
          503,
          'Mail not sent',
          'The confirmation mail could not be sent just now. Try again later.',
          true,
        );
      }
      return checkMail;
    },

    confirm(token, now) {
      const check = signer.verify(token, ['confirm'], now);
      if (!check.ok) return linkProblem(check);
      const p = check.payload;
      if (p.kind !== 'confirm') return linkProblem({ ok: false, reason: 'wrong-kind' });
      if (usedSince(directory.find('email', p.address), p.issuedAt))
        return answer(
          409,
          'Link already used',
          'This link was used already. Every mail has a link to manage the subscription.',
          true,
        );
      const row = directory.subscribe({
        channel: 'email',
        address: p.address,
        contactEmail: null,
        secret: null,
        scope: p.scope,
        now,
      });
      return subscribedPage(row, row.address);
    },

    async testWebhook(token, client, now) {
      const check = signer.verify(token, ['webhook'], now);
      if (!check.ok) return linkProblem(check);
      const p = check.payload;
      if (p.kind !== 'webhook') return linkProblem({ ok: false, reason: 'wrong-kind' });
      if (usedSince(directory.find('webhook', p.url), p.issuedAt))
        return answer(409, 'Already confirmed', 'This webhook was confirmed with this secret already.', true);
      // Checked again: the name may point elsewhere an hour later.
      const guard = await deps.checkUrl(p.url);
      if (!guard.ok) return { status: 400, html: renderRefusedPage(page, [guard.problem]) };
      if (!deps.perClient.take(client, now) || !deps.perWebhook.take(p.url, now)) return tooMany;
      const sent = await deps.testWebhook(p.url, p.secret);
      if (!sent.ok) {
        const note = `The test delivery failed: ${sent.problem}. Nothing was subscribed; fix the endpoint and try again.`;
        return {
          status: 502,
          html: renderWebhookStepPage(page, {
            url: p.url,
            secret: p.secret,
            token: String(token),
            action: links.action('webhook'),
            note,
          }),
        };
      }
      const row = directory.subscribe({
        channel: 'webhook',
        address: p.url,
        contactEmail: p.contact,
        secret: p.secret,
        scope: p.scope,
        now,
      });
      return subscribedPage(row, 'Your webhook');
    },

    manage(token, now) {
      const found = holder(token, ['manage'], now);
      if ('answer' in found) return found.answer;
      if (found.row.status === 'unsubscribed')
        return answer(
          410,
          'Unsubscribed',
          'This subscription was cancelled. Sign up again to follow updates.',
          true,
        );
      return managePage(found.row);
    },

    saveManage(body, now) {
      const found = holder(body.token, ['manage'], now);
      if ('answer' in found) return found.answer;
      if (found.row.status === 'unsubscribed')
        return answer(
          410,
          'Unsubscribed',
          'This subscription was cancelled. Sign up again to follow updates.',
          true,
        );
      const scope = readScope(body, deps.catalog);
      if (!scope.ok) return { status: 400, html: renderRefusedPage(page, scope.problems) };
      directory.setScope(found.row.id, scope.value);
      const row = directory.byId(found.row.id) ?? found.row;
      return managePage(row, `Saved: you follow ${describeScope(scope.value, deps.catalog)}.`);
    },

    askUnsubscribe(token, now) {
      const found = holder(token, ['unsubscribe', 'manage'], now);
      if ('answer' in found) return found.answer;
      return {
        status: 200,
        html: renderUnsubscribeAskPage(page, { token: String(token), action: links.action('unsubscribe') }),
      };
    },

    unsubscribe(token, now) {
      const found = holder(token, ['unsubscribe', 'manage'], now);
      if ('answer' in found) return found.answer;
      if (found.row.status !== 'unsubscribed') directory.unsubscribe(found.row.id, now);
      return answer(
        200,
        'Unsubscribed',
        'Nothing more will be sent to this subscription. Sign up again at any time.',
        true,
      );
    },
  };
}
