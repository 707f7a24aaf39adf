// The composition root: configuration → store → core → outlets and adapters. The only module that knows
// them all.

import path from 'node:path';
import type { Router } from 'express';
import type { ChatProposals, DeliveryNotice } from './adapters/chat/chat-core.js';
import { type Conversation, createConversation } from './adapters/chat/inbox-worker.js';
import { createProposalPresses } from './adapters/chat/proposal-presses.js';
import { createDryRunOutlet } from './adapters/outlets/dry-run.js';
import type { Outlet } from './adapters/outlets/outlet.js';
import { createSiteOutlet, type SiteOutlet } from './adapters/outlets/site.js';
import { createFileRefusalLog } from './adapters/refusal-log.js';
import { createMaintenanceJob, createMaintenanceQuestion } from './automation/maintenance.js';
import {
  announcementChannels,
  createPromiseReminderJob,
  createPromiseReminders,
} from './automation/promises.js';
import {
  createPromptDesk,
  type PromptPress,
  type PromptReply,
  type PromptSender,
} from './automation/prompts.js';
import type { CoreSettings } from './bot/catalog.js';
import {
  type Clock,
  type CommandInput,
  createCommandHandler,
  type Outcome,
  type PreviewAction,
} from './bot/handle-command.js';
import type { Store } from './bot/ports.js';
import type { Delivery, Platform } from './bot/types.js';
import type { Config } from './config.js';
import { checkHealth, type HealthReport } from './health.js';
import type { Logger } from './logger.js';
import { createMetrics, type HeraldMetrics, type PendingSummary } from './metrics.js';
import { createMonitorHooks } from './monitors/hooks.js';
import { renderProposalList } from './monitors/list-text.js';
import { createMonitors, type Monitors } from './monitors/monitors.js';
import type { ProposalBoard } from './monitors/proposal.js';
import { createPublisher, type Publisher } from './publisher.js';
import { newRequestId } from './request-id.js';
import { createScheduler, type Scheduler } from './scheduler.js';
import type { InboxStore } from './store/inbox.js';
import type { ProposalStore } from './store/proposals.js';
import { openStore, type SqliteStore } from './store/sqlite-store.js';
import { createSubscriberDelivery, type SubscriberDelivery } from './subscribers/delivery.js';
import { createSubscriberFront, type SubscriberFront } from './subscribers/front.js';
import { SUBSCRIBER_ROUTES_PATH } from './subscribers/http.js';
import type { NotificationWorker, SubscriberLinksPort } from './subscribers/worker.js';
import { createPostRenderer } from './templates/post.js';
import { BLUESKY_MEASURE, mastodonMeasure, TWITTER_MEASURE } from './templates/social.js';

export const systemClock: Clock = { now: () => Date.now() };

/** How often the publisher looks for due deliveries written by other processes (`herald run`). */
export const PUBLISH_INTERVAL_MS = 2_000;

