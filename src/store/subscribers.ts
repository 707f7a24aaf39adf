// Subscribers (migration 010) and their notifications (migration 011) on better-sqlite3. The sign-up side
// (src/subscribers/ of subs-front) creates, confirms, scopes and unsubscribes; the 'subscribers' outlet fans
// a post out into notification rows; the notification worker sends them. Every write is one transaction.

import type { SqliteDatabase } from './open-database.js';
import { readRow } from './rows.js';

export const SUBSCRIBER_CHANNELS = ['email', 'webhook'] as const;
export type SubscriberChannel = (typeof SUBSCRIBER_CHANNELS)[number];
export const SUBSCRIBER_STATUSES = ['pending', 'active', 'disabled', 'unsubscribed'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

/** A followed component: a whole system (service null) or one of its services. */
export interface FollowedComponent {
  system: string;
  service: string | null;
}

/** Every component, now and later; or only these. */
export type SubscriberScope = 'all' | readonly FollowedComponent[];

export interface Subscriber {
  id: number;
  channel: SubscriberChannel;
  /** The e-mail address or the webhook URL. */
  address: string;
  /** A webhook's e-mail address, told when the webhook is disabled. */
  contactEmail: string | null;
  status: SubscriberStatus;
  scope: SubscriberScope;
  /** A webhook's Standard Webhooks secret (`whsec_…`); null for e-mail. */
  secret: string | null;
  createdAt: number;
  confirmedAt: number | null;
  /** Consecutive failed attempts (reset by a success). */
  failures: number;
  disabledAt: number | null;
  unsubscribedAt: number | null;
}

export interface NewSubscriber {
  channel: SubscriberChannel;
  address: string;
  contactEmail?: string | null;
  scope: SubscriberScope;
  secret?: string | null;
  at: number;
}

export const NOTIFICATION_STATUSES = ['pending', 'sent', 'failed', 'dropped'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];
export type NotificationAction = 'publish' | 'edit' | 'retract';

export interface Notification {
  id: number;
  /** Unique per message; a webhook's `webhook-id` is made of it (the same on every attempt). */
  key: string;
  /** A post, or the mail telling a webhook's contact that the webhook was disabled. */
  kind: 'post' | 'disabled';
  subscriberId: number;
  postId: number | null;
  action: NotificationAction | null;
  editId: number | null;
  status: NotificationStatus;
  /** Counted before each send: > 0 while pending means an earlier send may have reached the receiver. */
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}

/** What a fan-out is of: one outbox delivery of the 'subscribers' outlet. */
export interface FanOut {
  postId: number;
  action: NotificationAction;
  editId: number | null;
  at: number;
}

/** What became of one attempt at a notification. */
export type NotificationOutcome =
  | { id: number; status: 'sent'; at: number }
  | {
      id: number;
      status: 'retry' | 'failed';
      error: string;
      /** When to try again (retry only). */
      nextAttemptAt?: number;
      /** The receiver's fault (a webhook's error, a refused recipient), not the relay's: counts to disabling. */
      blameSubscriber: boolean;
      at: number;
    }
  | { id: number; status: 'dropped'; error: string };

export interface ChannelCounts {
  channel: SubscriberChannel;
  pending: number;
  active: number;
  disabled: number;
  unsubscribed: number;
  /** Active subscribers whose latest attempts failed (failures > 0). */
  failing: number;
  /** Notifications given up on (failed after their retries). */
  failedNotifications: number;
}

export interface ComponentCounts {
  /** null: subscribers of every component. */
  system: string | null;
  /** null: the whole system (or every component). */
  service: string | null;
  channel: SubscriberChannel;
  active: number;
  failing: number;
}

export interface SubscriberCounts {
  byChannel: ChannelCounts[];
  byComponent: ComponentCounts[];
}

export interface SubscriberStore {
  /**
   * A new pending subscriber, or the existing row for the same channel and address: one that is pending or
   * unsubscribed starts again as pending with the new scope, contact and secret (it must confirm again);
   * an active or disabled one is returned unchanged (`created: false`), so that a sign-up reveals nothing.
   */
  create(input: NewSubscriber): { subscriber: Subscriber; created: boolean };
  byId(id: number): Subscriber | undefined;
  byAddress(channel: SubscriberChannel, address: string): Subscriber | undefined;
  /** pending (or disabled, re-confirmed) → active; false when it was not. */
  confirm(id: number, at: number): boolean;
  setScope(id: number, scope: SubscriberScope): boolean;
  /** → unsubscribed; its pending notifications are dropped. */
  unsubscribe(id: number, at: number): boolean;
  /** → disabled; its pending notifications are dropped. */
  disable(id: number, at: number): boolean;
  /**
   * Deletes every subscriber whose address or contact address is `address`, with its scope and its
   * notifications (personal data). Returns how many subscribers went.
   */
  remove(address: string): number;
  list(filter?: { status?: SubscriberStatus; channel?: SubscriberChannel }): Subscriber[];
  counts(): SubscriberCounts;
  /** Ids of the active subscribers a post (through its incident's components) goes to. */
  matching(postId: number): number[];

  /**
   * One outbox delivery becomes notification rows, in one transaction: a publish to every active
   * subscriber of the post's components; an edit or retraction to the active subscribers who got (or are
   * to get) the original. Idempotent: doing it again adds nothing already there. Returns rows added.
   */
  fanOut(f: FanOut): number;
  /** Due pending notifications with their subscriber, oldest first; an edit waits for its original. */
  due(
    now: number,
    limit: number,
  ): Array<{ notification: Notification; subscriber: Subscriber; originalSent: boolean }>;
  /** Counts an attempt of each, committed before the sends. */
  begin(ids: readonly number[]): void;
  /**
   * Records outcomes in one transaction; a subscriber whose run of failures reaches `disableAfter` is
   * disabled (its pending rows dropped) and, if it has a contact address, a 'disabled' notice is queued.
   */
  settle(outcomes: readonly NotificationOutcome[], disableAfter: number): void;
  /** For staff and tests: the notifications of a post (or all), oldest first. */
  notifications(filter?: { postId?: number; subscriberId?: number }): Notification[];
  pendingCount(): number;
}

type Row = Record<string, unknown>;

const toNotification = (value: unknown): Notification => {
  const r = readRow('notifications', value);
  return {
    id: r.int('id'),
    key: r.text('key'),
    kind: r.oneOf('kind', ['post', 'disabled'] as const),
    subscriberId: r.int('subscriber_id'),
    postId: r.intOrNull('post_id'),
    action: r.oneOfOrNull('action', ['publish', 'edit', 'retract'] as const),
    editId: r.intOrNull('edit_id'),
    status: r.oneOf('status', NOTIFICATION_STATUSES),
    attempts: r.int('attempts'),
    nextAttemptAt: r.int('next_attempt_at'),
    lastError: r.textOrNull('last_error'),
    createdAt: r.int('created_at'),
    sentAt: r.intOrNull('sent_at'),
  };
};

function toSubscriber(value: unknown, components: () => FollowedComponent[]): Subscriber {
  const r = readRow('subscribers', value);
  return {
    id: r.int('id'),
    channel: r.oneOf('channel', SUBSCRIBER_CHANNELS),
    address: r.text('address'),
    contactEmail: r.textOrNull('contact_email'),
    status: r.oneOf('status', SUBSCRIBER_STATUSES),
    scope: r.int('all_components') === 1 ? 'all' : components(),
    secret: r.textOrNull('secret'),
    createdAt: r.int('created_at'),
    confirmedAt: r.intOrNull('confirmed_at'),
    failures: r.int('failures'),
    disabledAt: r.intOrNull('disabled_at'),
    unsubscribedAt: r.intOrNull('unsubscribed_at'),
  };
}

/** The key of a post's notification to a subscriber: also the stable part of a webhook's `webhook-id`. */
export const notificationKeySql = `'p' || CAST(:post AS INTEGER) || '.' || :action ||
  CASE WHEN :edit IS NULL THEN '' ELSE '.' || CAST(:edit AS INTEGER) END || '.s' || s.id`;

function prepareSubscriberStatements(db: SqliteDatabase) {
  const p = <T extends object | unknown[] = Row>(sql: string) => db.prepare<T>(sql);
  return {
    byId: p<[number]>('SELECT * FROM subscribers WHERE id = ?'),
    byAddress: p<[string, string]>('SELECT * FROM subscribers WHERE channel = ? AND address = ?'),
    componentsOf: p<[number]>(
      'SELECT system, service FROM subscriber_components WHERE subscriber_id = ? ORDER BY system, service',
    ),
    insert: p<Row>(
      `INSERT INTO subscribers (channel, address, contact_email, all_components, secret, created_at)
       VALUES (:channel, :address, :contact, :all, :secret, :at)`,
    ),
    restart: p<Row>(
      `UPDATE subscribers SET status = 'pending', contact_email = :contact, all_components = :all,
              secret = :secret, created_at = :at, confirmed_at = NULL, failures = 0, disabled_at = NULL,
              unsubscribed_at = NULL
        WHERE id = :id`,
    ),
    clearScope: p<[number]>('DELETE FROM subscriber_components WHERE subscriber_id = ?'),
    addScope: p<[number, string, string]>(
      'INSERT OR IGNORE INTO subscriber_components (subscriber_id, system, service) VALUES (?, ?, ?)',
    ),
    setAll: p<[number, number]>('UPDATE subscribers SET all_components = ? WHERE id = ?'),
    confirm: p<[number, number]>(
      `UPDATE subscribers SET status = 'active', confirmed_at = ?, failures = 0, disabled_at = NULL
        WHERE id = ? AND status IN ('pending', 'disabled')`,
    ),
    unsubscribe: p<[number, number]>(
      `UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = ?
        WHERE id = ? AND status != 'unsubscribed'`,
    ),
    disable: p<[number, number]>(
      `UPDATE subscribers SET status = 'disabled', disabled_at = ? WHERE id = ? AND status = 'active'`,
    ),
    dropPending: p<[string, number]>(
      `UPDATE notifications SET status = 'dropped', last_error = ?
        WHERE subscriber_id = ? AND status = 'pending' AND kind = 'post'`,
    ),
    remove: p<[string, string]>('DELETE FROM subscribers WHERE address = ? OR contact_email = ?'),
    list: p<Row>(
      `SELECT * FROM subscribers WHERE (:status IS NULL OR status = :status)
          AND (:channel IS NULL OR channel = :channel) ORDER BY id`,
    ),
    byChannel: p<[]>(
      `SELECT channel, status, count(*) AS n, sum(failures > 0) AS failing FROM subscribers
        GROUP BY channel, status`,
    ),
    failedByChannel: p<[]>(
      `SELECT s.channel, count(*) AS n FROM notifications n JOIN subscribers s ON s.id = n.subscriber_id
        WHERE n.status = 'failed' GROUP BY s.channel`,
    ),
    byComponent: p<[]>(
      `SELECT NULL AS system, NULL AS service, channel, count(*) AS active, sum(failures > 0) AS failing
         FROM subscribers WHERE status = 'active' AND all_components = 1 GROUP BY channel
       UNION ALL
       SELECT sc.system, nullif(sc.service, ''), s.channel, count(*), sum(s.failures > 0)
         FROM subscriber_components sc JOIN subscribers s ON s.id = sc.subscriber_id
        WHERE s.status = 'active' AND s.all_components = 0
        GROUP BY sc.system, sc.service, s.channel
       ORDER BY 1, 2, 3`,
    ),
    // A post goes to every component subscriber of its incident's components; an incident with no
    // component (a notice) to every active subscriber.
    matching: p<Row>(
      `SELECT s.id FROM subscribers s WHERE s.status = 'active' AND (
         s.all_components = 1
         OR NOT EXISTS (SELECT 1 FROM incident_components ic WHERE ic.incident_id = :incident)
         OR EXISTS (SELECT 1 FROM subscriber_components sc JOIN incident_components ic
                      ON ic.system = sc.system AND (sc.service = '' OR sc.service = ic.service)
                     WHERE sc.subscriber_id = s.id AND ic.incident_id = :incident))`,
    ),
    incidentOf: p<[number]>('SELECT incident_id FROM posts WHERE id = ?'),
  };
}

function prepareNotificationStatements(db: SqliteDatabase) {
  const p = <T extends object | unknown[] = Row>(sql: string) => db.prepare<T>(sql);
  return {
    fanOutPublish: p<Row>(
      `INSERT OR IGNORE INTO notifications
              (key, kind, subscriber_id, post_id, action, edit_id, next_attempt_at, created_at)
       SELECT ${notificationKeySql}, 'post', s.id, :post, :action, :edit, :at, :at
         FROM subscribers s WHERE s.status = 'active' AND (
           s.all_components = 1
           OR NOT EXISTS (SELECT 1 FROM incident_components ic WHERE ic.incident_id = :incident)
           OR EXISTS (SELECT 1 FROM subscriber_components sc JOIN incident_components ic
                        ON ic.system = sc.system AND (sc.service = '' OR sc.service = ic.service)
                       WHERE sc.subscriber_id = s.id AND ic.incident_id = :incident))
        ORDER BY s.id`,
    ),
    // Only to those who got, or are still to get, the original (never to a later subscriber).
    fanOutFollowUp: p<Row>(
      `INSERT OR IGNORE INTO notifications
              (key, kind, subscriber_id, post_id, action, edit_id, next_attempt_at, created_at)
       SELECT ${notificationKeySql}, 'post', s.id, :post, :action, :edit, :at, :at
         FROM notifications o JOIN subscribers s ON s.id = o.subscriber_id
        WHERE o.post_id = :post AND o.action = 'publish' AND o.status IN ('pending', 'sent')
          AND s.status = 'active'
        ORDER BY s.id`,
    ),
    // An edit or retraction waits while its original to the same subscriber is still pending.
    due: p<{ now: number; limit: number }>(
      `SELECT n.*, (SELECT o.status FROM notifications o WHERE o.post_id = n.post_id
                       AND o.subscriber_id = n.subscriber_id AND o.action = 'publish') AS original_status
         FROM notifications n
        WHERE n.status = 'pending' AND n.next_attempt_at <= :now
          AND NOT (n.action IN ('edit', 'retract') AND EXISTS (
                SELECT 1 FROM notifications o WHERE o.post_id = n.post_id AND o.subscriber_id = n.subscriber_id
                   AND o.action = 'publish' AND o.status = 'pending'))
        ORDER BY n.next_attempt_at, n.id LIMIT :limit`,
    ),
    begin: p<[number]>(
      `UPDATE notifications SET attempts = attempts + 1 WHERE id = ? AND status = 'pending'`,
    ),
    sent: p<[number, number]>(
      `UPDATE notifications SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ? AND status = 'pending'`,
    ),
    retry: p<[string, number, number]>(
      `UPDATE notifications SET last_error = ?, next_attempt_at = ? WHERE id = ? AND status = 'pending'`,
    ),
    finish: p<[string, string, number]>(
      `UPDATE notifications SET status = ?, last_error = ? WHERE id = ? AND status = 'pending'`,
    ),
    subscriberOf: p<[number]>('SELECT subscriber_id, kind FROM notifications WHERE id = ?'),
    resetFailures: p<[number]>('UPDATE subscribers SET failures = 0 WHERE id = ? AND failures > 0'),
    addFailure: p<[number]>(
      `UPDATE subscribers SET failures = failures + 1 WHERE id = ? AND status = 'active' RETURNING failures`,
    ),
    queueDisabled: p<[string, number, number, number]>(
      `INSERT OR IGNORE INTO notifications (key, kind, subscriber_id, next_attempt_at, created_at)
       VALUES (?, 'disabled', ?, ?, ?)`,
    ),
    list: p<Row>(
      `SELECT * FROM notifications WHERE (:post IS NULL OR post_id = :post)
          AND (:subscriber IS NULL OR subscriber_id = :subscriber) ORDER BY id`,
    ),
    pending: p<[]>(`SELECT count(*) FROM notifications WHERE status = 'pending'`).pluck(),
  };
}

const SCOPE_ALL = 1;

export function createSubscriberStore(db: SqliteDatabase): SubscriberStore {
  const s = prepareSubscriberStatements(db);
  const n = prepareNotificationStatements(db);
  const subscriberOf = (row: unknown): Subscriber =>
    toSubscriber(row, () =>
      s.componentsOf.all((row as { id: number }).id).map((c) => {
        const r = readRow('subscriber_components', c);
        const service = r.text('service');
        return { system: r.text('system'), service: service === '' ? null : service };
      }),
    );
  const maybe = (row: unknown) => (row === undefined ? undefined : subscriberOf(row));

  const writeScope = (id: number, scope: SubscriberScope) => {
    s.clearScope.run(id);
    s.setAll.run(scope === 'all' ? SCOPE_ALL : 0, id);
    if (scope !== 'all') for (const c of scope) s.addScope.run(id, c.system, c.service ?? '');
  };

  const create = db.transaction((input: NewSubscriber) => {
    const existing = s.byAddress.get(input.channel, input.address) as
      | { id: number; status: string }
      | undefined;
    const values = {
      contact: input.contactEmail ?? null,
      all: input.scope === 'all' ? SCOPE_ALL : 0,
      secret: input.secret ?? null,
      at: input.at,
    };
    if (existing && (existing.status === 'active' || existing.status === 'disabled'))
      return { subscriber: subscriberOf(s.byId.get(existing.id)), created: false };
    let id: number;
    if (existing) {
      id = existing.id;
      s.restart.run({ ...values, id });
    } else {
      id = Number(
        s.insert.run({ ...values, channel: input.channel, address: input.address }).lastInsertRowid,
      );
    }
    writeScope(id, input.scope);
    return { subscriber: subscriberOf(s.byId.get(id)), created: true };
  });

  const stopping = (stmt: typeof s.unsubscribe, why: string) =>
    db.transaction((id: number, at: number) => {
      if (stmt.run(at, id).changes !== 1) return false;
      s.dropPending.run(why, id);
      return true;
    });
  const unsubscribe = stopping(s.unsubscribe, 'unsubscribed');
  const disable = stopping(s.disable, 'subscriber disabled');

  const fanOut = db.transaction((f: FanOut) => {
    const incident = s.incidentOf.pluck().get(f.postId) as number | undefined;
    if (incident === undefined) return 0;
    const args = { post: f.postId, action: f.action, edit: f.editId, at: f.at, incident };
    if (f.action === 'publish') return n.fanOutPublish.run(args).changes;
    const { incident: _, ...followUp } = args;
    return n.fanOutFollowUp.run(followUp).changes;
  });

  const begin = db.transaction((ids: readonly number[]) => {
    for (const id of ids) n.begin.run(id);
  });

  const settle = db.transaction((outcomes: readonly NotificationOutcome[], disableAfter: number) => {
    for (const o of outcomes) {
      const row = n.subscriberOf.get(o.id) as { subscriber_id: number; kind: string } | undefined;
      if (row === undefined) continue; // removed meanwhile: nothing left to record
      const subscriber = row.subscriber_id;
      if (o.status === 'sent') {
        n.sent.run(o.at, o.id);
        // Only a delivery to the subscriber's own address ends its run of failures (not a mail to its contact).
        if (row.kind === 'post') n.resetFailures.run(subscriber);
        continue;
      }
      if (o.status === 'dropped') {
        n.finish.run('dropped', o.error.slice(0, 1000), o.id);
        continue;
      }
      const error = o.error.slice(0, 1000);
      if (o.status === 'retry') n.retry.run(error, o.nextAttemptAt ?? o.at, o.id);
      else n.finish.run('failed', error, o.id);
      if (!o.blameSubscriber) continue;
      const failures = n.addFailure.pluck().get(subscriber) as number | undefined;
      if (failures === undefined || failures < disableAfter) continue;
      s.disable.run(o.at, subscriber);
      s.dropPending.run(`subscriber disabled after ${failures} failures in a row`, subscriber);
      const contact = s.byId.get(subscriber) as { contact_email: string | null };
      if (contact.contact_email) n.queueDisabled.run(`d${o.at}.s${subscriber}`, subscriber, o.at, o.at);
    }
  });

  return {
    create: (input) => create.immediate(input),
    byId: (id) => maybe(s.byId.get(id)),
    byAddress: (channel, address) => maybe(s.byAddress.get(channel, address)),
    confirm: (id, at) => s.confirm.run(at, id).changes === 1,
    setScope: db.transaction((id: number, scope: SubscriberScope) => {
      if (!s.byId.get(id)) return false;
      writeScope(id, scope);
      return true;
    }),
    unsubscribe: (id, at) => unsubscribe.immediate(id, at),
    disable: (id, at) => disable.immediate(id, at),
    remove: (address) => s.remove.run(address, address).changes,
    list: (filter = {}) =>
      s.list.all({ status: filter.status ?? null, channel: filter.channel ?? null }).map(subscriberOf),
    counts: () => countsOf(s),
    matching(postId) {
      const incident = s.incidentOf.pluck().get(postId) as number | undefined;
      if (incident === undefined) return [];
      return s.matching
        .pluck()
        .all({ incident })
        .map((id) => id as number);
    },
    fanOut: (f) => fanOut.immediate(f),
    due(now, limit) {
      return n.due.all({ now, limit }).map((row) => {
        const notification = toNotification(row);
        const subscriber = subscriberOf(s.byId.get(notification.subscriberId));
        const originalSent = (row as { original_status: string | null }).original_status === 'sent';
        return { notification, subscriber, originalSent };
      });
    },
    begin: (ids) => {
      begin.immediate(ids);
    },
    settle: (outcomes, disableAfter) => {
      settle.immediate(outcomes, disableAfter);
    },
    notifications: (filter = {}) =>
      n.list
        .all({ post: filter.postId ?? null, subscriber: filter.subscriberId ?? null })
        .map(toNotification),
    pendingCount: () => n.pending.get() as number,
  };
}

function countsOf(s: ReturnType<typeof prepareSubscriberStatements>): SubscriberCounts {
  const channels = new Map<SubscriberChannel, ChannelCounts>(
    SUBSCRIBER_CHANNELS.map((channel) => [
      channel,
      { channel, pending: 0, active: 0, disabled: 0, unsubscribed: 0, failing: 0, failedNotifications: 0 },
    ]),
  );
  for (const row of s.byChannel.all() as Array<{
    channel: SubscriberChannel;
    status: SubscriberStatus;
    n: number;
    failing: number;
  }>) {
    const c = channels.get(row.channel);
    if (!c) continue;
    c[row.status] = row.n;
    if (row.status === 'active') c.failing = row.failing;
  }
  for (const row of s.failedByChannel.all() as Array<{ channel: SubscriberChannel; n: number }>) {
    const c = channels.get(row.channel);
    if (c) c.failedNotifications = row.n;
  }
  const byComponent = (
    s.byComponent.raw().all() as Array<[string | null, string | null, SubscriberChannel, number, number]>
  ).map(([system, service, channel, active, failing]) => ({ system, service, channel, active, failing }));
  return { byChannel: [...channels.values()], byComponent };
}
