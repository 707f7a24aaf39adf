// Slack through Bolt: /status in, private Block Kit answers out. Socket Mode when an app token is set;
// otherwise HTTP mode, as a router for Herald's one server at POST /slack/events (Bolt's ExpressReceiver
// checks the signature and the timestamp). Every handler acknowledges first, then asks the core, then
// answers through respond(); the core decides everything, this file only translates.

import {
  App,
  type BlockAction,
  type ButtonAction,
  ExpressReceiver,
  type RespondFn,
  type SlackActionMiddlewareArgs,
  SocketModeReceiver,
  type webApi,
} from '@slack/bolt';
import express, { type Router } from 'express';
import type { CoreSettings } from '../../bot/catalog.js';
import type { Clock, Outcome } from '../../bot/handle-command.js';
import type { Actor } from '../../bot/types.js';
import type { ChatConfig, SiteConfig, SlackConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { ChatMetrics } from '../../metrics.js';
import { newRequestId } from '../../request-id.js';
import {
  ACTIONS,
  type BlockContext,
  type ButtonValue,
  decodeButton,
  EDIT_INPUT,
  EDIT_VIEW,
  renderClosedPreview,
  renderEditModal,
  renderOutcome,
  SORRY,
} from '../../templates/slack/blocks.js';
import { fromSlackText } from '../../templates/slack/text.js';
import { createBoltLogger } from '../slack-client/bolt-logger.js';
import type { ChatCore } from './chat-core.js';
import { type Answer, type Answers, createAnswer, createAnswers } from './slack-answers.js';
import { createGroupLookup, type GroupLookup } from './slack-groups.js';
import { SLACK_COMMAND, SLACK_EVENTS_PATH } from './slack-manifest.js';
import { createSlackPrompts } from './slack-prompts.js';

export { SLACK_COMMAND, SLACK_EVENTS_PATH };

export interface SlackAdapterOptions {
  config: SlackConfig;
  chat: ChatConfig;
  core: ChatCore;
  settings: CoreSettings;
  site: SiteConfig;
  log: Logger;
  clock: Clock;
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
  stop(): Promise<void>;
}

/** The largest request body taken at POST /slack/events (Bolt's default). */
const SLACK_BODY_LIMIT = 4 * 1024 * 1024;

/** A response_url answered like Bolt's respond(), for a modal's submission (which carries none). */
function respondVia(url: string): RespondFn {
  return async (message) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(typeof message === 'string' ? { text: message } : message),
    });
    if (!response.ok) throw new Error(`the response_url answered ${response.status}`);
    return response;
  };
}

interface EditMetadata {
  previewId: string;
  requestId: string | null;
  responseUrl: string;
  channel: string | null;
}

function parseMetadata(text: string): EditMetadata | null {
  try {
    const m = JSON.parse(text) as Partial<EditMetadata>;
    if (typeof m.previewId !== 'string' || typeof m.responseUrl !== 'string') return null;
    return {
      previewId: m.previewId,
      requestId: typeof m.requestId === 'string' ? m.requestId : null,
      responseUrl: m.responseUrl,
      channel: typeof m.channel === 'string' ? m.channel : null,
    };
  } catch {
    return null;
  }
}