export interface Herald {
  config: Config;
  store: Store;
  /** The chat inbox (migration 008), on the store's connection. */
  inbox: InboxStore;
  /** Subscribers and their notifications (issue 16), on the store's connection. */
  subscribers: SqliteStore['subscribers'];
  /**
   * Sends the subscribers' notifications (src/subscribers/worker.ts); null while subscriptions are off (no
   * SMTP_URL). publisher.start() starts it, publisher.stop() stops it, publisher.runOnce() runs it too.
   */
  notifier: NotificationWorker | null;
  site: SiteOutlet;
  publisher: Publisher;
  /** Runs one command as typed in chat. Synchronous: better-sqlite3 is. Wakes the publisher after a change. */
  handle(input: CommandInput): Outcome;
  /** Checks a command and shows what it would publish; Publish (confirm) writes it. */
  preview(input: CommandInput, ttlMs: number): Outcome;
  confirm(action: PreviewAction): Outcome;
  cancel(action: PreviewAction): Outcome;
  /** GET /healthz: the database, the oldest pending delivery, the site (src/health.ts). */
  health(): HealthReport;
  /** GET /metrics: commands, refusals, deliveries and latencies, for Prometheus (src/metrics.ts). */
  metrics: HeraldMetrics;
  /** Listens to what becomes of each delivery; returns the function that stops listening. */
  onDelivery(listener: (event: DeliveryNotice) => void): () => void;
  /** The core settings in force: the configured ones, with the chat announcement outlets added. */
  settings: CoreSettings;
  /** Outlets that have no credentials and only log what they would send. */
  dryOutlets: ReadonlySet<string>;
  /**
   * What Herald does by itself on its clock (src/scheduler.ts): a scheduled maintenance's reminders, its
   * start and the question at its end. `herald start` starts its timer; tests call runDue().
   */
  scheduler: Scheduler;
  /** A chat adapter sends Herald's questions to its platform's people; returns the function that stops it. */
  servePrompts(platform: Platform, send: PromptSender): () => void;
  /** A button of one of Herald's questions pressed (is the maintenance complete?). */
  answerPrompt(press: PromptPress): PromptReply;
  /** Subscribing (issue 16): the sign-up routes, the form's address, the links every mail carries. */
  subscriberFront: SubscriberFront;
  /** Monitors' proposals (issue 17, src/monitors/monitors.ts): receive, press, boards, `/status proposals`. */
  monitors: Monitors;
  /** The proposals' tables (migration 012), on the store's connection. */
  proposals: ProposalStore;
  close(): Promise<void>;
}

/**
 * An outlet whose module (and its client library) is loaded at its first delivery, so that commands that
 * never publish (`herald run`, `herald serve`) do not pay for loading every network's library.
 */
function lazyOutlet(name: string, load: () => Promise<Outlet>): Outlet {
  let outlet: Promise<Outlet> | null = null;
  return {
    name,
    threaded: true,
    external: true,
    async deliver(items) {
      outlet ??= load();
      return (await outlet).deliver(items);
    },
  };
}

/** Twitter, Mastodon and Bluesky: each real when its credentials are set, a dry run otherwise. */
function createSocialOutlets(config: Config, log: Logger, clock: Clock): Outlet[] {
  const { twitter, mastodon, bluesky } = config.social;
  const { credentials } = twitter;
  const { url, accessToken } = mastodon;
  const { identifier, appPassword } = bluesky;
  const { requestTimeoutMs } = config;
  return [
    credentials
      ? lazyOutlet('twitter', async () =>
          (await import('./adapters/outlets/twitter.js')).createTwitterOutlet({
            apiUrl: twitter.apiUrl,
            credentials,
            log,
            requestTimeoutMs,
          }),
        )
      : createDryRunOutlet({ name: 'twitter', measure: TWITTER_MEASURE, log }),
    url && accessToken
      ? lazyOutlet('mastodon', async () =>
          (await import('./adapters/outlets/mastodon.js')).createMastodonOutlet({
            url,
            accessToken,
            log,
            requestTimeoutMs,
          }),
        )
      : createDryRunOutlet({ name: 'mastodon', measure: mastodonMeasure(), log }),
    identifier && appPassword
      ? lazyOutlet('bluesky', async () =>
          (await import('./adapters/outlets/bluesky.js')).createBlueskyOutlet({
            serviceUrl: bluesky.serviceUrl,
            identifier,
            appPassword,
            log,
            now: clock.now,
            requestTimeoutMs,
          }),
        )
      : createDryRunOutlet({ name: 'bluesky', measure: BLUESKY_MEASURE, log }),
  ];
}

