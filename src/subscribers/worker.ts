// The notification worker: sends the pending notification rows (written by the 'subscribers' outlet's
// fan-out) in batches, by mail or webhook, with retries and backoff. It runs beside the publisher, never
// inside it: a slow relay or a hanging webhook holds up only this worker, never the site or the networks.
//
// Exactly once, as far as a sender can: each attempt is counted in the database before the send, and the
// row is marked sent as soon as the send returns (the results of one turn of the event loop in one
// transaction). A process killed between the relay's acceptance and that commit sends the message again
// at its restart (RFC 1047's duplicate problem, which no sender can close); the copy carries the same
// Message-ID or webhook-id, which receivers de-duplicate on.

import type { ZoneDef } from '../bot/catalog.js';
import type { Clock } from '../bot/handle-command.js';
import type { Logger } from '../logger.js';
import type { Notification, NotificationOutcome, Subscriber, SubscriberStore } from '../store/subscribers.js';
import {
  type MailLinks,
  type MailParts,
  notificationMailRenderer,
  renderDisabledMail,
} from '../templates/mail/notification.js';
import { renderWebhookBody } from '../templates/webhook-body.js';
import type { Compose, Composed } from './compose.js';
import type { MailSender, SendOutcome } from './mail-sender.js';
import type { WebhookSender } from './webhook-sender.js';

/** The manage and one-click unsubscribe links of a subscriber (filled by subs-front's signed tokens). */
export interface SubscriberLinksPort {
  manage(subscriber: { id: number; createdAt: number }): string;
  unsubscribe(subscriber: { id: number; createdAt: number }): string;
}

export interface WorkerReport {
  sent: number;
  retrying: number;
  failed: number;
  dropped: number;
}

export interface NotificationWorker {
  /** Sends everything due, batch after batch, until nothing is due. Runs never overlap. */
  runOnce(): Promise<WorkerReport>;
  start(intervalMs: number): void;
  /** Asks for a run soon (after a fan-out). */
  wake(): void;
  /** Stops taking batches and waits for the one in hand. */
  stop(): Promise<void>;
}

export interface NotificationWorkerOptions {
  subscribers: SubscriberStore;
  compose: Compose;
  mail: MailSender;
  webhooks: WebhookSender;
  links: SubscriberLinksPort;
  siteTitle: string;
  zones: readonly ZoneDef[];
  /** The domain of Message-IDs (MAIL_FROM's). */
  mailDomain: string;
  clock: Clock;
  log: Logger;
  failuresToDisable: number;
  /** Rows taken at a time. */
  batchSize?: number;
  /** Sends in flight at once. */
  concurrency?: number;
  /**
   * Mails in flight at once (at most `concurrency`): the transport's connections. nodemailer builds a mail's
   * MIME tree when it is handed the mail; one handed over before a connection is free waits with it, and
   * lives long enough for V8 to move it to the old generation, where it stays until a full collection.
   */
  mailConcurrency?: number;
  /** A notification is given up on (failed) after this many attempts. */
  maxAttempts?: number;
  /** The wait before the nth retry (1-based), before jitter. */
  backoff?: (attempt: number) => number;
  random?: () => number;
  /** The real time, for a webhook's `webhook-timestamp` (receivers refuse one far from their clock). */
  wallClock?: () => number;
}

/** 30 s, 1 min, 2 min, … capped at one hour: eight attempts span about two hours. */
export const notificationBackoff = (attempt: number): number =>
  Math.min(30_000 * 2 ** (attempt - 1), 3_600_000);
export const MAX_NOTIFICATION_ATTEMPTS = 8;

/** The Message-ID of a post's mail (the same for every subscriber and every attempt). */
export const postMessageId = (
  postId: number,
  action: string,
  editId: number | null,
  domain: string,
): string => `herald.post-${postId}.${action}${editId === null ? '' : `-${editId}`}@${domain}`;

export const webhookId = (n: Pick<Notification, 'key'>): string => `msg_${n.key}`;

type Due = { notification: Notification; subscriber: Subscriber; originalSent: boolean };

