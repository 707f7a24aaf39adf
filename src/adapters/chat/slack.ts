// Slack through Bolt: /status in, private Block Kit answers out. Socket Mode when an app token is set;
// otherwise HTTP mode, as a router for Herald's one server at POST /slack/events (slack-receiver.ts checks
// the signature, the replay window and the body's shape first). Every request that changes something is
// appended to the inbox and only then acknowledged (the HTTP response, or Socket Mode's envelope ack); the
// inbox's worker asks the core and answers (slack-surface.ts). This file only receives and translates.

import {
  App,
  type BlockAction,
  type ButtonAction,
  ExpressReceiver,
  type SlackActionMiddlewareArgs,
  SocketModeReceiver,
  type webApi,
} from '@slack/bolt';
import type { Router } from 'express';
import type { CoreSettings } from '../../bot/catalog.js';
import type { Clock } from '../../bot/handle-command.js';
import type { ChatConfig, SiteConfig, SlackConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { ChatMetrics } from '../../metrics.js';
import type { ProposalBoard } from '../../monitors/proposal.js';
import {
  ACTIONS,
  type BlockContext,
  decodeButton,
  renderClosedPreview,
  renderOutcome,
} from '../../templates/slack/blocks.js';
import { fromSlackText } from '../../templates/slack/text.js';
import { createBoltLogger } from '../slack-client/bolt-logger.js';
import type { ChatCore } from './chat-core.js';
import { InboxClosedError } from './inbox.js';
import { type Conversation, createConversation } from './inbox-worker.js';
import { wallClock } from './replay-window.js';
import { type Answers, createAnswer, createAnswers } from './slack-answers.js';
import { registerSlackEdit } from './slack-edit.js';
import { createGroupLookup } from './slack-groups.js';
import { SLACK_COMMAND, SLACK_EVENTS_PATH } from './slack-manifest.js';
import { createSlackPrompts } from './slack-prompts.js';
import { createSlackProposalBoard, registerSlackProposalPresses } from './slack-proposals.js';
import { createSlackDoor, SLACK_BODY_LIMIT } from './slack-receiver.js';
import { createSlackSurface, respondVia, type SlackKind, type SlackPayload } from './slack-surface.js';

export { SLACK_COMMAND, SLACK_EVENTS_PATH };

export interface SlackAdapterOptions {
  config: SlackConfig;
  chat: ChatConfig;
  core: ChatCore;
  settings: CoreSettings;
  site: SiteConfig;
  log: Logger;
  clock: Clock;
  /** The inbox and its worker, shared with Discord; the adapter makes (and runs) its own without one. */
  conversation?: Conversation;
  /** The clock of the replay window (the wall clock by default). */
  requestClock?: Clock;
  /** The slash command, as in the app's manifest. */
  command?: string;
  /** Told how long each slash command took to acknowledge. */
  metrics?: ChatMetrics;
}

export interface SlackAdapter {
  mode: 'socket' | 'http';
  /** HTTP mode: give these to createHttpApp's `routes` (POST /slack/events). Empty in Socket Mode. */
  routes: Array<{ path: string; router: Router }>;
  /** Checks the bot token (auth.test), then connects (Socket Mode) or starts answering (HTTP mode). */
  start(): Promise<void>;
  /** Stops taking requests (new ones are not acknowledged, so Slack retries them later). */
  stop(): Promise<void>;
  /** The monitors' proposals in the staff channel (issue 17); null without a staff channel. */
  proposalBoard: ProposalBoard | null;
}

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>>;

function createReceiver(config: SlackConfig, logger: ReturnType<typeof createBoltLogger>) {
  // Bolt puts these into each request's context: when the receiver had it, for the acknowledgement's latency.
  const received = () => ({ receivedAt: performance.now() });
  if (config.appToken !== null) {
    return new SocketModeReceiver({
      appToken: config.appToken,
      logger,
      // Its own client options: reconnecting (apps.connections.open) keeps the library's long retries.
      installerOptions: { clientOptions: { slackApiUrl: config.apiUrl } },
      customPropertiesExtractor: received,
    });
  }
  return new ExpressReceiver({
    signingSecret: config.signingSecret ?? '',
    // slack-receiver.ts checked it already, with the replay window in both directions.
    signatureVerification: false,
    endpoints: '/',
    logger,
    processBeforeResponse: false,
    bodyLimit: SLACK_BODY_LIMIT,
    customPropertiesExtractor: received,
    // A request not taken into the inbox (Herald stopping) is not acknowledged: 503, and Slack retries.
    processEventErrorHandler: async ({ error, response }) => {
      if (!response.headersSent) {
        response.writeHead(error instanceof InboxClosedError ? 503 : 500);
        response.end();
      }
      return false;
    },
  });
}

export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  const { config, chat, core, settings, site, clock } = options;
  const log = options.log.child({ component: 'slack' });
  const socket = config.appToken !== null;
  if (!socket && !config.signingSecret) {
    throw new Error('Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)');
  }
  const logger = createBoltLogger(log);
  // Short retries only: a person is waiting (and a trigger_id lives three seconds).
  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: config.apiUrl,
    retryConfig: { retries: 1, factor: 1, minTimeout: 300, maxTimeout: 300 },
    timeout: 10_000,
  };
  const receiver = createReceiver(config, logger);
  const app = new App({ token: config.botToken, receiver, logger, clientOptions, deferInitialization: true });
  const ctx: BlockContext = { settings, site, dryOutlets: core.dryOutlets };
  const answers: Answers = createAnswers({ ctx, clock, log, previewTtlMs: chat.previewTtlMs });
  const groups = createGroupLookup({
    client: app.client,
    configured: settings.staff.slack.groups,
    clock,
    log,
  });
  const own = options.conversation ? null : createConversation({ core, clock, log: options.log });
  const conversation = options.conversation ?? (own as Conversation);
  let ready = false;
  let stopServing: Array<() => void> = [];

  /** The door: appended to the inbox (persistently de-duplicated by the platform's id), then acknowledged. */
  async function take(kind: SlackKind, triggerId: string, payload: SlackPayload): Promise<boolean> {
    if (!ready) throw new InboxClosedError();
    const appended = await conversation.inbox.append({
      requestId: `slack:${triggerId}`,
      platform: 'slack',
      kind,
      payload,
      receivedAt: clock.now(),
    });
    if (!appended.fresh) log.debug({ requestId: `slack:${triggerId}` }, 'repeated Slack request ignored');
    return appended.fresh;
  }

  app.command(options.command ?? SLACK_COMMAND, async ({ command, ack, context, respond }) => {
    const fresh = await take(chat.preview ? 'preview' : 'command', command.trigger_id, {
      text: fromSlackText(command.text ?? '').trim(),
      user: { id: command.user_id, name: command.user_name ?? command.user_id },
      channel: command.channel_id || null,
      triggerId: command.trigger_id,
      responseUrl: command.response_url,
    });
    await ack();
    if (typeof context.receivedAt === 'number')
      options.metrics?.acknowledged('slack', (performance.now() - context.receivedAt) / 1000);
    // The same trigger_id again, not as Slack's retry (which stays quiet: the first has the answer).
    const retry = typeof context.retryNum === 'number' && context.retryNum > 0;
    if (!fresh && !retry) {
      const answer = createAnswer(respond, { replaceFirst: false, log, now: clock.now });
      await answer.whisper(renderOutcome({ kind: 'duplicate', incidentId: null, postId: null }, ctx));
    }
  });

  /** Publish and Cancel: into the inbox; an unreadable button is answered at once (nothing to do). */
  const onPress = (kind: 'publish' | 'cancel') => async (args: ButtonArgs) => {
    const { body, action } = args;
    const button = decodeButton(action.value);
    if (!button) {
      await args.ack();
      log.warn({ user: body.user.id }, 'a button without a readable value was pressed');
      const answer = createAnswer(args.respond, { replaceFirst: true, log, now: clock.now });
      await answer.whisper(renderClosedPreview('This button no longer works. Run the command again.'));
      return;
    }
    const channel = body.channel?.id ?? (body.container as { channel_id?: string }).channel_id ?? null;
    await take(kind, body.trigger_id, {
      button,
      user: { id: body.user.id, name: body.user.username ?? body.user.name ?? body.user.id },
      channel,
      responseUrl: body.response_url,
    });
    await args.ack();
  };
  app.action<BlockAction<ButtonAction>>({ action_id: ACTIONS.publish }, onPress('publish'));
  app.action<BlockAction<ButtonAction>>({ action_id: ACTIONS.cancel }, onPress('cancel'));

  registerSlackEdit({ app, core, chat, answers, groups, ctx, log, clock, respondVia });

  // The monitors' proposals (issue 17): their buttons go through the inbox like a preview's.
  registerSlackProposalPresses({
    app,
    take: (triggerId, payload) => take('proposal', triggerId, payload),
    groups,
    settings,
    clock,
    log,
  });
  const proposalBoard = config.staffChannel
    ? createSlackProposalBoard({ client: app.client, channel: config.staffChannel, settings, log })
    : null;

  const sendPrompt = createSlackPrompts({
    app,
    async take(press) {
      const { triggerId, ...rest } = press;
      await take('prompt', triggerId, rest);
    },
  });

  app.error(async (error) => {
    if (!(error.original instanceof InboxClosedError) && !(error instanceof InboxClosedError))
      log.error({ err: error }, 'Bolt could not handle a Slack request');
  });

  const routes: SlackAdapter['routes'] = [];
  if (receiver instanceof ExpressReceiver) {
    const router = createSlackDoor({
      signingSecret: config.signingSecret ?? '',
      clock: options.requestClock ?? wallClock,
      accepting: () => ready,
      bolt: receiver.router,
    });
    routes.push({ path: SLACK_EVENTS_PATH, router });
  }

  return {
    mode: socket ? 'socket' : 'http',
    routes,
    proposalBoard,
    async start() {
      await app.init();
      stopServing = [
        core.onDelivery((notice) => answers.onDelivery(notice)),
        core.servePrompts('slack', sendPrompt),
        conversation.serve(createSlackSurface({ app, chat, answers, groups, ctx, clock, log })),
      ];
      own?.start();
      if (socket) await app.start();
      ready = true;
      log.info({ mode: socket ? 'socket' : 'http' }, 'slack is on');
    },
    async stop() {
      // Nothing new is taken (HTTP: 503; Socket Mode: no envelope ack, Slack sends it again later).
      ready = false;
      await conversation.stop();
      for (const stop of stopServing) stop();
      stopServing = [];
      answers.close();
      if (socket) await app.stop();
    },
  };
}