/** Announcements in a Slack and a Discord channel, when one is configured, threaded per incident. */
function createAnnouncementOutlets(config: Config, log: Logger, clock: Clock): Outlet[] {
  const outlets: Outlet[] = [];
  const { slack, discord, requestTimeoutMs } = config;
  if (slack?.announceChannel) {
    outlets.push(
      lazyOutlet('slack', async () =>
        (await import('./adapters/outlets/slack-announce.js')).createSlackAnnounceOutlet({
          config: slack,
          log,
          clock,
          requestTimeoutMs,
        }),
      ),
    );
  }
  const token = discord?.token;
  const channelId = discord?.announceChannel;
  if (discord && token && channelId) {
    outlets.push(
      lazyOutlet('discord', async () =>
        (await import('./adapters/outlets/discord-announce.js')).createDiscordAnnounceOutlet({
          token,
          apiUrl: discord.apiUrl,
          channelId,
          log,
          clock,
          requestTimeoutMs,
        }),
      ),
    );
  }
  return outlets;
}

export interface ChatAdapters {
  /** HTTP endpoints to mount on Herald's server (Slack events, Discord interactions). */
  routes: Array<{ path: string; router: Router }>;
  /** The inbox and its worker, shared by Slack and Discord (src/adapters/chat/inbox-worker.ts). */
  conversation: Conversation;
  /** The monitors' proposals in the staff channels (issue 17): one board per platform with a staff channel. */
  proposalBoards: ProposalBoard[];
  /** Connects what connects (Socket Mode, the Discord gateway), after the server listens; starts the worker. */
  start(): Promise<void>;
  /**
   * Stops taking requests (new ones are not acknowledged, so the platforms retry), lets the worker finish
   * the row in hand and the answers on their way, and disconnects. Pending rows stay for the next start.
   */
  stop(): Promise<void>;
}

/** Slack and Discord, each when configured; their libraries are loaded only then. */
export async function createChatAdapters(
  herald: Herald,
  log: Logger,
  clock: Clock = systemClock,
  requestClock?: Clock,
): Promise<ChatAdapters> {
  const { config } = herald;
  const adapters: Array<{ router?: Router | null; start(): Promise<void>; stop(): Promise<void> }> = [];
  const routes: ChatAdapters['routes'] = [];
  const proposalBoards: ProposalBoard[] = [];
  const removeBoards: Array<() => void> = [];
  // One inbox and one worker for Slack and Discord together: one order of arrival, one transaction each.
  const conversation = createConversation({ core: herald, clock, log, proposals: chatProposals(herald) });
  const common = {
    chat: config.chat,
    core: herald,
    conversation,
    settings: herald.settings,
    site: config.site,
    log,
    clock,
    ...(requestClock ? { requestClock } : {}),
    metrics: herald.metrics,
  };
  // Monitors' hooks (issue 17): their notifications go through the same inbox and worker.
  const hooks = createMonitorHooks({
    monitors: herald.monitors,
    secrets: config.monitors.hooks,
    settings: herald.settings,
    inbox: conversation.inbox,
    clock,
    log,
    metrics: herald.metrics.monitors,
  });
  routes.push(...hooks.routes);
  conversation.serve(hooks.surface);
  if (config.slack) {
    const { createSlackAdapter } = await import('./adapters/chat/slack.js');
    const slack = createSlackAdapter({ ...common, config: config.slack });
    adapters.push(slack);
    routes.push(...slack.routes);
    if (slack.proposalBoard) proposalBoards.push(slack.proposalBoard);
  }
  // The subscriber routes (sign-up, confirm, manage, unsubscribe) ride with the chat routes onto the server.
  routes.push({ path: SUBSCRIBER_ROUTES_PATH, router: herald.subscriberFront.router });
  if (config.discord) {
    // With a bot token the gateway needs all of discord.js: loaded first, as before issue 19, the adapter's
    // smaller packages then come from it. Loaded only when the gateway starts, `herald start` took 0.1–0.25 s
    // longer on a 2-core machine (bench/start-time.ts).
    if (config.discord.token) await import('discord.js');
    const { createDiscordAdapter, DISCORD_INTERACTIONS_PATH } = await import('./adapters/chat/discord.js');
    const discord = createDiscordAdapter({ ...common, config: config.discord });
    adapters.push(discord);
    if (discord.proposalBoard) proposalBoards.push(discord.proposalBoard);
    if (discord.router) routes.push({ path: DISCORD_INTERACTIONS_PATH, router: discord.router });
  }
  return {
    routes,
    conversation,
    proposalBoards,
    async start() {
      try {
        for (const a of adapters) await a.start();
        // The monitors' proposals in the staff channels (issue 17), once the adapters run.
        for (const board of proposalBoards) removeBoards.push(herald.monitors.addBoard(board));
      } finally {
        // What a previous run left pending is finished even if a platform is down (answers may fail).
        conversation.start();
      }
    },
    async stop() {
      for (const remove of removeBoards.splice(0)) remove();
      await Promise.allSettled(adapters.map((a) => a.stop()));
      await conversation.stop();
    },
  };
}

