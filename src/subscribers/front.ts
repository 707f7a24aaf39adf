// The public side of subscribing, assembled (src/app.ts calls this once): the token key, the links mails
// carry, the rate limits, the confirmation mailer on the subscribers' SMTP relay, the webhook test, and
// the HTTP routes. With subscriptions off (no SMTP_URL), the routes say so and the site hides the form.

import type { Transporter } from 'nodemailer';
import type { Clock } from '../bot/handle-command.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { SubscriberStore } from '../store/subscribers.js';
import type { SubscribeFormSettings } from '../templates/html/subscribe-page.js';
import type { PageContext } from '../templates/html/subscriber-pages.js';
import { createConfirmationMailer } from './confirmation-mail.js';
import { createSignupDirectory } from './directory.js';
import { createSubscriberRouter } from './http.js';
import { createSubscriberLinks, type SubscriberLinks } from './links.js';
import { ADDRESS_RULES, CLIENT_RULES, createRateLimiter, WEBHOOK_TEST_RULES } from './rate-limit.js';
import { createSignupService } from './signup.js';
import { createTokenSigner, loadTokenSecret } from './tokens.js';
import { createUrlGuard } from './url-guard.js';
import { createWebhookTester } from './webhook-test.js';

export interface SubscriberFront {
  /** The manage and one-click unsubscribe links of a subscriber's mails; null while subscriptions are off. */
  links: SubscriberLinks | null;
  /** subscribe.html's form. */
  form: SubscribeFormSettings;
  /** The routes to mount on Herald's server (src/subscribers/http.ts), at the root. */
  router: ReturnType<typeof createSubscriberRouter>;
  close(): void;
}

export function createSubscriberFront(options: {
  config: Config;
  store: SubscriberStore;
  log: Logger;
  clock: Clock;
}): SubscriberFront {
  const { config, store, log, clock } = options;
  const subs = config.subscribers;
  const base = subs ? `${subs.publicUrl.replace(/\/+$/, '')}/` : null;
  const page: PageContext = { site: config.site, root: base ? new URL(base).pathname : '/' };
  if (!subs || !base) {
    return {
      links: null,
      form: { action: null },
      router: createSubscriberRouter({ service: null, page, now: clock.now, log }),
      close() {},
    };
  }
  const signer = createTokenSigner(loadTokenSecret(config.paths.dataDir, config.tokenSecret));
  const links = createSubscriberLinks({ publicUrl: base, signer });
  // Its own small connection, apart from the delivery pool: a sign-up never waits behind a fan-out.
  // nodemailer is loaded at the first confirmation mail: commands that never take a sign-up don't pay.
  let transport: Transporter | null = null;
  const lazyTransport = {
    async sendMail(mail: Parameters<Transporter['sendMail']>[0]) {
      if (!transport) {
        const nodemailer = (await import('nodemailer')).default;
        transport = nodemailer.createTransport({
          url: subs.smtpUrl,
          connectionTimeout: config.requestTimeoutMs,
          greetingTimeout: config.requestTimeoutMs,
          socketTimeout: config.requestTimeoutMs,
        });
      }
      return transport.sendMail(mail);
    },
  };
  const guard = createUrlGuard({ allowPrivate: config.webhooks.allowPrivate });
  const service = createSignupService({
    catalog: config.core.catalog,
    page,
    siteTitle: config.site.title,
    links,
    signer,
    directory: createSignupDirectory(store),
    mailer: createConfirmationMailer({ transport: lazyTransport, from: subs.mailFrom }),
    async checkUrl(url) {
      const checked = await guard.check(url);
      return checked.ok
        ? { ok: true }
        : { ok: false, problem: `the webhook URL is refused: ${checked.reason}` };
    },
    testWebhook: createWebhookTester({
      timeoutMs: config.requestTimeoutMs,
      siteTitle: config.site.title,
      guard,
      now: clock.now,
    }),
    perAddress: createRateLimiter({ rules: ADDRESS_RULES }),
    perWebhook: createRateLimiter({ rules: WEBHOOK_TEST_RULES }),
    perClient: createRateLimiter({ rules: CLIENT_RULES }),
    log,
  });
  return {
    links,
    form: { action: links.action('subscribe') },
    router: createSubscriberRouter({ service, page, now: clock.now, log }),
    close: () => transport?.close(),
  };
}