export function createNotificationWorker(options: NotificationWorkerOptions): NotificationWorker {
  const { subscribers, clock, log } = options;
  const batchSize = options.batchSize ?? 500;
  const concurrency = options.concurrency ?? 64;
  const mailConcurrency = Math.min(options.mailConcurrency ?? concurrency, concurrency);
  const maxAttempts = options.maxAttempts ?? MAX_NOTIFICATION_ATTEMPTS;
  const backoff = options.backoff ?? notificationBackoff;
  const random = options.random ?? Math.random;
  let stopped = false;
  let running: Promise<WorkerReport> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let wakeTimer: NodeJS.Timeout | null = null;

  // Group commit: the sends that finish in the same turn of the event loop are recorded together.
  let pending: NotificationOutcome[] = [];
  let flush: Promise<void> | null = null;
  const record = (outcome: NotificationOutcome): Promise<void> => {
    pending.push(outcome);
    flush ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        const batch = pending;
        pending = [];
        flush = null;
        try {
          subscribers.settle(batch, options.failuresToDisable);
        } catch (error) {
          // Left pending: sent again at the next run (a duplicate with the same ids, never a loss).
          log.error({ err: error }, 'notification results could not be recorded');
        }
        resolve();
      }),
    );
    return flush;
  };

  const composed = new Map<string, Composed | undefined>();
  const composeOnce = (n: Notification) => {
    const key = `${n.postId}.${n.action}.${n.editId}`;
    if (!composed.has(key))
      composed.set(key, options.compose(n.postId as number, n.action ?? 'publish', n.editId));
    return composed.get(key);
  };
  // A post's mail is rendered once; each subscriber's only adds its links.
  const mailRenderers = new WeakMap<Composed, (links: MailLinks) => MailParts>();
  const renderMail = (c: Composed, links: MailLinks): MailParts => {
    let render = mailRenderers.get(c);
    if (!render) {
      render = notificationMailRenderer(c, { siteTitle: options.siteTitle, zones: options.zones });
      mailRenderers.set(c, render);
    }
    return render(links);
  };

  async function sendPost(n: Notification, s: Subscriber, c: Composed): Promise<SendOutcome> {
    if (s.channel === 'webhook') {
      if (!s.secret)
        return { ok: false, retry: false, blameSubscriber: false, error: 'webhook has no secret' };
      return options.webhooks.send({
        url: s.address,
        secret: s.secret,
        id: webhookId(n),
        body: JSON.stringify(renderWebhookBody(c)),
        timestamp: new Date((options.wallClock ?? Date.now)()),
      });
    }
    const links = { manage: options.links.manage(s), unsubscribe: options.links.unsubscribe(s) };
    const first = c.firstPostId === c.post.id && c.action === 'publish';
    return options.mail.send({
      to: s.address,
      ...renderMail(c, links),
      messageId: postMessageId(c.post.id, c.action, c.editId, options.mailDomain),
      ...(first ? {} : { inReplyTo: postMessageId(c.firstPostId, 'publish', null, options.mailDomain) }),
      unsubscribeUrl: links.unsubscribe,
    });
  }

  async function sendDisabled(n: Notification, s: Subscriber): Promise<SendOutcome | string> {
    if (!s.contactEmail) return 'no contact address';
    const parts = renderDisabledMail({
      siteTitle: options.siteTitle,
      url: s.address,
      failures: s.failures,
      lastError: null,
      manage: options.links.manage(s),
    });
    const outcome = await options.mail.send({
      to: s.contactEmail,
      ...parts,
      messageId: `herald.${n.key}@${options.mailDomain}`,
    });
    // The contact is told; its own failures never count against the webhook.
    return outcome.ok ? outcome : { ...outcome, blameSubscriber: false };
  }

  /** Why a due row is not to be sent, or the outcome of sending it. */
  async function attempt(
    n: Notification,
    s: Subscriber,
    originalSent: boolean,
  ): Promise<SendOutcome | string> {
    if (n.kind === 'disabled') return sendDisabled(n, s);
    if (s.status !== 'active') return `subscriber ${s.status}`;
    if (n.action !== 'publish' && !originalSent) return 'the original was never received';
    const c = composeOnce(n);
    if (!c) return 'the post is gone or was retracted before it was sent';
    return sendPost(n, s, c);
  }

  async function one(item: Due, report: WorkerReport): Promise<void> {
    const { notification: n, subscriber: s } = item;
    let outcome: SendOutcome | string;
    try {
      outcome = await attempt(n, s, item.originalSent);
    } catch (error) {
      outcome = { ok: false, retry: true, blameSubscriber: false, error: String(error) };
    }
    const at = clock.now();
    const attempts = n.attempts + 1;
    if (typeof outcome === 'string') {
      report.dropped++;
      return record({ id: n.id, status: 'dropped', error: outcome });
    }
    if (outcome.ok) {
      report.sent++;
      return record({ id: n.id, status: 'sent', at });
    }
    const retry = outcome.retry && attempts < maxAttempts;
    const next = Math.round(at + backoff(attempts) * (0.5 + random() / 2));
    log.warn(
      {
        notification: n.id,
        subscriber: s.id,
        channel: s.channel,
        attempt: attempts,
        retry,
        error: outcome.error,
      },
      retry ? 'notification will be retried' : 'notification failed',
    );
    if (retry) report.retrying++;
    else report.failed++;
    return record({
      id: n.id,
      status: retry ? 'retry' : 'failed',
      error: outcome.error,
      nextAttemptAt: next,
      blameSubscriber: outcome.blameSubscriber,
      at,
    });
  }

  /**
   * Sends `items` in order, `width` at a time. With `ramp`, the lanes open one by one: one at first, then one
   * more each time a send finishes, up to `width` (`ramp.open` carries the count to the next batch).
   */
  async function lanes(
    items: Due[],
    width: number,
    report: WorkerReport,
    ramp?: { open: number },
  ): Promise<void> {
    let next = 0;
    const started: Promise<void>[] = [];
    const lane = async (): Promise<void> => {
      while (next < items.length) {
        const item = items[next++];
        if (item) await one(item, report);
        if (ramp && ramp.open < width) {
          ramp.open++;
          if (next < items.length) started.push(lane());
        }
      }
    };
    const first = Math.min(ramp ? ramp.open : width, width, items.length);
    for (let i = 0; i < first; i++) started.push(lane());
    // A lane opened on the way is in `started` before the lane that opened it ends.
    for (let i = 0; i < started.length; i++) await started[i];
  }

  async function drain(): Promise<WorkerReport> {
    const report: WorkerReport = { sent: 0, retrying: 0, failed: 0, dropped: 0 };
    composed.clear();
    const mailRamp = { open: 1 };
    while (!stopped) {
      const due = subscribers.due(clock.now(), batchSize);
      if (!due.length) break;
      // Recorded before the sends: after a crash, attempts > 0 says a message may have gone out.
      subscribers.begin(due.map((d) => d.notification.id));
      // Mail has lanes of its own, as many as the transport has connections (see mailConcurrency), opened
      // one per mail sent. A fan-out's first mails are slow (connections opening, code not yet optimised,
      // the publisher busy with the same post); started all at once, they all wait with their MIME trees,
      // and V8 can take that moment's survival rate to allocate nodemailer's per-mail objects in the old
      // generation from then on (allocation-site pretenuring, decided once per site), after which every
      // mail's garbage is promoted: 400 MB for 10,000 mails instead of 30.
      const byMail = (d: Due) => d.notification.kind === 'disabled' || d.subscriber.channel === 'email';
      await Promise.all([
        lanes(due.filter(byMail), mailConcurrency, report, mailRamp),
        lanes(
          due.filter((d) => !byMail(d)),
          concurrency,
          report,
        ),
      ]);
      if (flush) await flush;
    }
    if (report.sent + report.failed + report.retrying + report.dropped > 0)
      log.info({ ...report }, 'notifications sent');
    return report;
  }

  function runOnce(): Promise<WorkerReport> {
    if (running) {
      again = true;
      return running;
    }
    running = drain().finally(() => {
      running = null;
      if (again && !stopped) {
        again = false;
        void runOnce();
      }
    });
    return running;
  }

  return {
    runOnce,
    start(intervalMs) {
      stopped = false;
      timer = setInterval(() => void runOnce(), intervalMs);
      void runOnce();
    },
    wake() {
      if (stopped || wakeTimer) return;
      wakeTimer = setTimeout(() => {
        wakeTimer = null;
        if (!stopped) void runOnce();
      }, 50);
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (wakeTimer) clearTimeout(wakeTimer);
      if (running) await running.catch(() => undefined);
    },
  };
}