/** How long a slash command's trigger_id is remembered, so that Slack's retries make no second preview. */
const SEEN_MS = 10 * 60_000;

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>>;

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
  // Bolt puts these into each request's context: when the receiver had it, for the acknowledgement's latency.
  const received = () => ({ receivedAt: performance.now() });
  const receiver = socket
    ? new SocketModeReceiver({
        appToken: config.appToken ?? '',
        logger,
        // Its own client options: reconnecting (apps.connections.open) keeps the library's long retries.
        installerOptions: { clientOptions: { slackApiUrl: config.apiUrl } },
        customPropertiesExtractor: received,
      })
    : new ExpressReceiver({
        signingSecret: config.signingSecret ?? '',
        endpoints: '/',
        logger,
        processBeforeResponse: false,
        bodyLimit: SLACK_BODY_LIMIT,
        customPropertiesExtractor: received,
      });
  const app = new App({ token: config.botToken, receiver, logger, clientOptions, deferInitialization: true });
  const ctx: BlockContext = { settings, site, dryOutlets: core.dryOutlets };
  const answers: Answers = createAnswers({ ctx, clock, log, previewTtlMs: chat.previewTtlMs });
  const groups: GroupLookup = createGroupLookup({
    client: app.client,
    configured: settings.staff.slack.groups,
    clock,
    log,
  });
  const seen = new Map<string, number>();
  let ready = false;
  let unsubscribe: (() => void) | null = null;
  let stopPrompts: (() => void) | null = null;

  const answerFor = (respond: RespondFn, replaceFirst: boolean): Answer =>
    createAnswer(respond, { replaceFirst, log });

  async function actorOf(user: { id: string; name: string }, channel: string | null): Promise<Actor> {
    const found = await groups.groupsOf(user.id);
    return {
      platform: 'slack',
      id: user.id,
      name: user.name,
      ...(channel ? { channel } : {}),
      ...(found ? { groups: found } : {}),
    };
  }

  /** Shows any outcome through `answer`; a preview gets its buttons, a recorded change its updates. */
  async function show(
    outcome: Outcome,
    answer: Answer,
    preview: { requestId: string | null; authorId: string; text: string },
  ): Promise<void> {
    if (outcome.kind === 'preview') {
      await answers.preview(
        outcome,
        answer,
        { requestId: preview.requestId, authorId: preview.authorId },
        preview.text,
      );
    } else if (outcome.kind === 'recorded') {
      await answers.recorded(outcome, answer);
    } else {
      await answer.show(() => renderOutcome(outcome, ctx));
    }
  }

  /** The unexpected, caught once: logged with its context, and a short apology to the person. */
  async function guarded(where: Record<string, unknown>, answer: Answer, work: () => Promise<void>) {
    try {
      await work();
    } catch (error) {
      log.error({ err: error, ...where }, 'slack request failed');
      await answer.whisper({
        text: SORRY,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: SORRY } }],
      });
    }
  }

  const remember = (key: string): boolean => {
    const now = Date.now();
    for (const [k, at] of seen) if (now - at > SEEN_MS) seen.delete(k);
    if (seen.has(key)) return false;
    seen.set(key, now);
    return true;
  };

  app.command(options.command ?? SLACK_COMMAND, async ({ command, ack, respond, context }) => {
    await ack();
    if (typeof context.receivedAt === 'number')
      options.metrics?.acknowledged('slack', (performance.now() - context.receivedAt) / 1000);
    const answer = answerFor(respond, false);
    const requestId = newRequestId('slack', command.trigger_id);
    const where = { requestId, user: command.user_id, channel: command.channel_id };
    await guarded(where, answer, async () => {
      const text = fromSlackText(command.text ?? '').trim();
      const requestKey = `slack:${command.trigger_id}`;
      const retry = typeof context.retryNum === 'number' && context.retryNum > 0;
      // A preview is not a write, so the core cannot tell a retry from a new command: this process
      // remembers the trigger_id (without previews, the core's request keys catch every repeat).
      if (chat.preview && !remember(requestKey)) {
        log.debug(where, 'repeated slash command ignored');
        return;
      }
      const actor = await actorOf({ id: command.user_id, name: command.user_name }, command.channel_id);
      const input = { text, actor, requestKey, requestId };
      const outcome = await (chat.preview ? core.preview(input, chat.previewTtlMs) : core.handle(input));
      // Slack's retry of a command that was recorded: the first delivery has the answer.
      if (outcome.kind === 'duplicate' && retry) return;
      await show(outcome, answer, { requestId: command.trigger_id, authorId: command.user_id, text });
    });
  });

  /** Who pressed, and which preview; null (and a word to them) when the button's value is unreadable. */
  function pressed(args: ButtonArgs): { value: ButtonValue; actor: Actor; answer: Answer } | null {
    const { body, action, respond } = args;
    const answer = answerFor(respond, true);
    const value = decodeButton(action.value);
    if (!value) {
      log.warn({ user: body.user.id }, 'a button without a readable value was pressed');
      void answer.whisper(renderClosedPreview('This button no longer works. Run the command again.'));
      return null;
    }
    const channel = body.channel?.id ?? (body.container as { channel_id?: string }).channel_id ?? null;
    const actor: Actor = {
      platform: 'slack',
      id: body.user.id,
      name: body.user.username ?? body.user.name ?? body.user.id,
      ...(channel ? { channel } : {}),
    };
    return { value, actor, answer };
  }

  /** Publish or Cancel: only the author's press changes the preview; anyone else is told so, privately. */
  async function settle(
    args: ButtonArgs,
    outcome: Outcome,
    value: ButtonValue,
    answer: Answer,
  ): Promise<void> {
    if (outcome.kind === 'refused' && outcome.code === 'not_author') {
      await answer.whisper(renderOutcome(outcome, ctx));
      return;
    }
    if (outcome.kind === 'duplicate') {
      // A second click on a preview this process has just published: the first click's answer stands.
      if (answers.wasSettled(value.previewId)) return;
      await answer.whisper(renderOutcome(outcome, ctx));
      return;
    }
    answers.settle(value.previewId);
    if (outcome.kind === 'cancelled') {
      await answer.show(() => renderClosedPreview('Cancelled: nothing was published.'));
    } else if (outcome.kind === 'refused') {
      await answer.show(() => renderClosedPreview(`Nothing was published: ${outcome.message}`));
    } else {
      await show(outcome, answer, { requestId: value.requestId, authorId: value.authorId, text: '' });
    }
    log.debug(
      { user: args.body.user.id, preview: value.previewId, outcome: outcome.kind },
      'preview settled',
    );
  }

  app.action<BlockAction<ButtonAction>>({ action_id: ACTIONS.publish }, async (args) => {
    await args.ack();
    const press = pressed(args);
    if (!press) return;
    const { value, actor, answer } = press;
    const requestId = newRequestId('slack', args.body.trigger_id);
    await guarded({ requestId, user: actor.id, preview: value.previewId }, answer, async () => {
      const requestKey = value.requestId ? `slack:${value.requestId}` : undefined;
      const outcome = await core.confirm({
        previewId: value.previewId,
        actor,
        requestId,
        ...(requestKey ? { requestKey } : {}),
      });
      await settle(args, outcome, value, answer);
    });
  });

  app.action<BlockAction<ButtonAction>>({ action_id: ACTIONS.cancel }, async (args) => {
    await args.ack();
    const press = pressed(args);
    if (!press) return;
    const { value, actor, answer } = press;
    await guarded({ user: actor.id, preview: value.previewId }, answer, async () => {
      await settle(args, await core.cancel({ previewId: value.previewId, actor }), value, answer);
    });
  });

  app.action<BlockAction<ButtonAction>>({ action_id: ACTIONS.edit }, async (args) => {
    await args.ack();
    const press = pressed(args);
    if (!press) return;
    const { value, actor, answer } = press;
    const { body, client } = args;
    await guarded({ user: actor.id, preview: value.previewId }, answer, async () => {
      if (actor.id !== value.authorId) {
        await answer.whisper(renderClosedPreview('Only the person who wrote this preview can edit it.'));
        return;
      }
      const text = answers.previewText(value.previewId) ?? value.text;
      if (text === undefined) {
        await answer.whisper(
          renderClosedPreview('This preview can no longer be edited. Run the command again.'),
        );
        return;
      }
      const metadata: EditMetadata = {
        previewId: value.previewId,
        requestId: value.requestId,
        responseUrl: body.response_url,
        channel: actor.channel ?? null,
      };
      await client.views.open({
        trigger_id: body.trigger_id,
        view: renderEditModal(text, JSON.stringify(metadata)),
      });
    });
  });

  // The one handler that answers before acknowledging: a command that does not parse is shown in the
  // modal itself (Slack takes `response_action: errors` only as the acknowledgement), and the core's
  // check is synchronous and quick.
  app.view(EDIT_VIEW, async ({ ack, body, view }) => {
    const meta = parseMetadata(view.private_metadata);
    if (!meta) {
      await ack();
      log.warn({ user: body.user.id }, 'an Edit modal without readable metadata was submitted');
      return;
    }
    const answer = answerFor(respondVia(meta.responseUrl), true);
    const text = view.state.values[EDIT_INPUT.block]?.[EDIT_INPUT.action]?.value ?? '';
    let acked = false;
    // A view submission has a trigger_id (a closed view would not).
    const requestId = newRequestId('slack', (body as { trigger_id?: string }).trigger_id);
    await guarded({ requestId, user: body.user.id, preview: meta.previewId }, answer, async () => {
      const actor = await actorOf({ id: body.user.id, name: body.user.name }, meta.channel);
      const input = {
        text,
        actor,
        requestId,
        ...(meta.requestId ? { requestKey: `slack:${meta.requestId}` } : {}),
      };
      const outcome = await core.preview(input, chat.previewTtlMs);
      if (outcome.kind === 'refused') {
        acked = true;
        await ack({
          response_action: 'errors',
          errors: { [EDIT_INPUT.block]: outcome.message.slice(0, 2000) },
        });
        return;
      }
      acked = true;
      await ack();
      // The new preview replaces the old one, which can then no longer be published.
      const old = await core.cancel({ previewId: meta.previewId, actor });
      if (old.kind !== 'cancelled')
        log.debug({ preview: meta.previewId, outcome: old.kind }, 'edited preview was closed');
      answers.settle(meta.previewId);
      await show(outcome, answer, { requestId: meta.requestId, authorId: actor.id, text });
    });
    if (!acked) await ack();
  });

  const sendPrompt = createSlackPrompts({
    app,
    answerPrompt: (press) => core.answerPrompt(press),
    answerFor: (respond) => answerFor(respond, true),
    guarded,
    log,
    async show(outcome, answer) {
      if (outcome.kind === 'recorded') await answers.recorded(outcome, answer);
      else if (outcome.kind !== 'preview') await answer.whisper(renderOutcome(outcome, ctx));
    },
  });

  app.error(async (error) => {
    log.error({ err: error }, 'Bolt could not handle a Slack request');
  });

  const routes: SlackAdapter['routes'] = [];
  if (receiver instanceof ExpressReceiver) {
    const router = express.Router();
    // Before start() (auth.test) Bolt cannot authorize anything: Slack is asked to come back.
    router.use((req, res, next) => {
      if (!ready) {
        res.status(503).type('text').send('Slack is not ready yet\n');
        return;
      }
      // Bolt answers an oversized body with 413 before reading it and leaves the rest unread, which stalls
      // the connection for the next request: refuse it here and close, and drain whatever Bolt left.
      if (Number(req.get('content-length') ?? 0) > SLACK_BODY_LIMIT) {
        res.status(413).set('Connection', 'close').type('text').send('request body too large\n');
        return;
      }
      res.once('finish', () => {
        if (!req.complete) req.resume();
      });
      next();
    });
    router.use(receiver.router);
    routes.push({ path: SLACK_EVENTS_PATH, router });
  }

  return {
    mode: socket ? 'socket' : 'http',
    routes,
    async start() {
      await app.init();
      unsubscribe = core.onDelivery((notice) => answers.onDelivery(notice));
      stopPrompts = core.servePrompts('slack', sendPrompt);
      if (socket) await app.start();
      ready = true;
      log.info({ mode: socket ? 'socket' : 'http' }, 'slack is on');
    },
    async stop() {
      ready = false;
      unsubscribe?.();
      unsubscribe = null;
      stopPrompts?.();
      stopPrompts = null;
      answers.close();
      if (socket) await app.stop();
    },
  };
}
