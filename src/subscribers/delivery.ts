// Delivery to subscribers, put together for the composition root (src/app.ts): the 'subscribers' outlet
// that fans posts out, and the notification worker with its SMTP and webhook senders.

import type { Outlet } from '../adapters/outlets/outlet.js';
import type { CoreSettings } from '../bot/catalog.js';
import type { Clock } from '../bot/handle-command.js';
import type { Store } from '../bot/ports.js';
import type { Config, SubscribersConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { SubscriberStore } from '../store/subscribers.js';
import { createPostRenderer } from '../templates/post.js';
import { createComposer } from './compose.js';
import { createSmtpMailSender, mailDomain } from './mail-sender.js';
import { createSubscribersOutlet } from './outlet.js';
import { createUrlGuard } from './url-guard.js';
import { createWebhookSender } from './webhook-sender.js';
import { createNotificationWorker, type NotificationWorker, type SubscriberLinksPort } from './worker.js';

/** How long a webhook receiver may take to answer. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * Links to Herald's subscriber pages (subs-front's routes) until its signed-token links are passed in:
 * the manage page and the unsubscribe endpoint of HERALD_PUBLIC_URL, naming the subscriber.
 */
export function plainSubscriberLinks(publicUrl: string): SubscriberLinksPort {
  const base = publicUrl.replace(/\/?$/, '/');
  return {
    manage: (s) => new URL(`subscribe/manage?subscriber=${s.id}`, base).href,
    unsubscribe: (s) => new URL(`unsubscribe?subscriber=${s.id}`, base).href,
  };
}

export interface SubscriberDelivery {
  outlet: Outlet;
  worker: NotificationWorker;
  close(): Promise<void>;
}

export function createSubscriberDelivery(options: {
  config: SubscribersConfig;
  webhooks: Config['webhooks'];
  site: Config['site'];
  settings: CoreSettings;
  store: Store & { subscribers: SubscriberStore };
  clock: Clock;
  log: Logger;
  links?: SubscriberLinksPort;
}): SubscriberDelivery {
  const { config, store, clock, log, settings } = options;
  const mail = createSmtpMailSender({
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    maxConnections: config.smtp.maxConnections,
    ratePerSecond: config.smtp.ratePerSecond,
  });
  const guard = createUrlGuard({ allowPrivate: options.webhooks.allowPrivate });
  const worker = createNotificationWorker({
    subscribers: store.subscribers,
    compose: createComposer({
      store,
      settings,
      render: createPostRenderer({ baseUrl: options.site.baseUrl, zones: settings.zones }),
    }),
    mail,
    webhooks: createWebhookSender({ guard, timeoutMs: WEBHOOK_TIMEOUT_MS }),
    links: options.links ?? plainSubscriberLinks(config.publicUrl),
    siteTitle: options.site.title,
    zones: settings.zones,
    mailDomain: mailDomain(config.mailFrom),
    clock,
    log: log.child({ component: 'notifications' }),
    failuresToDisable: config.failuresToDisable,
    mailConcurrency: config.smtp.maxConnections,
  });
  const outlet = createSubscribersOutlet({
    subscribers: store.subscribers,
    clock,
    onFanOut: () => worker.wake(),
  });
  return {
    outlet,
    worker,
    async close() {
      await worker.stop();
      mail.close();
    },
  };
}