/** The presses on the monitors' proposals (issue 17), for the chat inbox's worker. */
export function chatProposals(herald: Pick<Herald, 'monitors'>): ChatProposals {
  return createProposalPresses(herald.monitors);
}

/** The social outlets that run dry for want of credentials. */
export function dryOutletsOf(config: Config): Set<string> {
  const { twitter, mastodon, bluesky } = config.social;
  const dry = new Set<string>();
  if (!twitter.credentials) dry.add('twitter');
  if (!(mastodon.url && mastodon.accessToken)) dry.add('mastodon');
  if (!(bluesky.identifier && bluesky.appPassword)) dry.add('bluesky');
  return dry;
}

export interface HeraldOptions {
  clock?: Clock;
  log: Logger;
  /**
   * Whether a recorded change wakes the publisher at once (a long-running Herald). `herald run` records
   * only, and leaves delivery to the running Herald or to `herald publish`.
   */
  publishOnChange?: boolean;
  /**
   * The outlets of the Herald that delivers (src/ops/delivery-plan.ts), for a Herald that only records
   * (`herald run`): its commands get a delivery for each of them, and its answers say which run dry there.
   */
  plan?: { outlets: readonly string[]; dry: readonly string[] };
  /** The signed manage and unsubscribe links in subscribers' mails (subs-front's tokens). */
  subscriberLinks?: SubscriberLinksPort;
}

/**
 * The publisher with the notification worker beside it: started, run and stopped together, but never one
 * waiting on the other's network (the publisher's 'subscribers' outlet only writes the rows).
 */
function withNotifier(publisher: Publisher, delivery: SubscriberDelivery | null): Publisher {
  if (!delivery) return publisher;
  const { worker } = delivery;
  return {
    ...publisher,
    async runOnce() {
      const reports = await publisher.runOnce();
      await worker.runOnce();
      return reports;
    },
    start(intervalMs) {
      publisher.start(intervalMs);
      worker.start(intervalMs);
    },
    async stop() {
      await publisher.stop();
      await delivery.close();
    },
  };
}

export function createHerald(config: Config, options: HeraldOptions): Herald {
  const clock = options.clock ?? systemClock;
  const log = options.log;
  const store = openStore(config.paths.database);
  const refusals = createFileRefusalLog(path.join(config.paths.dataDir, 'refusals.log'));
  const announcers = createAnnouncementOutlets(config, log, clock);
  // The sign-up side (issue 16): its routes, the form's address, and the signed links mails carry.
  const subscriberFront = createSubscriberFront({ config, store: store.subscribers, log, clock });
  const subscriberLinks = options.subscriberLinks ?? subscriberFront.links ?? undefined;
  // Subscribers (issue 16): on with SMTP_URL; an outlet that fans each post out, and its worker.
  const subscriberDelivery = config.subscribers
    ? createSubscriberDelivery({
        config: config.subscribers,
        webhooks: config.webhooks,
        site: config.site,
        settings: config.core,
        store,
        clock,
        log,
        ...(subscriberLinks ? { links: subscriberLinks } : {}),
      })
    : null;
  // Chat announcements are outlets too: each configured channel gets a delivery of every post.
  const settings = {
    ...config.core,
    outlets: options.plan
      ? [...options.plan.outlets]
      : [
          ...config.core.outlets,
          ...announcers.map((o) => o.name),
          ...(subscriberDelivery ? [subscriberDelivery.outlet.name] : []),
        ],
  };
  const commands = createCommandHandler({
    store,
    settings,
    clock,
    refusals,
    subscribers: config.subscribers ? store.subscribers : null,
    // `/status proposals [all]` (issue 17); `monitors` is made below, and asked only once Herald runs.
    proposals: {
      listText: (all) => renderProposalList(monitors.list({ limit: all ? 100 : 60 }), all),
    },
  });
  const site = createSiteOutlet({
    store,
    site: config.site,
    settings: config.core,
    publicDir: config.paths.publicDir,
    clock,
    subscribe: subscriberFront.form,
  });
  const renderCached = createPostRenderer({ baseUrl: config.site.baseUrl, zones: config.core.zones });
  const render = (delivery: Delivery) => {
    const post = store.postById(delivery.postId);
    const incident = post && store.incident(post.incidentId);
    if (!post || !incident) return undefined;
    // Each message carries the words of its moment, so that a thread reads in order: the post as it was
    // published, then each correction with its own words (not a later one's).
    const editId = delivery.editId;
    const edits =
      delivery.action === 'publish'
        ? []
        : editId === null
          ? post.edits
          : post.edits.filter((e) => e.id <= editId);
    const asOf = { ...post, edits };
    return renderCached(asOf, incident);
  };
  const listeners = new Set<(event: DeliveryNotice) => void>();
  const outlets = [
    site,
    ...createSocialOutlets(config, log, clock).filter((o) => config.core.outlets.includes(o.name)),
    ...announcers,
    ...(subscriberDelivery ? [subscriberDelivery.outlet] : []),
  ];
  // Every pending delivery, through the outbox's index on (status, next_attempt_at): a scrape or a health
  // check reads the few pending rows, not the whole history of deliveries.
  const pendingDeliveries = () => store.outbox.due(Number.MAX_SAFE_INTEGER);
  const metrics = createMetrics({
    outlets: outlets.map((o) => o.name),
    pendingByOutlet() {
      const now = clock.now();
      const byOutlet = new Map<string, PendingSummary>();
      for (const d of pendingDeliveries()) {
        const waited = Math.max(0, (now - d.createdAt) / 1000);
        const p = byOutlet.get(d.outlet);
        byOutlet.set(d.outlet, {
          count: (p?.count ?? 0) + 1,
          oldestSeconds: Math.max(p?.oldestSeconds ?? 0, waited),
        });
      }
      return byOutlet;
    },
    proposalsByFate: () => store.proposals.countByFate(),
  });
  const publisher = withNotifier(
    createPublisher({
      outbox: store.outbox,
      outlets,
      render,
      clock,
      log,
      onResult(event) {
        metrics.delivery(event, clock.now());
        const post = store.postById(event.delivery.postId);
        if (post) for (const listener of listeners) listener({ ...event, post });
      },
    }),
    subscriberDelivery,
  );

  /** The request id the surface gave the command, or a new one: it follows the command to its deliveries. */
  const identified = <T extends { requestId?: string }>(input: T): T & { requestId: string } => ({
    ...input,
    requestId: input.requestId || newRequestId('herald'),
  });

  /** Logs what became of a command, and wakes the publisher when something was recorded. */
  const logged = (input: Pick<CommandInput, 'actor' | 'requestId'>, outcome: Outcome): Outcome => {
    const said = log.child({ requestId: input.requestId });
    metrics.command(input.actor.platform, outcome);
    if (outcome.kind === 'refused') {
      said.info(
        { platform: input.actor.platform, actor: input.actor.id, code: outcome.code },
        'command refused',
      );
    } else if (outcome.kind === 'recorded') {
      said.info(
        {
          platform: input.actor.platform,
          actor: input.actor.id,
          command: outcome.command.kind,
          incident: outcome.incident.id,
          post: outcome.post?.id,
          deliveries: outcome.deliveries.length,
        },
        'command recorded',
      );
      if (options.publishOnChange !== false) publisher.wake();
      // A maintenance may have been scheduled: the scheduler learns when its next step is due.
      if (input.actor.platform !== 'herald') scheduler.wake();
    } else if (outcome.kind === 'preview') {
      said.info(
        { platform: input.actor.platform, actor: input.actor.id, preview: outcome.previewId },
        'command previewed',
      );
    }
    return outcome;
  };

  const automation = {
    store,
    commands,
    settings,
    onOutcome: (outcome: Outcome, by: Pick<CommandInput, 'actor' | 'requestId'>) => logged(by, outcome),
  };
  // Promised updates (`--next`) are reminded of in each announcement channel too.
  const promises = {
    store,
    settings,
    clock,
    log,
    channels: announcementChannels(config),
  };
  const prompts = createPromptDesk({
    prompts: store.prompts,
    handlers: [createMaintenanceQuestion(automation), ...createPromiseReminders(promises)],
    refusals,
    clock,
    log,
  });
  const monitors = createHeraldMonitors();
  const scheduler = createScheduler({
    clock,
    log,
    jobs: [
      // Monitors first: a resolve that settled may propose, and a due publish_after is published.
      monitors.job,
      createMaintenanceJob({ ...automation, remindersMs: config.maintenance.remindersMs, log }),
      // Before the prompt desk's job: a reminder queued in a run is sent in the same run.
      createPromiseReminderJob(promises),
      prompts.job,
    ],
  });

  /** Monitors (issue 17): a press records through the ordinary command path, logged like a typed command. */
  function createHeraldMonitors(): Monitors {
    return createMonitors({
      store,
      config: config.monitors,
      settings,
      clock,
      log,
      handle(input) {
        const command = identified(input);
        return logged(command, commands.handle(command));
      },
      automatic(input) {
        const change = identified(input);
        return logged(change, commands.automatic(change));
      },
      counters: metrics.monitors,
    });
  }

  return {
    config,
    store,
    inbox: store.inbox,
    subscribers: store.subscribers,
    notifier: subscriberDelivery?.worker ?? null,
    monitors,
    proposals: store.proposals,
    site,
    publisher,
    scheduler,
    servePrompts: prompts.serve,
    subscriberFront,
    answerPrompt(input) {
      const press = identified(input);
      const reply = prompts.answer(press);
      if (reply.kind === 'outcome') logged(press, reply.outcome);
      return reply;
    },
    handle(input) {
      const command = identified(input);
      return logged(command, commands.handle(command));
    },
    preview(input, ttlMs) {
      const command = identified(input);
      return logged(command, commands.preview(command, ttlMs));
    },
    confirm(action) {
      const press = identified(action);
      return logged(press, commands.confirm(press));
    },
    cancel(action) {
      const outcome = commands.cancel(action);
      metrics.command(action.actor.platform, outcome);
      return outcome;
    },
    health: () =>
      checkHealth({
        pending: pendingDeliveries,
        siteWrittenAt: () => site.lastWrittenAt(),
        now: () => clock.now(),
        stuckSeconds: config.health.stuckSeconds,
      }),
    metrics,
    onDelivery(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dryOutlets: options.plan ? new Set(options.plan.dry) : dryOutletsOf(config),
    settings,
    async close() {
      await scheduler.stop();
      await publisher.stop();
      subscriberFront.close();
      store.close();
    },
  };
}

export type { DeliveryNotice };
